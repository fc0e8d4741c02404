"""Invisible watermark: a keyed 128 px tile on a ring of mid-low spatial frequencies.

Design (see DESIGN.md, "Facts about an invisible watermark found by trial"):

* The 48-bit payload + CRC-16 is convolutionally coded to 210 bits (`coding.py`).
* A 128x128 tile is built in the frequency domain. Every coefficient on a ring of radii
  RING_MIN..RING_MAX (periods of about 7 to 21 px: low enough to survive CRF 35 and a 0.4x
  downscale - a 7..22 ring lost CRC at CRF 35 on smooth content - high enough to stay
  unobtrusive) is assigned by the key either to the pilot (a
  known pseudo-random phase, for alignment) or to one coded bit (the bit's sign flips the
  keyed phase). The inverse FFT gives a real tile with unit standard deviation.
* The tile is repeated across the frame and is the same in every frame, so the detector can
  average frames (moving content cancels, the mark adds up) and fold the frame into one tile
  (cropping only shifts the tile cyclically, which the pilot correlation finds).
* It is added to luma only: the same delta on R, G and B changes Y by exactly that delta and
  leaves chroma alone. A per-block contrast mask makes it weaker in flat areas (where it would
  show as mottling) and stronger in texture, with the mask's RMS held at 1 so the luma PSNR is
  close to 20*log10(255/STRENGTH) (~41 dB) whatever the content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from gen_engine.provenance.coding import CODED_BITS, conv_encode, message_bits

TILE = 128
RING_MIN = 6.0
RING_MAX = 18.0
PILOT_FRACTION = 0.25
# Luma levels RMS: 20*log10(255/2.4) = 40.5 dB. 2.0 -> 2.25 recovered the panning clip after
# CRF 23 and hard bars after a 50% downscale; 2.25 -> 2.4 raised the data bits' agreement after
# CRF 35 on generated orbit/pan clips (bench/watermark.py probes, docs/PERFORMANCE.md). The
# floor is 40 dB RGB PSNR; 2.5 measured 40.1-40.2 dB, too close to it.
STRENGTH = 2.4
MASK_BLOCK = 8  # the contrast mask is computed on 8x8 blocks
MASK_FLOOR = 0.35  # flat areas keep at least this share of the mark
MASK_CEIL = 2.2
MASK_REFERENCE = 6.0  # block std (levels) at which the gain leaves the floor, x MASK_FLOOR
DEV_WATERMARK_KEY = b"framecast-development-watermark-key-v1"


@dataclass(frozen=True, eq=False)
class TileLayout:
    """Which ring coefficient does what, derived from the key alone."""

    kx: npt.NDArray[np.int64]  # frequency indices (half plane), all ring coefficients
    ky: npt.NDArray[np.int64]
    phase: npt.NDArray[np.float64]  # keyed reference phase of each coefficient
    is_pilot: npt.NDArray[np.bool_]
    bit_index: npt.NDArray[np.int64]  # coded bit carried by each data coefficient (-1: pilot)


def _key_seed(key: bytes) -> int:
    return int.from_bytes(hashlib.sha256(b"framecast-wm-v1|" + key).digest()[:8], "big")


@lru_cache(maxsize=8)
def tile_layout(key: bytes) -> TileLayout:
    rng = np.random.default_rng(_key_seed(key))
    freqs = np.fft.fftfreq(TILE, 1.0 / TILE).astype(np.int64)
    ky_grid, kx_grid = np.meshgrid(freqs, freqs, indexing="ij")
    radius = np.hypot(kx_grid, ky_grid)
    half_plane = (kx_grid > 0) | ((kx_grid == 0) & (ky_grid > 0))
    chosen = (radius >= RING_MIN) & (radius <= RING_MAX) & half_plane
    kx = kx_grid[chosen]
    ky = ky_grid[chosen]
    count = len(kx)
    order = rng.permutation(count)
    pilot_count = round(count * PILOT_FRACTION)
    is_pilot = np.zeros(count, dtype=bool)
    is_pilot[order[:pilot_count]] = True
    bit_index = np.full(count, -1, dtype=np.int64)
    data_slots = order[pilot_count:]
    # Spread each coded bit over coefficients scattered around the ring (never adjacent), so
    # losing one frequency band costs every bit a little rather than some bits everything.
    bit_index[data_slots] = np.arange(len(data_slots)) % CODED_BITS
    phase = rng.uniform(0.0, 2.0 * np.pi, count)
    return TileLayout(kx=kx, ky=ky, phase=phase, is_pilot=is_pilot, bit_index=bit_index)


def _tile_from_coefficients(layout: TileLayout, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    spectrum = np.zeros((TILE, TILE), dtype=np.complex128)
    spectrum[layout.ky % TILE, layout.kx % TILE] = values
    spectrum[(-layout.ky) % TILE, (-layout.kx) % TILE] = np.conj(values)
    tile: npt.NDArray[np.float64] = np.fft.ifft2(spectrum).real
    normalised: npt.NDArray[np.float64] = tile / tile.std()
    return normalised


@lru_cache(maxsize=8)
def watermark_tile(key: bytes, payload: int) -> npt.NDArray[np.float32]:
    """The 128x128 tile (unit std) that carries `payload` under `key`."""
    layout = tile_layout(key)
    coded = conv_encode(message_bits(payload))
    signs = np.where(layout.is_pilot, 1.0, 1.0 - 2.0 * coded[np.maximum(layout.bit_index, 0)])
    values = signs * np.exp(1j * layout.phase)
    return _tile_from_coefficients(layout, values).astype(np.float32)


@lru_cache(maxsize=4)
def pilot_tile(key: bytes) -> npt.NDArray[np.float64]:
    """The pilot part of the tile alone (what the detector correlates against)."""
    layout = tile_layout(key)
    values = np.where(layout.is_pilot, np.exp(1j * layout.phase), 0.0)
    return _tile_from_coefficients(layout, values)


class WatermarkEmbedder:
    """Adds the watermark to RGB uint8 frames.

    Everything that does not depend on the frame is prepared once per frame size: the tile
    repeated over the frame (scaled to STRENGTH), split into its magnitude and two sign masks
    already expanded to R, G, B. Per frame only the contrast gain changes, so a frame costs: the
    8x8-block gain from a half-resolution green plane, one multiply of the magnitude by the gain
    (broadcast over each block's 8 rows), one rounding to uint8 (deltas stay far below
    255), one expansion to three channels and a saturating add and subtract on the frame.
    About 2 ms of CPU at 720x1280 against ~5.5 ms for the numpy int16 version it replaced, with
    the same output bit for bit. OpenCV's element-wise kernels are used because they are
    single-threaded SIMD and saturate in uint8; numpy would need an int16 round trip.
    """

    def __init__(self, payload: int, key: bytes | None = None) -> None:
        message_bits(payload)  # refuses a payload outside 0..2**48-1 now, not mid-render
        self.payload = payload
        self.key = key if key is not None else DEV_WATERMARK_KEY
        self._plans: dict[tuple[int, int], _FramePlan] = {}

    def _plan(self, height: int, width: int) -> _FramePlan:
        plan = self._plans.get((height, width))
        if plan is None:
            tile = watermark_tile(self.key, self.payload) * np.float32(STRENGTH)
            plan = _FramePlan.build(tile, height, width)
            self._plans[(height, width)] = plan
        return plan

    def contrast_gain(self, frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        """Per 8x8 block gain from local contrast, (H/8, W/8), normalised to RMS 1.

        Flat blocks get MASK_FLOOR/MASK_CEIL of what textured blocks get; the normalisation
        keeps the total energy, hence the PSNR (~41 dB luma), the same for every frame. Green
        at half resolution (4x4 samples per block) stands in for luma: the mask only needs
        local contrast.
        """
        height, width = frame.shape[:2]
        half = MASK_BLOCK // 2
        bh, bw = -(-height // MASK_BLOCK), -(-width // MASK_BLOCK)
        green = frame[::2, ::2, 1].astype(np.float32)
        pad_h, pad_w = bh * half - green.shape[0], bw * half - green.shape[1]
        if pad_h or pad_w:
            green = np.pad(green, ((0, pad_h), (0, pad_w)), mode="edge")
        # INTER_AREA at an exact integer ratio is the block mean.
        mean = cv2.resize(green, (bw, bh), interpolation=cv2.INTER_AREA)
        mean_square = cv2.resize(green * green, (bw, bh), interpolation=cv2.INTER_AREA)
        variance = mean_square - mean * mean
        np.maximum(variance, 0.0, out=variance)
        gain: npt.NDArray[np.float32] = np.sqrt(variance)
        gain /= np.float32(MASK_REFERENCE)
        np.clip(gain, MASK_FLOOR, MASK_CEIL, out=gain)
        gain /= np.sqrt(np.mean(gain * gain))
        return gain

    def embed(self, frames: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        """Watermark a batch (n, H, W, 3) of RGB uint8 frames in place and return it.

        The same rounded luma delta goes to R, G and B (so chroma is untouched), added with
        uint8 saturation: +delta where the pattern is positive, -delta where it is negative.
        """
        if frames.ndim != 4 or frames.shape[3] != 3 or frames.dtype != np.uint8:
            raise ValueError("frames must be an (n, H, W, 3) uint8 RGB array")
        height, width = frames.shape[1:3]
        plan = self._plan(height, width)
        for index in range(frames.shape[0]):  # not thread-safe: the plan holds a work buffer
            frame = frames[index]
            target = frame if frame.flags.c_contiguous else np.ascontiguousarray(frame)
            amount = plan.amount(self.contrast_gain(target))
            cv2.add(target, cv2.bitwise_and(amount, plan.positive), dst=target)
            cv2.subtract(target, cv2.bitwise_and(amount, plan.negative), dst=target)
            if target is not frame:
                frame[...] = target
        return frames


@dataclass(frozen=True, eq=False)
class _FramePlan:
    """The frame-independent part of embedding at one frame size (see WatermarkEmbedder)."""

    height: int
    width: int
    magnitude: npt.NDArray[np.float32]  # |STRENGTH * tile| over the frame, padded to 8x8 blocks
    positive: npt.NDArray[np.uint8]  # (H, W, 3): 255 where the pattern is > 0, else 0
    negative: npt.NDArray[np.uint8]  # (H, W, 3): 255 where the pattern is < 0, else 0
    scaled: npt.NDArray[np.float32]  # work buffer, same shape as magnitude

    @classmethod
    def build(cls, tile: npt.NDArray[np.float32], height: int, width: int) -> _FramePlan:
        padded_h = -(-height // MASK_BLOCK) * MASK_BLOCK
        padded_w = -(-width // MASK_BLOCK) * MASK_BLOCK
        reps = (-(-padded_h // TILE), -(-padded_w // TILE))
        pattern = np.ascontiguousarray(np.tile(tile, reps)[:padded_h, :padded_w])
        visible = pattern[:height, :width, None]
        positive = np.ascontiguousarray(np.broadcast_to(visible > 0, (height, width, 3)))
        negative = np.ascontiguousarray(np.broadcast_to(visible < 0, (height, width, 3)))
        return cls(
            height=height,
            width=width,
            magnitude=np.abs(pattern),
            positive=positive.astype(np.uint8) * np.uint8(255),
            negative=negative.astype(np.uint8) * np.uint8(255),
            scaled=np.empty_like(pattern),
        )

    def amount(self, gain: npt.NDArray[np.float32]) -> npt.NDArray[np.uint8]:
        """round(|pattern| x block gain) as (H, W, 3) uint8: the per-pixel size of the delta."""
        bh = gain.shape[0]
        padded_w = self.magnitude.shape[1]
        row_gain = np.repeat(gain, MASK_BLOCK, axis=1)[:, None, :]  # (bh, 1, padded W)
        np.multiply(
            self.magnitude.reshape(bh, MASK_BLOCK, padded_w),
            row_gain,
            out=self.scaled.reshape(bh, MASK_BLOCK, padded_w),
        )
        rounded = cv2.convertScaleAbs(self.scaled[: self.height, : self.width])
        expanded: npt.NDArray[np.uint8] = np.asarray(
            cv2.merge((rounded, rounded, rounded)), dtype=np.uint8
        )
        return expanded
