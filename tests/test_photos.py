"""Photos made safe to publish: EXIF read and then removed, faces blurred, hostile files
refused. The face is NASA's public-domain portrait of Eileen Collins that scikit-image
ships as `skimage.data.astronaut()`."""

from __future__ import annotations

import contextlib
import datetime as dt
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from skimage.data import astronaut

from camwatch.sightings.photos import PhotoError, PhotoLimits, detect, publishable

FACE = (177, 66, 95, 95)  # where OpenCV finds the face in the original


def photo_with_exif() -> bytes:
    """A JPEG carrying GPS (Cambridge), the time taken, a camera make and a comment."""
    image = Image.fromarray(astronaut())
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2024:05:17 14:03:09"  # DateTime
    gps = {1: "N", 2: (52.0, 12.0, 20.0), 3: "E", 4: (0.0, 7.0, 19.2)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken by Jane")
    return out.getvalue()


def test_exif_is_read_then_gone_and_the_face_blurred() -> None:
    original = photo_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo does carry EXIF
    published = publishable(original)
    assert published.latitude == pytest.approx(52.2056, abs=1e-4)
    assert published.longitude == pytest.approx(0.1220, abs=1e-4)
    assert published.taken_at == dt.datetime(2024, 5, 17, 14, 3, 9)
    out = Image.open(io.BytesIO(published.jpeg))
    assert not out.getexif()
    assert "exif" not in out.info
    assert "comment" not in out.info
    assert b"PhoneMaker" not in published.jpeg
    assert b"Jane" not in published.jpeg
    assert any(region.kind == "face" for region in published.regions)
    pixels = np.asarray(out.convert("RGB")).astype(float)
    x, y, w, h = FACE
    before = np.asarray(Image.fromarray(astronaut())).astype(float)[y : y + h, x : x + w]
    after = pixels[y : y + h, x : x + w]
    # Detail (variance of the Laplacian-like differences) is mostly gone from the face...
    assert np.abs(np.diff(after, axis=1)).mean() < 0.35 * np.abs(np.diff(before, axis=1)).mean()
    # ...and no face is found in the published photo any more.
    assert not [r for r in detect(pixels.astype(np.uint8)) if r.kind == "face"]


def test_a_photo_without_faces_is_not_blurred() -> None:
    rng = np.random.default_rng(1)
    sky = (rng.random((300, 400, 3)) * 40 + 150).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(sky).save(out, format="PNG")
    published = publishable(out.getvalue())
    assert published.regions == []
    assert (published.width, published.height) == (400, 300)
    assert published.latitude is None
    assert published.taken_at is None


def test_large_photos_are_shrunk_and_bad_files_refused() -> None:
    big = io.BytesIO()
    Image.new("RGB", (4000, 1000), "white").save(big, format="JPEG")
    assert (publishable(big.getvalue()).width, publishable(big.getvalue()).height) == (2048, 512)
    with pytest.raises(PhotoError, match="more than the limit"):
        publishable(big.getvalue(), PhotoLimits(max_pixels=1_000_000))
    with pytest.raises(PhotoError, match="bytes is more than the limit"):
        publishable(big.getvalue(), PhotoLimits(max_bytes=100))
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(PhotoError, match="GIF file"):
        publishable(gif.getvalue())
    with pytest.raises(PhotoError, match="not a readable image"):
        publishable(b"<html>not a photo</html>")


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    """A tiny PNG that declares 100,000 x 100,000 pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
    )
    bomb += chunk(b"IEND", b"")
    with pytest.raises(PhotoError, match=r"decompression bomb|more than the limit"):
        publishable(bomb)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_photo_errors(data: bytes) -> None:
    for prefix in (b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n"):
        with contextlib.suppress(PhotoError):
            publishable(prefix + data)
