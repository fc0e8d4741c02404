"""Lighting per time of day and the colour grade per style, as pointwise functions.

The grade is applied once to the precomputed background and, for subjects, baked into a
per-colour ramp (shade level -> graded RGB), so shading a pixel is a single table lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

RAMP_STEPS = 64


@dataclass(frozen=True)
class Light:
    sky_top: tuple[int, int, int]
    sky_horizon: tuple[int, int, int]
    ambient: float
    tint: tuple[float, float, float]
    direction: tuple[float, float, float]  # toward the light, screen axes (x right, y down, z out)
    sun: tuple[float, float] | None  # sun or moon position as fractions of the frame (x, y)
    sun_colour: tuple[int, int, int]
    stars: bool = False


LIGHTS: dict[str, Light] = {
    "day": Light((70, 130, 225), (185, 215, 245), 1.0, (1.0, 1.0, 1.0), (0.45, -0.75, 0.5),
                 (0.78, 0.12), (255, 250, 225)),
    "dawn": Light((70, 80, 150), (250, 185, 160), 0.85, (1.04, 0.93, 0.92), (-0.8, -0.35, 0.5),
                  (0.15, 0.55), (255, 215, 180)),
    "sunset": Light((45, 45, 115), (255, 145, 70), 0.8, (1.12, 0.86, 0.7), (0.85, -0.3, 0.45),
                    (0.82, 0.58), (255, 190, 110)),
    "night": Light((6, 9, 28), (28, 38, 75), 0.5, (0.72, 0.8, 1.1), (-0.5, -0.7, 0.5),
                   (0.2, 0.12), (235, 238, 255), stars=True),
}  # fmt: skip


def light_for(time_of_day: str) -> Light:
    key = time_of_day.strip().lower()
    if key in ("morning", "sunrise"):
        key = "dawn"
    if key in ("evening", "dusk", "golden hour"):
        key = "sunset"
    if key in ("midnight", "dark"):
        key = "night"
    return LIGHTS.get(key, LIGHTS["day"])


def _luma(x: Tensor) -> Tensor:
    return x[..., 0:1] * 0.299 + x[..., 1:2] * 0.587 + x[..., 2:3] * 0.114


def _saturate(x: Tensor, amount: float) -> Tensor:
    y = _luma(x)
    return y + (x - y) * amount


def grade(rgb: Tensor, style: str, light: Light, weather: str, fog_amount: float) -> Tensor:
    """Lighting, weather haze and the style's colour grade for (..., 3) values in 0..255."""
    tint = torch.tensor(light.tint, dtype=rgb.dtype, device=rgb.device)
    x = rgb * (tint * light.ambient)
    if weather in ("rain", "storm"):
        x = _saturate(x, 0.7) * 0.85
    if fog_amount > 0:
        x = x + (torch.tensor([200.0, 205.0, 212.0], device=rgb.device) * light.ambient - x) * (
            fog_amount
        )
    if style == "noir":
        y = _luma(x) / 255
        y = y * y * (3 - 2 * y)  # S-curve for hard contrast
        y = (y - 0.5) * 1.25 + 0.5
        return (y.clamp(0, 1) * 255).expand(*x.shape[:-1], 3).contiguous()
    if style == "cinematic":
        y = _luma(x) / 255
        split = torch.tensor([14.0, 2.0, -16.0], device=rgb.device)
        x = (x - 128) * 1.08 + 128 + (y - 0.45) * split
        x = _saturate(x, 0.92)
    elif style == "anime":
        x = _saturate(x, 1.25) * 1.04
    elif style == "claymation":  # warm, matte plasticine: lifted blacks, softer contrast
        x = _saturate(x * torch.tensor([1.1, 1.0, 0.86], device=rgb.device), 1.25)
        x = (x - 128) * 0.82 + 140
    elif style == "watercolor":
        x = 255 - (255 - _saturate(x, 0.85)) * 0.78
    elif style == "neon":
        x = _saturate(x, 1.5)
    elif style == "pixel":
        x = torch.round(_saturate(x, 1.15) / 36) * 36
    elif style == "vintage":
        x = _saturate(x, 0.6) * torch.tensor([1.08, 1.0, 0.82], device=rgb.device) + 10
    elif style == "cartoon":  # bright, saturated, lifted shadows
        x = _saturate(x, 1.4) * 1.08 + 12
    elif style == "sketch":  # graphite on warm paper: tone only, pale, the paper showing
        y = _luma(x)
        paper = torch.tensor([246.0, 240.0, 228.0], device=rgb.device)
        x = paper - (255 - y) * 0.62 * torch.tensor([1.0, 1.0, 1.04], device=rgb.device)
    return x.clamp(0, 255)


def shade_levels(style: str) -> Tensor:
    """Shade value for each ramp step: anime and pixel use two or three flat tones."""
    levels = torch.linspace(0.0, 1.5, RAMP_STEPS)
    if style == "anime":
        return torch.where(levels > 0.62, 1.05, 0.75)
    if style == "pixel":
        return torch.round(levels * 3) / 3
    if style == "watercolor":
        return 0.85 + 0.15 * levels
    if style == "cartoon":  # cel shading: shadow, base, highlight
        return torch.where(levels > 1.1, 1.15, torch.where(levels > 0.55, 1.0, 0.72))
    return levels


def ramp(colour: tuple[int, int, int], style: str, light: Light, weather: str, fog: float,
         device: torch.device) -> Tensor:  # fmt: skip
    base = torch.tensor(colour, dtype=torch.float32)
    lit = shade_levels(style)[:, None] * base[None, :]
    return grade(lit, style, light, weather, fog).to(device)


def vignette(size: int, strength: float, device: torch.device) -> Tensor:
    u = torch.linspace(-1.0, 1.0, size, device=device)
    return 1.0 - strength * u * u


def grain_tile(style: str, seed: int, device: torch.device) -> Tensor | None:
    amplitude = {"cinematic": 4.0, "noir": 7.0, "vintage": 6.0, "claymation": 2.0,
                 "sketch": 5.0}.get(style)  # fmt: skip
    if style == "claymation":  # thumb-pressed clay: soft dents a few pixels across
        g = torch.Generator().manual_seed(seed)
        dents = torch.nn.functional.interpolate(torch.randn(1, 1, 32, 32, generator=g),
                                                size=(128, 128), mode="bicubic")[0, 0]  # fmt: skip
        return (dents * 5)[..., None].expand(128, 128, 3).contiguous().to(device)
    if style == "watercolor":  # paper: low-frequency blotches plus fibres
        g = torch.Generator().manual_seed(seed)
        coarse = torch.randn(1, 1, 16, 16, generator=g)
        blot = torch.nn.functional.interpolate(coarse, size=(128, 128), mode="bicubic")[0, 0]
        fibre = torch.randn(128, 128, generator=g) * 0.5
        paper = (blot * 6 + fibre * 3)[..., None].expand(128, 128, 3)
        return paper.contiguous().to(device)
    if amplitude is None:
        return None
    g = torch.Generator().manual_seed(seed)
    tile = torch.randn(128, 128, 1, generator=g) * amplitude
    return tile.expand(128, 128, 3).contiguous().to(device)
