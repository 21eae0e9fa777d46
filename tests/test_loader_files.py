from pathlib import Path

import pytest

from camwatch.registry.loader.errors import DataFileError
from camwatch.registry.loader.files import LINE_KEY, line_of, read_yaml, strip_lines

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


def write(tmp_path: Path, text: str, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_mapping_knows_its_line(tmp_path: Path) -> None:
    data = read_yaml(
        write(tmp_path, "sources:\n  - key: a\n    title: A\n  - key: b\n"), 10_000
    ).data
    assert [item[LINE_KEY] for item in data["sources"]] == [2, 4]
    assert strip_lines(data) == {"sources": [{"key": "a", "title": "A"}, {"key": "b"}]}


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"duplicate key 'key' \(first on line 2\)") as raised:
        read_yaml(write(tmp_path, "x:\n  key: a\n  key: b\n"), 10_000)
    assert raised.value.line == 3


def test_syntax_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not valid YAML") as raised:
        read_yaml(write(tmp_path, "a: 1\nb: [unclosed\nc: 2\n"), 10_000)
    assert raised.value.line is not None
    assert str(raised.value).startswith(str(tmp_path / "f.yaml"))


def test_python_tags_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not valid YAML"):
        read_yaml(write(tmp_path, "x: !!python/object/apply:os.system ['true']\n"), 10_000)


def test_size_limit(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="over the limit of 10"):
        read_yaml(write(tmp_path, "a: 12345678901234567890\n"), 10)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_yaml(path, 10_000)


def test_line_of_follows_a_path() -> None:
    data = {LINE_KEY: 1, "relations": [{LINE_KEY: 7, "kind": "x"}]}
    assert line_of(data, ("relations", 0, "kind"), 1) == 7
    assert line_of(data, ("missing",), 1) == 1
