"""How a style draws a primitive: shading curve, edges, outlines, glow, and colour ramps."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from gen_engine.render import raster
from gen_engine.render.look import Light, ramp


@dataclass
class Ink:
    style: str
    light: Light
    weather: str
    fog: float
    device: torch.device
    px_scale: float  # canvas width / 720: keeps line widths proportional
    ramps: dict[tuple[int, int, int], Tensor] = field(default_factory=dict)
    rim: Tensor | None = None  # an edge colour for the subject being drawn (contrast.py)

    def __post_init__(self) -> None:
        lx, ly, lz = self.light.direction
        norm = (lx * lx + ly * ly + lz * lz) ** 0.5
        self.lx, self.ly, self.lz = lx / norm, ly / norm, lz / norm
        self.soft = {"watercolor": 3.0, "claymation": 1.6}.get(self.style, 1.0) * max(
            self.px_scale, 0.5
        )
        if self.style == "pixel":
            self.soft = 0.5
        outline = {"anime": 1.8, "cartoon": 3.0, "sketch": 1.4}.get(self.style, 0.0)
        self.outline_width = outline * self.px_scale
        self.glow = 6.0 * self.px_scale if self.style == "neon" else 0.0
        self.ink = torch.tensor([22.0, 20.0, 30.0], device=self.device)

    def ramp(self, colour: tuple[int, int, int]) -> Tensor:
        key = (int(colour[0]), int(colour[1]), int(colour[2]))
        if key not in self.ramps:
            self.ramps[key] = ramp(key, self.style, self.light, self.weather, self.fog, self.device)
        return self.ramps[key]

    def shade(self, d: Tensor, normal: Tensor) -> Tensor:
        nx, ny = normal[..., 0], normal[..., 1]
        nz = (1 - nx * nx - ny * ny).clamp(min=0).sqrt()
        lambert = nx * self.lx + ny * self.ly + nz * self.lz
        if self.style == "claymation":
            clay: Tensor = 0.45 + 0.6 * ((lambert + 0.4) / 1.4).clamp(min=0)
            return clay
        if self.style == "watercolor":  # pigment pools at the edges
            wash: Tensor = 1.0 + 0.1 * lambert.clamp(min=0) - 0.25 * (d / 4 + 1).clamp(0, 1)
            return wash
        lit: Tensor = 0.4 + 0.75 * lambert.clamp(min=0)
        return lit

    def draw(
        self,
        canvas: raster.Canvas,
        shape: tuple[raster.ShapeFn, Tensor, Tensor],
        colour: tuple[int, int, int],
        texture: raster.TextureFn | None = None,
        flat: bool = False,
    ) -> None:
        fn, lo, hi = shape
        margin = self.glow * 3
        if margin:
            lo, hi = lo - margin, hi + margin
        outline = (self.outline_width, self.ink) if self.outline_width and not flat else None
        if self.rim is not None and not flat:
            outline = (max(self.outline_width, 2.2 * self.px_scale), self.rim)
        raster.paint(
            canvas, lo, hi, fn, self.ramp(colour),
            (lambda d, n: torch.ones_like(d)) if flat else self.shade,
            soft=self.soft, outline=outline, glow=self.glow, texture=texture,
        )  # fmt: skip
