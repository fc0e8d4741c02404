"""The `spritesheet` variant: frames of the stored video laid out as one JPEG grid.

Made from the video file itself on first request and kept in the cache (the file never changes:
a new render gets a new name), so a poller that asks twice decodes once.
"""

from __future__ import annotations

import io
import logging

from django.core.cache import cache
from django.core.files.storage import default_storage

from sora_site.core.errors import NotFound

logger = logging.getLogger(__name__)

COLUMNS = 4
ROWS = 4
TILE_LONG_SIDE = 256
CACHE_SECONDS = 3600


def _build(name: str) -> bytes:
    import av
    from PIL import Image

    with default_storage.open(name, "rb") as handle, av.open(handle, "r") as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        frames = [frame.to_image() for frame in container.decode(stream)]
    if not frames:
        raise ValueError("no frames")
    count = min(COLUMNS * ROWS, len(frames))
    picks = [frames[round(i * (len(frames) - 1) / max(1, count - 1))] for i in range(count)]
    tiles = []
    for picture in picks:
        tile = picture.convert("RGB")
        tile.thumbnail((TILE_LONG_SIDE, TILE_LONG_SIDE))
        tiles.append(tile)
    width, height = tiles[0].size
    columns = min(COLUMNS, count)
    rows = -(-count // columns)
    sheet = Image.new("RGB", (columns * width, rows * height))
    for index, tile in enumerate(tiles):
        sheet.paste(tile, ((index % columns) * width, (index // columns) * height))
    out = io.BytesIO()
    sheet.save(out, format="JPEG", quality=85)
    return out.getvalue()


def spritesheet_for(name: str) -> bytes:
    """JPEG bytes of the grid for the stored video `name`. NotFound when the file cannot be
    decoded (a damaged or missing file is not the caller's input error)."""
    key = f"openai_compat:spritesheet:{name}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    import av

    try:
        data = _build(name)
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
        logger.warning("openai_compat.spritesheet.failed", extra={"name": name, "error": repr(exc)})
        raise NotFound(
            "No spritesheet is available for this video.", code="asset_unavailable"
        ) from exc
    cache.set(key, data, CACHE_SECONDS)
    return data
