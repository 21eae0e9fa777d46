"""The size limits that keep one hostile or huge file from exhausting the machine. Every
limit is an environment variable (docs/configuration.md) so that an operator can raise it
for a known-good archive of replies."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from camwatch.web.environment import env_bool, env_int

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * MB  # one file as given, before expansion
    max_expanded_bytes: int = 200 * MB  # everything unpacked from one file's archives
    max_members: int = 1000  # files inside one archive or email
    max_ratio: int = 200  # uncompressed / compressed size of one archive member
    max_depth: int = 4  # archives and emails nested inside each other
    max_pages: int = 1000  # PDF pages
    max_rows: int = 200_000  # spreadsheet rows, all sheets together
    max_cells: int = 2_000_000  # spreadsheet cells, all sheets together
    ocr: bool = True  # read scanned pages with Tesseract when it is installed
    ocr_timeout: int = 120  # seconds for one page
    tesseract: str = "tesseract"

    @classmethod
    def from_environment(cls) -> Limits:
        default = cls()
        return cls(
            max_file_bytes=env_int("CAMWATCH_CODING_MAX_FILE_BYTES", default.max_file_bytes, 1),
            max_expanded_bytes=env_int(
                "CAMWATCH_CODING_MAX_EXPANDED_BYTES", default.max_expanded_bytes, 1
            ),
            max_members=env_int("CAMWATCH_CODING_MAX_MEMBERS", default.max_members, 1),
            max_ratio=env_int("CAMWATCH_CODING_MAX_RATIO", default.max_ratio, 1),
            max_depth=env_int("CAMWATCH_CODING_MAX_DEPTH", default.max_depth, 0),
            max_pages=env_int("CAMWATCH_CODING_MAX_PAGES", default.max_pages, 1),
            max_rows=env_int("CAMWATCH_CODING_MAX_ROWS", default.max_rows, 1),
            max_cells=env_int("CAMWATCH_CODING_MAX_CELLS", default.max_cells, 1),
            ocr=env_bool("CAMWATCH_CODING_OCR", default.ocr),
            ocr_timeout=env_int("CAMWATCH_CODING_OCR_TIMEOUT", default.ocr_timeout, 1),
            tesseract=_tesseract(),
        )

    def most_unpacked(self, compressed: int) -> int:
        """The most bytes an archive member of `compressed` bytes may unpack to."""
        return max(compressed, 1) * self.max_ratio

    def tesseract_path(self) -> str | None:
        return shutil.which(self.tesseract) if self.ocr else None


def _tesseract() -> str:
    return os.environ.get("CAMWATCH_TESSERACT", "").strip() or "tesseract"
