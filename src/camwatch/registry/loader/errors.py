"""Errors that name the file, the line, the record and the field at fault."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataFileError(Exception):
    path: Path
    message: str
    line: int | None = None
    record: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        parts = [where]
        if self.record:
            parts.append(f"record {self.record}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join([*parts, self.message])


class DataFileErrors(Exception):
    """Every problem found in a load, reported together so that one run shows them all."""

    def __init__(self, errors: list[DataFileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))
