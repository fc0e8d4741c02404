"""Keeping every subject readable against what is behind it, in every style.

A black cat in a dark cave, or a green frog in a forest, is drawn in the colour the prompt gave
but lit so it separates from the background, as a key light would: when the graded luminance of
the subject's colour is within MIN_CONTRAST of the graded background behind it, its colour is
moved (hue kept) away from the background's luminance - darker if it is already darker, lighter
if lighter, across to the other side when its own has no room - by the least step that
separates them.
"""

from __future__ import annotations

import numpy as np
import torch

from gen_engine.render.look import Light, ramp

MIN_CONTRAST = 35.0  # luminance levels of 255
MIN_COLOUR_DISTANCE = 70.0  # or this far apart in RGB: yellow on grey reads, luminance aside
# How far a colour may move towards black or white: far enough to lift a black coat to a dark
# grey, not so far that the prompt's "black dress" turns white. Past that, a rim light does it.
STEPS = (0.0, 0.1, 0.2, 0.3, 0.4)

RGB = tuple[int, int, int]


def luminance(rgb: torch.Tensor | np.ndarray) -> float:
    r, g, b = (float(v) for v in rgb[:3])
    return 0.299 * r + 0.587 * g + 0.114 * b


def graded(colour: RGB, style: str, light: Light, weather: str, fog: float) -> np.ndarray:
    """The colour's mid-shade as the style grades it (what the eye sees), RGB."""
    levels = ramp(colour, style, light, weather, fog, torch.device("cpu"))
    return np.asarray(levels[len(levels) // 2].tolist(), dtype=np.float32)


def graded_luminance(colour: RGB, style: str, light: Light, weather: str, fog: float) -> float:
    return luminance(graded(colour, style, light, weather, fog))


def _separation(colour: RGB, behind: np.ndarray, look: tuple[str, Light, str, float]) -> float:
    """How far apart, as a fraction of what reads (1.0 = enough): luminance or colour."""
    seen = graded(colour, *look)
    by_luminance = abs(luminance(seen) - luminance(behind)) / MIN_CONTRAST
    by_colour = float(np.linalg.norm(seen - behind)) / MIN_COLOUR_DISTANCE
    return max(by_luminance, by_colour)


def readable_colour(colour: RGB, behind: np.ndarray, style: str, light: Light, weather: str,
                    fog: float) -> tuple[RGB, bool]:  # fmt: skip
    """`colour`, or the nearest lighter/darker version of it that stands out from `behind` (the
    background's mean RGB there) - further from the background's luminance on its own side
    first, then across - and whether it still needs a rim light to separate."""
    look = (style, light, weather, fog)
    if _separation(colour, behind, look) >= 1.0:
        return colour, False
    own, back = graded_luminance(colour, *look), luminance(behind)
    away = 0.0 if own < back else 255.0
    candidates = [(_separation(colour, behind, look), colour)]
    for towards in (away, 255.0 - away):
        for step in STEPS[1:]:
            moved = tuple(round(c + (towards - c) * step) for c in colour)
            candidate = (moved[0], moved[1], moved[2])
            separation = _separation(candidate, behind, look)
            if separation >= 1.0:
                return candidate, False
            candidates.append((separation, candidate))
    return max(candidates)[1], True  # as far apart as it may go, and a rim to finish the job


def rim_colour(behind: float) -> RGB:
    """A thin edge of light on a dark background, of shadow on a light one."""
    return (235, 235, 245) if behind < 128 else (18, 18, 26)


def background_colour(background: torch.Tensor, rows: slice, cols: slice) -> np.ndarray:
    """Mean RGB of a patch of the graded background canvas (H, W, 3 uint8), in numpy float64
    and rounded to a tenth of a level: the choice of colour sits on a threshold, so it must not
    move with the last bits of a reduction that depend on how many threads torch runs."""
    patch = background[rows, cols].cpu().numpy().reshape(-1, 3)
    if patch.size == 0:
        return np.full(3, 128.0)
    mean: np.ndarray = np.round(patch.astype(np.float64).mean(axis=0), 1)
    return mean
