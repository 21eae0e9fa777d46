"""Reading data files with the line number of every record, within size limits.

YAML is read with PyYAML's safe loader (no Python objects), duplicate keys are an
error rather than silently the last one, and every mapping remembers its line so
that an error can point at it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from camwatch.registry.loader.errors import DataFileError

LINE_KEY = "__line__"


@dataclass(frozen=True)
class Located:
    """A parsed document (or CSV row) and where it came from."""

    path: Path
    line: int
    data: Any


# libyaml's parser when PyYAML was built with it (about ten times faster), else the
# pure-Python one; both are the safe loader and both report line numbers.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[valid-type,misc]
    pass


# Dates stay text here and are checked by the schema, which names the field: PyYAML's own
# date conversion raises a bare ValueError, with no line, for a date like 2027-02-30.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeBase.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:  # a list or mapping as a key: construct_mapping refuses it below
            continue
        if repeated:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def check_size(
    path: Path, max_bytes: int, setting: str = "", error: type[DataFileError] = DataFileError
) -> int:
    """The file's size; `error` naming the file (and the setting that sets the limit) when
    it cannot be read or is larger than `max_bytes`, before a byte of it is read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise error(path, f"cannot be read ({exc.strerror or exc})") from exc
    if size > max_bytes:
        named = f" ({setting})" if setting else ""
        raise error(path, f"is {size:,} bytes, over the limit of {max_bytes:,} bytes{named}")
    return size


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_text(path: Path, max_bytes: int) -> str:
    check_size(path, max_bytes, "CAMWATCH_MAX_DATA_FILE_BYTES")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(
            path, f"is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from error


def read_yaml(path: Path, max_bytes: int) -> Located:
    text = _read_text(path, max_bytes)
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise DataFileError(
            path, f"is not valid YAML: {error.problem or error}", line=line
        ) from error
    except yaml.YAMLError as error:
        raise DataFileError(path, f"is not valid YAML: {error}") from error
    return Located(path, 1, data)


def strip_lines(data: Any) -> Any:
    """A copy of parsed YAML without the line markers."""
    if isinstance(data, dict):
        return {key: strip_lines(value) for key, value in data.items() if key != LINE_KEY}
    if isinstance(data, list):
        return [strip_lines(item) for item in data]
    return data


def line_of(data: Any, path: tuple[int | str, ...], default: int) -> int:
    """The line of the innermost mapping on `path` inside `data`."""
    line = data.get(LINE_KEY, default) if isinstance(data, dict) else default
    node = data
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line = node.get(LINE_KEY, line)
    return int(line)
