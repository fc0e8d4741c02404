"""A tiny numpy painter for the static background, working in world metres."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.float32]


@dataclass
class Painter:
    """An (H, W, 3) float image where pixel (row, col) shows world (xs[col], ys[row])."""

    image: Image
    xs: npt.NDArray[np.float32]  # (W,) world x of each column
    ys: npt.NDArray[np.float32]  # (H,) world y of each row
    ppm: float  # pixels per metre

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
        m = np.clip(mask, 0.0, 1.0)[..., None]
        region += (np.asarray(colour, dtype=np.float32) - region) * m

    def rect(self, x0: float, x1: float, y0: float, y1: float, colour: Any) -> None:
        win = self._window(x0, x1, y0, y1)
        if win is not None:
            self.image[win] = np.asarray(colour, dtype=np.float32)

    def vgradient(self, y0: float, y1: float, low: Any, high: Any) -> None:
        """Fill the band y0..y1 (full width) with a gradient from `low` (y0) to `high` (y1)."""
        win = self._window(float(self.xs[0]), float(self.xs[-1]) + 1, y0, y1)
        if win is None:
            return
        t = ((self.ys[win[0]] - y0) / max(y1 - y0, 1e-6)).clip(0, 1)[:, None, None]
        lo, hi = np.asarray(low, np.float32), np.asarray(high, np.float32)
        self.image[win] = lo + (hi - lo) * t

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
