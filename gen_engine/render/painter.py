"""A tiny numpy painter for the static background, working in world metres.

The background is painted back to front on planes: the sky (or a room's far wall) first, then
each `layer(depth)` call starts a transparent plane for what follows - far hills, a tree line, the
ground the subjects stand on. The renderer moves each plane by its depth's share of the camera
move (parallax), and a plane far off under open sky fades toward the colour of the sky at the
horizon (atmospheric perspective), as distant hills do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.float32]
HAZE = 0.6  # how far toward the horizon's sky colour a plane at depth 0 fades


@dataclass(frozen=True)
class Plane:
    """One painted plane: its colour, its coverage (None: opaque) and its depth (0: as far as the
    horizon, 1: the ground the subjects stand on)."""

    depth: float
    image: Image
    alpha: Image | None
    rows: slice  # the rows anything was painted on


def flatten_planes(planes: list[Plane]) -> Image:
    """The planes laid over each other where they were painted, back to front: the background a
    camera that does not move sees."""
    out = planes[0].image.copy()
    for plane in planes[1:]:
        if plane.alpha is not None:
            rows = plane.rows
            out[rows] += (plane.image[rows] - out[rows]) * plane.alpha[rows, :, None]
    return out


@dataclass
class Painter:
    """An (H, W, 3) float image where pixel (row, col) shows world (xs[col], ys[row])."""

    image: Image
    xs: npt.NDArray[np.float32]  # (W,) world x of each column
    ys: npt.NDArray[np.float32]  # (H,) world y of each row
    ppm: float  # pixels per metre
    depth: float = 1.0  # of the plane being painted
    alpha: Image | None = None  # its coverage; None while painting the opaque back plane
    haze: tuple[float, float, float] | None = None  # the sky at the horizon, outdoors only
    finished: list[Plane] = field(default_factory=list)

    def layer(self, depth: float) -> None:
        """Paint what follows on a new transparent plane at `depth` (the same depth continues
        the plane being painted)."""
        if depth == self.depth:
            return
        self.finished.append(self._close(in_place=True))
        self.image = np.zeros_like(self.image)
        self.alpha = np.zeros(self.image.shape[:2], np.float32)
        self.depth = depth

    def planes(self) -> list[Plane]:
        """Every plane painted so far, back to front."""
        return [*self.finished, self._close(in_place=False)]

    def colour_behind(self, x0: float, x1: float, y0: float, y1: float) -> Image:
        """Mean RGB of everything painted so far over the box x0..x1, y0..y1 (world metres)."""
        win = self._window(x0, x1, y0, y1)
        if win is None:
            return np.full(3, 128.0, np.float32)
        out = np.zeros((*self.image[win].shape[:2], 3), np.float32)
        for plane in self.finished:
            cover = 1.0 if plane.alpha is None else plane.alpha[win][..., None]
            out += (plane.image[win] - out) * cover
        if self.alpha is None:  # still on the opaque back plane
            return np.asarray(self.image[win].reshape(-1, 3).mean(axis=0), np.float32)
        # the plane being painted still holds colour times coverage
        out = out * (1.0 - self.alpha[win][..., None]) + self.image[win]
        return np.asarray(out.reshape(-1, 3).mean(axis=0), np.float32)

    def _close(self, in_place: bool) -> Plane:
        if self.alpha is None:
            return Plane(self.depth, self.image, None, slice(0, len(self.image)))
        image = self.image if in_place else self.image.copy()
        painted = np.nonzero(self.alpha.max(axis=1) > 0)[0]
        rows = slice(int(painted[0]), int(painted[-1]) + 1) if len(painted) else slice(0, 0)
        band, alpha = image[rows], self.alpha[rows, :, None]
        # Blending onto a clear plane leaves colour times coverage: divide it back out.
        band /= np.maximum(alpha, np.float32(1e-6))
        if self.haze is not None and self.depth < 1.0:
            band += (np.asarray(self.haze, np.float32) - band) * np.float32(HAZE * (1 - self.depth))
        return Plane(self.depth, image, self.alpha, rows)

    def _cover(self, win: tuple[slice, slice], mask: Any) -> None:
        if self.alpha is not None:
            region = self.alpha[win]
            region += (1.0 - region) * np.broadcast_to(mask, region.shape)

    def _window(self, x0: float, x1: float, y0: float, y1: float) -> tuple[slice, slice] | None:
        c0 = int(np.searchsorted(self.xs, x0))
        c1 = int(np.searchsorted(self.xs, x1))
        # ys decrease downward
        r0 = int(np.searchsorted(-self.ys, -y1))
        r1 = int(np.searchsorted(-self.ys, -y0))
        if c1 <= c0 or r1 <= r0:
            return None
        return slice(r0, r1), slice(c0, c1)

    def blend(self, win: tuple[slice, slice], mask: Any, colour: Any) -> None:
        region = self.image[win]
        m = np.clip(mask, 0.0, 1.0)
        region += (np.asarray(colour, dtype=np.float32) - region) * m[..., None]
        self._cover(win, m)

    def rect(self, x0: float, x1: float, y0: float, y1: float, colour: Any) -> None:
        win = self._window(x0, x1, y0, y1)
        if win is not None:
            self.image[win] = np.asarray(colour, dtype=np.float32)
            self._cover(win, np.float32(1.0))

    def vgradient(self, y0: float, y1: float, low: Any, high: Any) -> None:
        """Fill the band y0..y1 (full width) with a gradient from `low` (y0) to `high` (y1)."""
        win = self._window(float(self.xs[0]), float(self.xs[-1]) + 1, y0, y1)
        if win is None:
            return
        t = ((self.ys[win[0]] - y0) / max(y1 - y0, 1e-6)).clip(0, 1)[:, None, None]
        lo, hi = np.asarray(low, np.float32), np.asarray(high, np.float32)
        self.image[win] = lo + (hi - lo) * t
        self._cover(win, np.float32(1.0))

    def disc(self, cx: float, cy: float, r: float, colour: Any, soft: float = 0.0) -> None:
        pad = r + soft * 3 + 2 / self.ppm
        win = self._window(cx - pad, cx + pad, cy - pad, cy + pad)
        if win is None:
            return
        dx = self.xs[win[1]][None, :] - cx
        dy = self.ys[win[0]][:, None] - cy
        dist = np.sqrt(dx * dx + dy * dy)
        edge = max(soft, 1.0 / self.ppm)
        self.blend(win, (r - dist) / edge + 0.5, colour)

    def glow(self, cx: float, cy: float, r: float, colour: Any, strength: float) -> None:
        win = self._window(cx - 4 * r, cx + 4 * r, cy - 4 * r, cy + 4 * r)
        if win is None:
            return
        dx = self.xs[win[1]][None, :] - cx
        dy = self.ys[win[0]][:, None] - cy
        self.blend(win, strength * np.exp(-(dx * dx + dy * dy) / (2 * r * r)), colour)

    def triangle(self, x0: float, x1: float, base: float, peak: float, colour: Any) -> None:
        """An isosceles triangle standing on y = base between x0 and x1."""
        win = self._window(x0, x1, base, peak)
        if win is None:
            return
        mid, half = (x0 + x1) / 2, (x1 - x0) / 2
        rel = 1 - np.abs(self.xs[win[1]][None, :] - mid) / half
        height = (self.ys[win[0]][:, None] - base) / max(peak - base, 1e-6)
        self.blend(win, (rel - height) * self.ppm * half * 0.5 + 0.5, colour)

    def ridge(self, base: float, heights: Any, colour: Any) -> None:
        """Fill below a skyline profile: heights (W,) metres above `base`, full width."""
        top = base + float(np.max(heights))
        win = self._window(float(self.xs[0]), float(self.xs[-1]) + 1, base, top)
        if win is None:
            return
        profile = np.asarray(heights, np.float32)[win[1]][None, :] + base
        self.blend(win, (profile - self.ys[win[0]][:, None]) * self.ppm + 0.5, colour)

    def noise(self, y0: float, y1: float, amount: float, rng: np.random.Generator) -> None:
        win = self._window(float(self.xs[0]), float(self.xs[-1]) + 1, y0, y1)
        if win is None:
            return
        shape = self.image[win].shape[:2]
        self.image[win] += rng.normal(0, amount, size=(*shape, 1)).astype(np.float32)

    def polygon(self, points: Any, colour: Any) -> None:
        """Fill a convex polygon (world points, either winding) with a one-pixel soft edge."""
        pts = np.asarray(points, dtype=np.float32)
        pad = 1 / self.ppm
        low, high = pts.min(axis=0), pts.max(axis=0)
        win = self._window(float(low[0]), float(high[0]) + pad, float(low[1]), float(high[1]) + pad)
        if win is None:
            return
        xs = self.xs[win[1]][None, :]
        ys = self.ys[win[0]][:, None]
        area = float(
            np.sum(pts[:, 0] * np.roll(pts[:, 1], -1) - np.roll(pts[:, 0], -1) * pts[:, 1])
        )
        sign = 1.0 if area > 0 else -1.0
        inside = np.full(np.broadcast_shapes(xs.shape, ys.shape), np.inf, np.float32)
        for (ax, ay), (bx, by) in zip(pts, np.roll(pts, -1, axis=0), strict=True):
            ex, ey = bx - ax, by - ay
            length = max(float(np.hypot(ex, ey)), 1e-6)
            distance = sign * (ex * (ys - ay) - ey * (xs - ax)) / length  # > 0 inside
            inside = np.minimum(inside, distance)
        self.blend(win, inside * self.ppm + 0.5, colour)

    def contact_shadow(self, x0: float, x1: float, y: float, strength: float) -> None:
        """A soft dark band where something stands on the ground, fading above and below."""
        depth = 0.06
        win = self._window(x0 - depth, x1 + depth, y - depth, y + depth)
        if win is None:
            return
        xs = self.xs[win[1]][None, :]
        ys = self.ys[win[0]][:, None]
        across = np.clip(np.minimum(xs - x0, x1 - xs) / depth + 1.0, 0.0, 1.0)
        self.blend(win, strength * across * np.exp(-(((ys - y) / (depth / 2)) ** 2)), (0, 0, 0))
