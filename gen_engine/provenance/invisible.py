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
  close to 20*log10(255/STRENGTH) (~42 dB) whatever the content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from gen_engine.provenance.coding import CODED_BITS, conv_encode, message_bits

TILE = 128
RING_MIN = 6.0
RING_MAX = 18.0
PILOT_FRACTION = 0.25
STRENGTH = 2.0  # luma levels RMS: 20*log10(255/2.0) = 42.1 dB
MASK_BLOCK = 8  # the contrast mask is computed on 8x8 blocks
MASK_FLOOR = 0.35  # flat areas keep at least this share of the mark
MASK_CEIL = 2.2
MASK_REFERENCE = 6.0  # block std (levels) at which the gain leaves the floor, x MASK_FLOOR
BAND_ROWS = 64  # rows per band in embed(); a multiple of MASK_BLOCK
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
    """Adds the watermark to RGB uint8 frames. The full-frame pattern is built once per size."""

    def __init__(self, payload: int, key: bytes | None = None) -> None:
        message_bits(payload)  # refuses a payload outside 0..2**48-1 now, not mid-render
        self.payload = payload
        self.key = key if key is not None else DEV_WATERMARK_KEY
        self._patterns: dict[tuple[int, int], npt.NDArray[np.float32]] = {}

    def _pattern(self, height: int, width: int) -> npt.NDArray[np.float32]:
        """STRENGTH * tile repeated over the frame, padded to whole 8x8 mask blocks."""
        cached = self._patterns.get((height, width))
        if cached is None:
            tile = watermark_tile(self.key, self.payload) * np.float32(STRENGTH)
            padded_h = -(-height // MASK_BLOCK) * MASK_BLOCK
            padded_w = -(-width // MASK_BLOCK) * MASK_BLOCK
            reps = (-(-padded_h // TILE), -(-padded_w // TILE))
            full = np.tile(tile, reps)[:padded_h, :padded_w]
            cached = np.ascontiguousarray(full, dtype=np.float32)
            self._patterns[(height, width)] = cached
        return cached

    def contrast_gain(self, frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        """Per 8x8 block gain from local contrast, (H/8, W/8), normalised to RMS 1.

        Flat blocks get MASK_FLOOR/MASK_CEIL of what textured blocks get; the normalisation
        keeps the total energy, hence the PSNR (~42 dB luma), the same for every frame. Green
        at half resolution stands in for luma: the mask only needs local contrast, and this
        keeps it to about a millisecond per frame.
        """
        height, width = frame.shape[:2]
        half = MASK_BLOCK // 2
        bh, bw = -(-height // MASK_BLOCK), -(-width // MASK_BLOCK)
        green = frame[::2, ::2, 1]
        pad_h, pad_w = bh * half - green.shape[0], bw * half - green.shape[1]
        if pad_h or pad_w:
            green = np.pad(green, ((0, pad_h), (0, pad_w)), mode="edge")
        blocks = green.reshape(bh, half, bw, half).transpose(0, 2, 1, 3).reshape(bh, bw, -1)
        gain: npt.NDArray[np.float32] = blocks.astype(np.float32).std(axis=2)
        gain /= np.float32(MASK_REFERENCE)
        np.clip(gain, MASK_FLOOR, MASK_CEIL, out=gain)
        gain /= np.sqrt(np.mean(gain * gain))
        return gain

    def embed(self, frames: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        """Watermark a batch (n, H, W, 3) of RGB uint8 frames in place and return it.

        Per frame: the block gain, then one multiply (pattern x gain) and one saturating add of
        the same luma delta to R, G and B. Plain numpy, in bands of rows that stay in cache
        (torch's threaded kernels were several times slower when the encoder and the renderer
        compete for the same two cores).
        """
        if frames.ndim != 4 or frames.shape[3] != 3 or frames.dtype != np.uint8:
            raise ValueError("frames must be an (n, H, W, 3) uint8 RGB array")
        height, width = frames.shape[1:3]
        pattern = self._pattern(height, width)
        bw = pattern.shape[1] // MASK_BLOCK
        band = min(BAND_ROWS, pattern.shape[0])
        buffer = np.empty((band, width, 3), dtype=np.int16)
        for frame in frames:
            gain = self.contrast_gain(frame)
            for top in range(0, height, band):
                rows = min(band, height - top)
                block_rows = -(-rows // MASK_BLOCK)
                first_block = top // MASK_BLOCK
                pattern_band = pattern[top : top + block_rows * MASK_BLOCK].reshape(
                    block_rows, MASK_BLOCK, bw, MASK_BLOCK
                )
                gain_band = gain[first_block : first_block + block_rows, None, :, None]
                delta = (pattern_band * gain_band).reshape(block_rows * MASK_BLOCK, -1)
                shift = np.rint(delta[:rows, :width]).astype(np.int16)
                out = buffer[:rows]
                np.add(frame[top : top + rows], shift[:, :, None], out=out)
                np.clip(out, 0, 255, out=out)
                np.copyto(frame[top : top + rows], out, casting="unsafe")
        return frames
