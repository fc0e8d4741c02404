"""The painted background seen through a moving camera: each plane (painter.py) sampled through
its own view - far planes follow only their depth's share of the move - and laid over the ones
behind it.

Per frame the cost is a slice (or, while zooming, a gather) per plane, and a blend only over the
rows where a plane is partly transparent; rows a plane covers fully are copied, rows it leaves
empty are skipped. A camera that does not move never gets here: its planes are flattened once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import Tensor

from gen_engine.render.camera import CameraPath, view_at


@dataclass(frozen=True)
class Layer:
    """A plane ready to draw: colours (R, C, 3) uint8, coverage (R, C, 1) in 0..1 or None when
    opaque, the canvas rows it touches at all [band) and those it covers fully [solid)."""

    depth: float
    rgb: Tensor
    alpha: Tensor | None
    band: tuple[int, int]
    solid: tuple[int, int]

    def to(self, device: torch.device) -> Layer:
        alpha = None if self.alpha is None else self.alpha.to(device)
        return replace(self, rgb=self.rgb.to(device), alpha=alpha)


def make_layer(depth: float, rgb: Tensor, alpha: Tensor | None) -> Layer:
    rows = rgb.shape[0]
    if alpha is None:
        return Layer(depth, rgb, None, (0, rows), (0, rows))
    touched = torch.nonzero(alpha.amax(dim=1) > 1 / 255)[:, 0]
    full = torch.nonzero(alpha.amin(dim=1) >= 1 - 1 / 255)[:, 0]
    if len(touched) == 0:
        return Layer(depth, rgb, alpha, (0, 0), (0, 0))
    band = (int(touched[0]), int(touched[-1]) + 1)
    solid = (0, 0)
    if len(full):  # the longest run of fully covered rows
        breaks = torch.nonzero(full[1:] - full[:-1] > 1)[:, 0]
        starts = torch.cat([full[:1], full[breaks + 1]])
        ends = torch.cat([full[breaks], full[-1:]]) + 1
        longest = int(torch.argmax(ends - starts))
        solid = (int(starts[longest]), int(ends[longest]))
    return Layer(depth, rgb, alpha, band, solid)


class Backdrop:
    """Draws the background of any frame from the planes, each through its depth's view."""

    def __init__(self, layers: list[Layer], origin: tuple[float, float], ppm: float,
                 camera: CameraPath, size: tuple[int, int]) -> None:  # fmt: skip
        self.layers, self.origin, self.ppm, self.camera = layers, origin, ppm, camera
        self.w, self.h = size

    def draw(self, frame: Tensor, k: int) -> None:
        """Frame k's background into `frame` (h, w, 3) uint8. A plane is drawn only above the
        rows a nearer plane covers fully from the bottom of the frame up (the ground, mostly)."""
        looks = [self._look(layer, k) for layer in self.layers]
        floors, floor = [], self.h
        for layer, look in zip(reversed(self.layers), reversed(looks), strict=True):
            floors.append(floor)
            s0, s1 = look.frame_rows(*layer.solid)
            if s1 >= floor and s1 > s0:
                floor = min(floor, s0)
        for layer, look, floor in zip(self.layers, looks, reversed(floors), strict=True):
            b0, b1 = look.frame_rows(*layer.band)
            s0, s1 = look.frame_rows(*layer.solid)
            b1, s0, s1 = min(b1, floor), min(max(s0, b0), floor), min(max(s1, b0), floor)
            if s1 > s0:
                frame[s0:s1] = look.sample(layer.rgb, s0, s1)
            if layer.alpha is None:
                continue
            for r0, r1 in ((b0, s0), (max(s1, b0), b1)):
                if r1 > r0:
                    _blend(frame[r0:r1], look.sample(layer.rgb, r0, r1),
                           look.sample(layer.alpha, r0, r1))  # fmt: skip

    def _look(self, layer: Layer, k: int) -> _Look:
        v = view_at(self.camera, k, self.w, self.h, self.ppm, layer.depth)
        x0, top = self.origin
        rows_max, cols_max = layer.rgb.shape[:2]
        if abs(v.s - self.ppm) < 1e-6:  # pure shift: frame row r shows canvas row v0 + r
            u0 = min(max(round((-v.ax / v.s - x0) * self.ppm), 0), cols_max - self.w)
            v0 = min(max(round((top - v.ay / v.s) * self.ppm), 0), rows_max - self.h)
            return _Look(self.h, v0, slice(u0, u0 + self.w), None)
        device = layer.rgb.device
        sx = torch.arange(self.w, device=device, dtype=torch.float32) + 0.5
        sy = torch.arange(self.h, device=device, dtype=torch.float32) + 0.5
        cols = (((sx - v.ax) / v.s - x0) * self.ppm).long().clamp(0, cols_max - 1)
        rows = ((top - (v.ay - sy) / v.s) * self.ppm).long().clamp(0, rows_max - 1)
        return _Look(self.h, 0, cols, rows)


@dataclass(frozen=True)
class _Look:
    """Which canvas pixels one frame shows of a plane: a shifted window, or (zooming) a row and a
    column index per frame pixel. Canvas rows grow with frame rows either way."""

    h: int
    v0: int
    cols: slice | Tensor
    rows: Tensor | None

    def frame_rows(self, first: int, stop: int) -> tuple[int, int]:
        """The frame rows [r0, r1) that show canvas rows [first, stop)."""
        if self.rows is None:
            return max(min(first - self.v0, self.h), 0), max(min(stop - self.v0, self.h), 0)
        edges = torch.tensor([first, stop], device=self.rows.device)
        r0, r1 = torch.searchsorted(self.rows, edges).tolist()
        return int(r0), int(r1)

    def sample(self, image: Tensor, r0: int, r1: int) -> Tensor:
        if self.rows is None:
            return image[self.v0 + r0 : self.v0 + r1, self.cols]
        assert isinstance(self.cols, Tensor)
        return image.index_select(0, self.rows[r0:r1]).index_select(1, self.cols)


def _blend(under: Tensor, over: Tensor, alpha: Tensor) -> None:
    under.copy_(torch.lerp(under.float(), over.float(), alpha).round_())
