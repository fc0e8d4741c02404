"""Batched signed-distance rasterisation of simple primitives, each only inside its bounding box.

A primitive is evaluated for a batch of B frames at once on a patch of fixed size (the largest
of its per-frame boxes) placed per frame, gathered from and scattered back into the uint8
canvas through flat pixel indices. Pixels outside every patch are never touched, which is what
makes CPU rendering fast (see DESIGN.md: whole-frame evaluation was ~20x slower).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

# A shape returns (signed distance in px, normal-ish (..., 2) in the unit disc, screen axes).
ShapeFn = Callable[[Tensor, Tensor], tuple[Tensor, Tensor]]
TextureFn = Callable[[Tensor, Tensor], Tensor]


@dataclass
class Canvas:
    """B frames of H x W RGB uint8 plus screen-space finishing layers for subject pixels."""

    pixels: Tensor  # (B, H, W, 3) uint8
    vignette_x: Tensor | None  # (W,) float, or None when too faint to matter on subjects
    vignette_y: Tensor | None  # (H,) float
    grain: Tensor | None  # (T, T, 3) float added to subject pixels, or None

    @property
    def shape(self) -> tuple[int, int, int]:
        b, h, w, _ = self.pixels.shape
        return b, h, w


@dataclass
class Patch:
    """Per-frame windows of one size: pixel-centre coordinates and where they sit."""

    xs: Tensor  # (B, 1, pw) float pixel-centre x
    ys: Tensor  # (B, ph, 1) float pixel-centre y
    x0: list[int]
    y0: list[int]
    pw: int
    ph: int

    def read(self, pixels: Tensor) -> Tensor:
        return torch.stack(
            [pixels[b, y : y + self.ph, x : x + self.pw] for b, (x, y) in
             enumerate(zip(self.x0, self.y0, strict=True))]
        ).to(torch.float32)  # fmt: skip

    def write(self, pixels: Tensor, values: Tensor) -> None:
        out = values.clamp_(0, 255).to(torch.uint8)
        for b, (x, y) in enumerate(zip(self.x0, self.y0, strict=True)):
            pixels[b, y : y + self.ph, x : x + self.pw] = out[b]


def patch_grid(canvas: Canvas, lo: Tensor, hi: Tensor) -> Patch | None:
    """One window per frame covering the boxes [lo, hi) (B, 2), all of the largest box's size."""
    _, h, w = canvas.shape
    box = torch.cat((lo, hi), 1).cpu().numpy()
    visible = (box[:, 2] > 0) & (box[:, 0] < w) & (box[:, 3] > 0) & (box[:, 1] < h)
    if not visible.any():
        return None
    lo_x, lo_y = np.floor(box[:, 0]), np.floor(box[:, 1])
    size_x, size_y = np.ceil(box[:, 2]) - lo_x, np.ceil(box[:, 3]) - lo_y
    pw = int(min(max(size_x[visible].max(), 1), w))
    ph = int(min(max(size_y[visible].max(), 1), h))
    x0 = np.clip(lo_x, 0, w - pw).astype(np.int64)
    y0 = np.clip(lo_y, 0, h - ph).astype(np.int64)
    dev = canvas.pixels.device
    xs = torch.as_tensor(x0, device=dev, dtype=torch.float32)[:, None, None] + (
        torch.arange(pw, device=dev, dtype=torch.float32)[None, None, :] + 0.5
    )
    ys = torch.as_tensor(y0, device=dev, dtype=torch.float32)[:, None, None] + (
        torch.arange(ph, device=dev, dtype=torch.float32)[None, :, None] + 0.5
    )
    return Patch(xs, ys, x0.tolist(), y0.tolist(), pw, ph)


def paint(
    canvas: Canvas,
    lo: Tensor,
    hi: Tensor,
    shape: ShapeFn,
    ramp: Tensor,
    shade: Callable[[Tensor, Tensor], Tensor],
    soft: float = 1.0,
    outline: tuple[float, Tensor] | None = None,
    glow: float = 0.0,
    texture: TextureFn | None = None,
) -> None:
    """Draw one primitive on every frame of the batch.

    ramp: (R, 3) graded colours for shade 0..1.5; shade(d, normal) -> (B, ph, pw) in 0..1.5.
    soft: anti-alias width in px (wider for watercolour). outline: (width px, colour (3,)).
    glow: neon halo radius in px, added outside the shape. texture(X, Y) -> (B, ph, pw, 3)
    replaces the ramp colour (a cameo face), multiplied by the shade.
    """
    patch = patch_grid(canvas, lo, hi)
    if patch is None:
        return
    xs, ys = patch.xs, patch.ys
    d, normal = shape(xs, ys)
    alpha = (0.5 - d / soft).clamp_(0.0, 1.0)
    level = shade(d, normal)
    if texture is not None:
        colour = texture(xs, ys) * level[..., None]
    else:
        steps = ramp.shape[0] - 1
        index = (level * (steps / 1.5)).clamp_(0, steps).long()
        colour = ramp[index]
    if outline is not None:
        width, ink = outline
        edge = ((d + width) / soft + 0.5).clamp_(0.0, 1.0)[..., None]
        colour = colour + (ink - colour) * edge
    ix, iy = (xs - 0.5).long(), (ys - 0.5).long()
    if canvas.vignette_x is not None:
        assert canvas.vignette_y is not None
        vig = (canvas.vignette_x[ix] * canvas.vignette_y[iy])[..., None]
        if canvas.grain is not None:
            tile = canvas.grain.shape[0]
            colour = torch.addcmul(canvas.grain[iy % tile, ix % tile], colour, vig)
        else:
            colour = colour * vig
    elif canvas.grain is not None:
        tile = canvas.grain.shape[0]
        colour = colour + canvas.grain[iy % tile, ix % tile]
    out = torch.lerp(patch.read(canvas.pixels), colour, alpha[..., None])
    if glow > 0:
        halo = torch.exp(-d.clamp(min=0.0) / glow) * (1 - alpha) * 0.7
        out = out + ramp[-1] * halo[..., None]
    patch.write(canvas.pixels, out)


def darken(canvas: Canvas, lo: Tensor, hi: Tensor, shape: ShapeFn, strength: Tensor) -> None:
    """Soft multiplicative darkening (shadows): strength (B,) * falloff from the shape."""
    patch = patch_grid(canvas, lo, hi)
    if patch is None:
        return
    d, _ = shape(patch.xs, patch.ys)  # d here is a normalised 0 (centre) .. 1 (edge) radius
    amount = (1 - d.clamp(0, 1)) ** 2 * strength[:, None, None]
    under = patch.read(canvas.pixels)
    patch.write(canvas.pixels, under * (1 - amount[..., None]))


def _pair(a: Tensor, b: Tensor) -> Tensor:
    shape = [max(x, y) for x, y in zip(a.shape, b.shape, strict=True)]
    return torch.stack((a.expand(shape), b.expand(shape)), -1)


# ---- shapes: each returns a callable and its per-frame bounding box ----------------------


def circle(c: Tensor, r: Tensor, margin: float = 2.0) -> tuple[ShapeFn, Tensor, Tensor]:
    """c (B, 2) px, r (B,) px."""
    cx, cy, rr = c[:, 0, None, None], c[:, 1, None, None], r[:, None, None].clamp(min=0.5)

    def fn(xs: Tensor, ys: Tensor) -> tuple[Tensor, Tensor]:
        dx, dy = (xs - cx) / rr, (ys - cy) / rr
        dist = torch.sqrt(dx * dx + dy * dy)
        return (dist - 1) * rr, _pair(dx, dy)

    ext = (r + margin)[:, None]
    return fn, c - ext, c + ext


def capsule(a: Tensor, b: Tensor, r: Tensor, margin: float = 2.0) -> tuple[ShapeFn, Tensor, Tensor]:
    """Segment a-b (B, 2) px with radius r (B,) px."""
    ax, ay = a[:, 0, None, None], a[:, 1, None, None]
    bax, bay = (b - a)[:, 0, None, None], (b - a)[:, 1, None, None]
    inv = 1.0 / (bax * bax + bay * bay).clamp(min=1e-6)
    rr = r[:, None, None].clamp(min=0.5)

    def fn(xs: Tensor, ys: Tensor) -> tuple[Tensor, Tensor]:
        px, py = xs - ax, ys - ay
        t = ((px * bax + py * bay) * inv).clamp_(0.0, 1.0)
        dx, dy = (px - bax * t) / rr, (py - bay * t) / rr
        dist = torch.sqrt(dx * dx + dy * dy)
        return (dist - 1) * rr, _pair(dx, dy)

    ext = (r + margin)[:, None]
    return fn, torch.minimum(a, b) - ext, torch.maximum(a, b) + ext


def box(
    c: Tensor, half: Tensor, angle: Tensor, rounding: float = 0.15, margin: float = 2.0
) -> tuple[ShapeFn, Tensor, Tensor]:
    """Rotated rounded rectangle: centre (B, 2), half extents (B, 2) px, angle (B,) radians
    counter-clockwise on screen (y down, so world angles are negated by the caller)."""
    cos, sin = torch.cos(angle)[:, None, None], torch.sin(angle)[:, None, None]
    cx, cy = c[:, 0, None, None], c[:, 1, None, None]
    hx, hy = half[:, 0, None, None], half[:, 1, None, None]
    rad = torch.minimum(hx, hy) * rounding

    def fn(xs: Tensor, ys: Tensor) -> tuple[Tensor, Tensor]:
        px, py = xs - cx, ys - cy
        lx, ly = px * cos + py * sin, -px * sin + py * cos
        qx, qy = lx.abs() - (hx - rad), ly.abs() - (hy - rad)
        outside = torch.sqrt(qx.clamp(min=0) ** 2 + qy.clamp(min=0) ** 2)
        inside = torch.maximum(qx, qy).clamp(max=0)
        d = outside + inside - rad
        nx, ny = (lx / hx).clamp(-1, 1) ** 3, (ly / hy).clamp(-1, 1) ** 3
        wx, wy = nx * cos - ny * sin, nx * sin + ny * cos
        return d, _pair(wx, wy) * 0.8

    ext = torch.stack(
        (hx[:, 0, 0] * cos[:, 0, 0].abs() + hy[:, 0, 0] * sin[:, 0, 0].abs(),
         hx[:, 0, 0] * sin[:, 0, 0].abs() + hy[:, 0, 0] * cos[:, 0, 0].abs()), -1
    ) + margin  # fmt: skip
    return fn, c - ext, c + ext


def ellipse_falloff(c: Tensor, radii: Tensor) -> tuple[ShapeFn, Tensor, Tensor]:
    """Axis-aligned ellipse, distance normalised to 1 at the rim (for soft shadows)."""
    cx, cy = c[:, 0, None, None], c[:, 1, None, None]
    rx, ry = radii[:, 0, None, None].clamp(min=1), radii[:, 1, None, None].clamp(min=1)

    def fn(xs: Tensor, ys: Tensor) -> tuple[Tensor, Tensor]:
        dx, dy = (xs - cx) / rx, (ys - cy) / ry
        dist = torch.sqrt(dx * dx + dy * dy)
        return dist, _pair(dx, dy)

    return fn, c - radii, c + radii
