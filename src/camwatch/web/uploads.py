"""Checking a file uploaded through the admin (a source's copy, a campaign's attachment)
before it is stored: its size, and its content sniffed rather than its name believed.

Images go through the photo checks (sightings/photos.py: JPEG, PNG or WebP, decoded with
a pixel limit against decompression bombs); every other file goes through the response
coding's readers (coding/documents.py), which refuse unknown binary content and guard
against ZIP bombs, nested archives and oversized PDFs and spreadsheets. A name whose
extension says another format than the content is refused too.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF")
IMAGE_SUFFIXES = {"png", "jpg", "jpeg", "webp"}


def sniff(name: str, data: bytes) -> str:
    """The kind of `data` (pdf, docx, xlsx, ..., image), or ValueError saying why it is refused."""
    if data.startswith(IMAGE_MAGIC):
        from camwatch.sightings.photos import PhotoLimits, open_photo

        open_photo(data, PhotoLimits(max_bytes=len(data)))  # raises PhotoError (ValueError)
        return "image"
    from camwatch.coding.documents import read_bytes
    from camwatch.coding.limits import Limits

    limits = dataclasses.replace(Limits.from_environment(), ocr=False, max_file_bytes=len(data))
    reading = read_bytes(name, data, limits)
    if reading.errors:
        raise ValueError(str(reading.errors[0]))
    first = reading.documents[0]
    misnamed = [notice for notice in first.notices if notice.startswith("named .")]
    if misnamed:
        raise ValueError(misnamed[0])
    return first.format


def validate_upload(upload: Any) -> None:
    """A Django field validator: refuses a file over CAMWATCH_MAX_UPLOAD_BYTES, of a kind
    camwatch does not read, damaged, a possible bomb, or named as another kind."""
    limit = settings.CAMWATCH_MAX_UPLOAD_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            f"{size:,} bytes is more than the limit of {limit:,} (CAMWATCH_MAX_UPLOAD_BYTES)"
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    name = Path(upload.name or "upload").name
    try:
        kind = sniff(name, data)
    except ValueError as error:
        raise ValidationError(f"{name}: refused: {error}") from error
    suffix = Path(name).suffix.lower().lstrip(".")
    if kind == "image" and suffix and suffix not in IMAGE_SUFFIXES:
        raise ValidationError(f"{name}: named .{suffix} but its content is an image")
