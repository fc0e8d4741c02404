"""Avatar images: checked by content and re-encoded, never kept as uploaded.

The pixel count is read from the header before any pixel is decoded, so a small file that claims
to be 20000x20000 (a decompression bomb) is refused without allocating its memory.
"""

from __future__ import annotations

import io
import struct
import warnings
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from sora_site.core.errors import ValidationFailed

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000
AVATAR_SIDE = 512
AVATAR_EXTENSION = "webp"
AVATAR_CONTENT_TYPE = "image/webp"
# Only raster formats that browsers show; SVG (a script carrier) is not an image to Pillow.
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")

# Errors Pillow raises for files that are not (complete, sane) images. Listed, not `Exception`,
# so a bug in our own code still surfaces. Other apps that decode uploads catch the same list.
BROKEN_IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    struct.error,
)

NOT_AN_IMAGE = "That file is not a PNG, JPEG, WebP or GIF image (or it is damaged)."


def _too_many_pixels(width: int, height: int) -> ValidationFailed:
    return ValidationFailed(
        f"That image is too large ({width}x{height} pixels); "
        f"at most {AVATAR_MAX_PIXELS // 1_000_000} megapixels are allowed.",
        code="too_many_pixels",
    )


def _read_limited(upload: IO[bytes]) -> bytes:
    data = upload.read(AVATAR_MAX_BYTES + 1)
    if len(data) > AVATAR_MAX_BYTES:
        raise ValidationFailed(
            f"That file is too big; avatars may be at most {AVATAR_MAX_BYTES // (1024 * 1024)} MB.",
            code="too_big",
        )
    if not data:
        raise ValidationFailed("That file is empty.", code="empty")
    return data


def avatar_reencode(upload: IO[bytes]) -> bytes:
    """Check an uploaded avatar and return it re-encoded: a square WebP of at most
    AVATAR_SIDE pixels, without metadata. Raises ValidationFailed with a readable message."""
    data = _read_limited(upload)
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it; treat that as a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
                width, height = probe.size  # from the header: nothing is decoded yet
                if width < 1 or height < 1:
                    raise ValidationFailed(NOT_AN_IMAGE, code="not_an_image")
                if width * height > AVATAR_MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                probe.verify()
            # verify() leaves the image unusable: open it again to decode it.
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                if image.size != (width, height):
                    raise ValidationFailed(NOT_AN_IMAGE, code="not_an_image")
                # JPEG can decode straight at a reduced scale: less memory for big photos.
                image.draft("RGB", (AVATAR_SIDE * 2, AVATAR_SIDE * 2))
                image.load()
                return _encode(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationFailed(
                f"That image has too many pixels; at most {AVATAR_MAX_PIXELS // 1_000_000} "
                "megapixels are allowed.",
                code="too_many_pixels",
            ) from exc
        except BROKEN_IMAGE_ERRORS as exc:
            raise ValidationFailed(NOT_AN_IMAGE, code="not_an_image") from exc


def _encode(image: Image.Image) -> bytes:
    upright = ImageOps.exif_transpose(image)  # honour the camera's orientation, then drop EXIF
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    converted = upright.convert("RGBA" if has_alpha else "RGB")
    side = min(AVATAR_SIDE, converted.width, converted.height)
    square = ImageOps.fit(converted, (side, side), method=Image.Resampling.LANCZOS)
    # A fresh image carries no info dict at all: no EXIF, XMP, ICC profile or comments.
    clean = Image.frombytes(square.mode, square.size, square.tobytes())
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()
