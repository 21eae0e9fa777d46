"""Sections of the data files that other apps define (the money trail's contracts, say).

An app registers its record types and the step that writes them when Django starts
(AppConfig.ready), so that one `load-data` reads and writes everything in a single
transaction while the registry loader knows nothing of those apps' models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from camwatch.registry.loader.schema import Record


@dataclass(frozen=True)
class Extension:
    name: str
    sections: Mapping[str, type[Record]]
    # section -> the natural key of one record, for the duplicate check
    unique_keys: Mapping[str, Callable[[Any], str]]
    # writes this extension's sections; given the Applier, after the registry's own steps
    apply: Callable[[Any], None]


_EXTENSIONS: dict[str, Extension] = {}


def register(extension: Extension) -> None:
    _EXTENSIONS[extension.name] = extension


def extensions() -> list[Extension]:
    return list(_EXTENSIONS.values())


def extra_sections() -> dict[str, type[Record]]:
    return {name: kind for ext in _EXTENSIONS.values() for name, kind in ext.sections.items()}
