"""The visible, moving watermark and `FrameMarker`, which applies both marks to frames.

The mark is a translucent dark pill with a small play glyph, "Framecast" and "@handle" in white
with a dark outline, so it reads on bright and dark content alike. It is rendered once with PIL
into a premultiplied RGBA sprite (cached per frame size) and alpha-blended with numpy on its
bounding box only, so the visible mark costs a fraction of a millisecond per frame.

It moves: it holds one of six positions around the frame edges (corners and mid-sides, in an
order that alternates top/bottom and left/right) for SEGMENT_SECONDS, gliding to the next in
GLIDE_SECONDS, so no fixed crop can remove it from the whole clip. The position is a pure
function of the frame index, so batches can be marked in any order.

Order of the two marks: visible first, invisible second. The invisible mark then covers every
pixel, including the pill, so detection loses nothing under the visible mark (the other order
would let the pill attenuate it and its white text clip it); and PSNR of the invisible mark is
measured between the visibly marked frame and the fully marked one, i.e. only the distortion the
invisible mark adds, which is the fair number (the visible mark is meant to be seen).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from gen_engine.provenance.invisible import WatermarkEmbedder
from gen_engine.types import GenerationSpec

BRAND = "Framecast"
SEGMENT_SECONDS = 2.0
GLIDE_SECONDS = 0.35
MAX_AREA_SHARE = 0.06
MAX_HANDLE_CHARS = 24
# Positions as (x, y) fractions of the free space; alternate sides so consecutive ones are far.
POSITIONS: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (1.0, 0.5),
    (0.0, 1.0),
    (1.0, 0.0),
    (0.0, 0.5),
    (1.0, 1.0),
)


def _handle_text(handle: str) -> str:
    handle = handle.strip().lstrip("@")
    if not handle:
        return ""
    if len(handle) > MAX_HANDLE_CHARS:
        handle = handle[: MAX_HANDLE_CHARS - 1] + "\u2026"
    return "@" + handle


def _draw_glyph(draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """A rounded square with a play triangle: the site's mark."""
    draw.rounded_rectangle(
        (x, y, x + size, y + size), radius=max(2, size // 4), fill=(255, 255, 255, 235)
    )
    inset = size * 0.3
    draw.polygon(
        [
            (x + inset, y + inset * 0.8),
            (x + inset, y + size - inset * 0.8),
            (x + size - inset * 0.7, y + size / 2),
        ],
        fill=(20, 20, 28, 255),
    )


@lru_cache(maxsize=16)
def render_sprite(handle: str, font_size: int) -> npt.NDArray[np.uint8]:
    """RGBA uint8 sprite of the mark at `font_size` pixels."""
    font = ImageFont.load_default(size=font_size)
    lines = [BRAND] + ([handle] if handle else [])
    stroke = max(1, font_size // 12)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    boxes = [probe.textbbox((0, 0), line, font=font, stroke_width=stroke) for line in lines]
    line_height = int(font_size * 1.2)
    glyph = int(font_size * 1.1)
    pad = max(4, font_size // 2)
    text_width = int(max(box[2] for box in boxes))
    width = pad + glyph + pad // 2 + text_width + pad
    height = pad + line_height * len(lines) + pad // 2
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (0, 0, width - 1, height - 1), radius=min(height // 2, font_size), fill=(12, 12, 18, 150)
    )
    _draw_glyph(draw, pad, (height - glyph) // 2, glyph)
    text_x = pad + glyph + pad // 2
    for row, line in enumerate(lines):
        draw.text(
            (text_x, pad // 2 + row * line_height),
            line,
            font=font,
            fill=(255, 255, 255, 240),
            stroke_width=stroke,
            stroke_fill=(0, 0, 0, 200),
        )
    return np.asarray(image, dtype=np.uint8).copy()


def sprite_for_frame(handle: str, width: int, height: int) -> npt.NDArray[np.uint8]:
    """The largest sprite up to ~2.8% of the short side in font size within the area share."""
    font_size = max(8, round(min(width, height) * 0.028))
    while True:
        sprite = render_sprite(handle, font_size)
        small_enough = sprite.shape[0] * sprite.shape[1] <= MAX_AREA_SHARE * width * height
        fits = sprite.shape[0] < height and sprite.shape[1] < width
        if (small_enough and fits) or font_size <= 6:
            return sprite
        font_size -= 1


def _smoothstep(value: float) -> float:
    value = min(1.0, max(0.0, value))
    return value * value * (3.0 - 2.0 * value)


def mark_position(
    frame_index: int, fps: float, frame_size: tuple[int, int], sprite_size: tuple[int, int]
) -> tuple[int, int]:
    """Top-left (x, y) of the sprite on frame `frame_index` (deterministic)."""
    width, height = frame_size
    sprite_w, sprite_h = sprite_size
    margin = max(4, round(min(width, height) * 0.035))
    free_x = max(0, width - sprite_w - 2 * margin)
    free_y = max(0, height - sprite_h - 2 * margin)
    seconds = frame_index / fps
    segment = int(seconds // SEGMENT_SECONDS)
    current = POSITIONS[segment % len(POSITIONS)]
    into = seconds - segment * SEGMENT_SECONDS
    if segment > 0 and into < GLIDE_SECONDS:
        previous = POSITIONS[(segment - 1) % len(POSITIONS)]
        blend = _smoothstep(into / GLIDE_SECONDS)
        fx = previous[0] + (current[0] - previous[0]) * blend
        fy = previous[1] + (current[1] - previous[1]) * blend
    else:
        fx, fy = current
    return margin + round(fx * free_x), margin + round(fy * free_y)


class FrameMarker:
    """Applies the visible moving mark and then the invisible watermark to batches of frames."""

    def __init__(self, spec: GenerationSpec, *, watermark_key: bytes | None = None) -> None:
        from gen_engine.provenance._config import current_watermark_key

        self.spec = spec
        self.handle = _handle_text(spec.creator_handle)
        self.fps = float(spec.fps)
        key = watermark_key if watermark_key is not None else current_watermark_key()
        self.embedder = WatermarkEmbedder(spec.watermark_id, key)
        self._sprites: dict[tuple[int, int], tuple[npt.NDArray[Any], npt.NDArray[Any]]] = {}

    def _premultiplied(self, width: int, height: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        cached = self._sprites.get((width, height))
        if cached is None:
            sprite = sprite_for_frame(self.handle, width, height).astype(np.float32) / 255.0
            alpha = sprite[:, :, 3:4]
            cached = (sprite[:, :, :3] * alpha * 255.0, 1.0 - alpha)
            self._sprites[(width, height)] = cached
        return cached

    def position(self, frame_index: int, width: int, height: int) -> tuple[int, int, int, int]:
        """(x, y, w, h) of the visible mark on a frame of the given size."""
        color, _ = self._premultiplied(width, height)
        sprite_h, sprite_w = color.shape[:2]
        x, y = mark_position(frame_index, self.fps, (width, height), (sprite_w, sprite_h))
        return x, y, min(sprite_w, width - x), min(sprite_h, height - y)

    def mark_visible(self, frames: npt.NDArray[np.uint8], first_index: int) -> None:
        height, width = frames.shape[1:3]
        color, keep = self._premultiplied(width, height)
        for offset, frame in enumerate(frames):
            x, y, w, h = self.position(first_index + offset, width, height)
            region = frame[y : y + h, x : x + w].astype(np.float32)
            region *= keep[:h, :w]
            region += color[:h, :w]
            frame[y : y + h, x : x + w] = np.clip(region + 0.5, 0, 255).astype(np.uint8)

    def mark(self, frames: npt.NDArray[np.uint8], first_index: int) -> npt.NDArray[np.uint8]:
        """Mark RGB uint8 frames (n, H, W, 3) whose absolute indices start at `first_index`.

        Works in place and returns the same array.
        """
        if frames.ndim != 4 or frames.shape[3] != 3 or frames.dtype != np.uint8:
            raise ValueError("frames must be an (n, H, W, 3) uint8 RGB array")
        self.mark_visible(frames, first_index)
        self.embedder.embed(frames)
        return frames
