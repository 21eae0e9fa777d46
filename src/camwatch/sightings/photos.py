"""Photos of cameras made safe to publish. Pure: Pillow and OpenCV, no Django.

A contributor's photo is read once for what helps the form (where and when it was taken,
from its EXIF GPS and time), and then re-encoded from its pixels alone, so that no EXIF,
XMP or other metadata survives. Faces and number plates found by OpenCV's bundled Haar
cascades are blurred beyond recognition before anything is published. Detection is not
perfect (see docs/sightings.md): the original is kept for reviewers only, and a reviewer
checks every photo before it is shown.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
CASCADES = {
    "face": ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml"),
    "plate": ("haarcascade_russian_plate_number.xml",),
}
# The cascades' folder inside the OpenCV wheel (cv2.data is untyped).
CASCADE_DIR: str = cv2.data.haarcascades  # type: ignore[attr-defined]
BLUR_MARGIN = 0.15  # grow each region by this share on every side before blurring


class PhotoError(ValueError):
    """A file that is not a photo camwatch accepts, with the reason."""


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 40_000_000  # a decompression bomb declares far more
    max_side: int = 2048  # the published copy's longest side


@dataclass(frozen=True)
class Region:
    kind: str  # face or plate
    x: int
    y: int
    width: int
    height: int


@dataclass
class Published:
    jpeg: bytes
    width: int
    height: int
    latitude: float | None = None
    longitude: float | None = None
    taken_at: dt.datetime | None = None
    regions: list[Region] = field(default_factory=list)


def open_photo(data: bytes, limits: PhotoLimits = PhotoLimits()) -> Image.Image:
    """The decoded image, refused when it is too big, not an image, or not JPEG/PNG/WebP."""
    if len(data) > limits.max_bytes:
        raise PhotoError(f"{len(data):,} bytes is more than the limit of {limits.max_bytes:,}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError(
                    f"a {image.format or 'unknown'} file: send a JPEG, PNG or WebP photo"
                )
            if image.width * image.height > limits.max_pixels:
                raise PhotoError(f"{image.width}x{image.height} pixels is more than the limit")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, PhotoError):
            raise
        raise PhotoError(f"not a readable image ({error})") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(f"refused as a possible decompression bomb ({error})") from error
    return image


def _degrees(value: object, ref: object) -> float | None:
    try:
        d, m, s = (float(part) for part in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1.0 if str(ref).upper() in ("S", "W") else 1.0
    return sign * (d + m / 60 + s / 3600)


def exif_facts(image: Image.Image) -> tuple[float | None, float | None, dt.datetime | None]:
    """Latitude, longitude and the time taken, from EXIF, when present and sensible."""
    exif = image.getexif()
    gps = exif.get_ifd(GPS_IFD)
    tags = {ExifTags.GPSTAGS.get(k, k): v for k, v in gps.items()}
    lat = _degrees(tags.get("GPSLatitude"), tags.get("GPSLatitudeRef"))
    lon = _degrees(tags.get("GPSLongitude"), tags.get("GPSLongitudeRef"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    stamp = exif.get_ifd(EXIF_IFD).get(0x9003) or exif.get(0x0132)  # DateTimeOriginal
    try:
        taken = dt.datetime.strptime(str(stamp), "%Y:%m:%d %H:%M:%S") if stamp else None
    except ValueError:
        taken = None
    return lat, lon, taken


def detect(rgb: np.ndarray) -> list[Region]:
    """Faces and number plates, by OpenCV's bundled Haar cascades."""
    grey = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    smallest = max(20, min(grey.shape) // 40)
    found = []
    for kind, files in CASCADES.items():
        for name in files:
            cascade = cv2.CascadeClassifier(CASCADE_DIR + name)
            hits = cascade.detectMultiScale(grey, 1.1, 4, minSize=(smallest, smallest))
            found += [Region(kind, int(x), int(y), int(w), int(h)) for x, y, w, h in hits]
    return found


def blur(rgb: np.ndarray, regions: list[Region]) -> np.ndarray:
    """Each region pixelated and then blurred, with a margin: unrecognisable, and with no
    sharp block edges to undo."""
    out = rgb.copy()
    height, width = out.shape[:2]
    for region in regions:
        dx, dy = int(region.width * BLUR_MARGIN), int(region.height * BLUR_MARGIN)
        x0, y0 = max(0, region.x - dx), max(0, region.y - dy)
        x1 = min(width, region.x + region.width + dx)
        y1 = min(height, region.y + region.height + dy)
        patch = out[y0:y1, x0:x1]
        if patch.size == 0:
            continue
        small = cv2.resize(patch, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)))
        coarse = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        kernel = max(3, ((x1 - x0) // 6) | 1)
        out[y0:y1, x0:x1] = cv2.GaussianBlur(coarse, (kernel, kernel), 0)
    return out


def publishable(data: bytes, limits: PhotoLimits = PhotoLimits()) -> Published:
    """A JPEG made from the photo's pixels only, turned upright, no larger than
    `max_side`, with faces and plates blurred; and what its EXIF said."""
    image = open_photo(data, limits)
    lat, lon, taken = exif_facts(image)
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((limits.max_side, limits.max_side))
    rgb = np.asarray(upright)
    regions = detect(rgb)
    clean = Image.fromarray(blur(rgb, regions))  # a new image: no metadata carried over
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return Published(out.getvalue(), clean.width, clean.height, lat, lon, taken, regions)
