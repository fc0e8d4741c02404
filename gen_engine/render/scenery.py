"""The static background of each setting: sky, horizon elements and ground, in world metres.

Subjects stand on y = 0; the far edge of the ground (the horizon) is drawn HORIZON metres higher
on screen so the floor reads as receding, and far elements stand on the horizon.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gen_engine.catalogue import Place, place
from gen_engine.render.look import Light
from gen_engine.render.painter import Painter
from gen_engine.render.places import RECIPES

HORIZON = 1.0
# Depths of the planes (painter.py): the share of a camera move each one follows.
SKY_DEPTH = 0.04
FAR_WALL_DEPTH = 0.8  # indoors the back wall is a few metres behind the subjects
FAR_RANGE_DEPTH = 0.25
HILL_DEPTH = 0.4
SKYLINE_DEPTH = 0.45
TREE_LINE_DEPTH = 0.6
Colour = tuple[float, float, float]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def sky(p: Painter, light: Light, weather: str, sun_xy: tuple[float, float] | None,
        rng: np.random.Generator) -> None:  # fmt: skip
    top: Colour = light.sky_top
    low: Colour = light.sky_horizon
    if weather in ("rain", "storm", "fog", "snow"):
        grey = (150.0, 155.0, 165.0) if light.ambient > 0.7 else (60.0, 62.0, 70.0)
        top, low = _mix(top, grey, 0.65), _mix(low, grey, 0.55)
    p.vgradient(HORIZON, float(p.ys[0]) + 0.01, low, top)
    p.haze = low
    if light.stars:
        _stars(p, rng, HORIZON + 0.5)
    if sun_xy is not None and weather not in ("rain", "storm", "fog"):
        x, y = sun_xy
        p.glow(x, y, 0.5, light.sun_colour, 0.55)
        p.disc(x, y, 0.28, light.sun_colour)


def _stars(p: Painter, rng: np.random.Generator, above: float) -> None:
    rows = np.nonzero(p.ys > above)[0]
    if len(rows) == 0:
        return
    count = int(len(rows) * len(p.xs) / 900)
    r = rng.choice(rows, count)
    c = rng.integers(0, len(p.xs), count)
    p.image[r, c] = rng.uniform(150, 255, (count, 1)).astype(np.float32)


def ground(p: Painter, near: Colour, far: Colour, rng: np.random.Generator, grain: float) -> None:
    p.layer(1.0)
    p.vgradient(float(p.ys[-1]) - 0.01, HORIZON, near, far)
    p.noise(float(p.ys[-1]) - 0.01, HORIZON, grain, rng)


def _trees(p: Painter, rng: np.random.Generator, count: int, leaf: Colour, pine: bool) -> None:
    p.layer(TREE_LINE_DEPTH)
    x0, x1 = float(p.xs[0]), float(p.xs[-1])
    for x in np.sort(rng.uniform(x0, x1, count)):
        h = float(rng.uniform(1.2, 2.6))
        shade = float(rng.uniform(0.8, 1.1))
        colour = (leaf[0] * shade, leaf[1] * shade, leaf[2] * shade)
        if pine:
            p.rect(x - 0.05, x + 0.05, HORIZON, HORIZON + 0.3, (80, 55, 35))
            p.triangle(x - 0.45 * h / 2, x + 0.45 * h / 2, HORIZON + 0.2, HORIZON + h, colour)
        else:
            p.rect(x - 0.07, x + 0.07, HORIZON, HORIZON + h * 0.6, (95, 65, 40))
            p.disc(x, HORIZON + h * 0.65, h * 0.3, colour)
            p.disc(x - h * 0.18, HORIZON + h * 0.5, h * 0.2, colour)
            p.disc(x + h * 0.18, HORIZON + h * 0.52, h * 0.2, colour)


def _hills(
    p: Painter, rng: np.random.Generator, colour: Colour, height: float, sharp: bool
) -> None:
    p.layer(FAR_RANGE_DEPTH if height >= 2 else HILL_DEPTH)
    phase = rng.uniform(0, 6.28, 3)
    xs = p.xs
    wave = sum(
        np.sin(xs * f + ph) / (i + 1)
        for i, (f, ph) in enumerate(zip((0.6, 1.3, 2.9), phase, strict=False))
    )
    profile = height * (0.6 + 0.35 * wave)
    if sharp:
        profile = height * (0.5 + 0.5 * np.abs(np.sin(xs * 0.5 + phase[0])) ** 0.5)
    p.ridge(HORIZON, profile.clip(0.05), colour)


def _buildings(p: Painter, rng: np.random.Generator, night: bool) -> None:
    p.layer(SKYLINE_DEPTH)
    x = float(p.xs[0])
    while x < float(p.xs[-1]):
        w = float(rng.uniform(0.8, 1.6))
        h = float(rng.uniform(1.5, 4.5))
        g = float(rng.uniform(70, 130))
        p.rect(x, x + w - 0.06, HORIZON, HORIZON + h, (g * 0.9, g * 0.95, g * 1.1))
        lit = (255, 215, 120) if night else (170, 200, 225)
        for wy in np.arange(HORIZON + 0.4, HORIZON + h - 0.2, 0.45):
            for wx in np.arange(x + 0.15, x + w - 0.25, 0.35):
                if not night or rng.random() < 0.55:
                    p.rect(float(wx), float(wx) + 0.16, float(wy), float(wy) + 0.22, lit)
        x += w


def draw_setting(p: Painter, setting: str, light: Light, weather: str,
                 sun_xy: tuple[float, float] | None, rng: np.random.Generator) -> None:  # fmt: skip
    found = place(setting) or place("park")
    assert found is not None
    p.depth = FAR_WALL_DEPTH if found.indoor or found.recipe in ("studio", "kitchen") else SKY_DEPTH
    night = light.stars
    x0, x1 = float(p.xs[0]), float(p.xs[-1])
    top = float(p.ys[0])
    recipe = found.recipe
    if recipe in ("studio", "kitchen"):
        _indoor(p, recipe, rng)
        return
    if recipe in RECIPES and (found.indoor or recipe == "moon"):
        RECIPES[recipe](p, found, rng, night)
        return
    if recipe == "space":
        p.vgradient(float(p.ys[-1]), top, (2, 2, 8), (6, 6, 22))
        _stars(p, rng, float(p.ys[-1]))
        p.disc(x1 * 0.45, top - 1.2, 0.9, (190, 120, 80))
        p.disc(x1 * 0.45 - 0.2, top - 1.0, 0.35, (215, 150, 105))
        ground(p, found.near, found.far, rng, 6)
        for cx in rng.uniform(x0, x1, 10):
            p.disc(
                float(cx),
                float(rng.uniform(-1.5, 0.6)),
                float(rng.uniform(0.1, 0.3)),
                (115, 115, 120),
            )
        return
    if recipe == "underwater":
        p.vgradient(float(p.ys[-1]), top, (10, 60, 110), found.accent)
        for cx in rng.uniform(x0, x1, 6):
            p.triangle(float(cx) - 0.3, float(cx) + 0.3, HORIZON, top + 2, (90, 190, 230))
        ground(p, found.near, found.far, rng, 5)
        for cx in rng.uniform(x0, x1, 12):
            for k in range(4):
                p.disc(float(cx) + 0.05 * np.sin(k), HORIZON + 0.15 * k, 0.07, (40, 140, 70))
        return
    sky(p, light, weather, sun_xy, rng)
    scenes: dict[str, Callable[[], None]] = {
        "beach": lambda: _beach(p, rng),
        "city": lambda: _city(p, rng, night, found),
        "forest": lambda: _forest(p, rng, found),
        "snow": lambda: _snow(p, rng, found),
        "desert": lambda: _desert(p, rng, found),
        "mountains": lambda: _mountains(p, rng, found),
        "park": lambda: _park(p, rng, found),
    }
    if recipe in RECIPES:
        RECIPES[recipe](p, found, rng, night)
        return
    scenes.get(recipe, lambda: _park(p, rng, found))()


def _beach(p: Painter, rng: np.random.Generator) -> None:
    x0, x1 = float(p.xs[0]), float(p.xs[-1])
    ground(p, (225, 200, 150), (235, 215, 170), rng, 5)
    p.vgradient(HORIZON - 0.45, HORIZON, (40, 130, 175), (30, 90, 150))
    for y in (HORIZON - 0.35, HORIZON - 0.2):
        p.rect(x0, x1, y, y + 0.03, (200, 230, 240))
    px = x0 + 0.35 * (x1 - x0)
    for k in range(40):  # a leaning trunk of overlapping discs
        p.disc(px + 0.012 * k, HORIZON + 0.06 * k, 0.08 - 0.001 * k, (120, 85, 50))
    for ang in np.linspace(0.3, 2.8, 5):
        p.disc(px + 0.5 + 0.6 * np.cos(ang), HORIZON + 2.4 + 0.3 * np.sin(ang), 0.28, (40, 120, 50))


def _city(p: Painter, rng: np.random.Generator, night: bool, place: Place) -> None:
    x0, x1 = float(p.xs[0]), float(p.xs[-1])
    _buildings(p, rng, night)
    ground(p, place.near, place.far, rng, 4)
    p.rect(x0, x1, HORIZON - 0.35, HORIZON, place.accent)
    if place.name != "city street":
        return
    for x in np.arange(x0, x1, 1.2):
        p.rect(float(x), float(x) + 0.6, -0.45, -0.4, (230, 210, 90))


def _forest(p: Painter, rng: np.random.Generator, place: Place) -> None:
    leaf = place.accent
    _hills(p, rng, (leaf[0] * 1.3, leaf[1] * 0.95, leaf[2] * 1.2), 1.4, False)
    _trees(p, rng, 40 if place.name == "jungle" else 28, leaf, pine=False)
    ground(p, place.near, place.far, rng, 8)
    if place.name == "campsite":  # a tent and the fire
        p.triangle(-1.4, -0.4, HORIZON - 0.2, HORIZON + 0.6, (220, 120, 40))
        p.glow(0.6, HORIZON - 0.1, 0.2, (255, 170, 60), 0.9)
    elif place.name == "swamp":
        x0, x1 = float(p.xs[0]), float(p.xs[-1])
        p.vgradient(HORIZON - 0.5, HORIZON - 0.1, (60, 80, 60), (80, 100, 70))
        for cx in rng.uniform(x0, x1, 20):
            p.rect(float(cx), float(cx) + 0.02, HORIZON - 0.3, HORIZON + 0.3, (90, 110, 50))


def _park(p: Painter, rng: np.random.Generator, place: Place) -> None:
    _hills(p, rng, (95, 150, 85), 0.9, False)
    _trees(p, rng, 6, (55, 130, 60), pine=False)
    ground(p, place.near, place.far, rng, 6)
    x0, x1 = float(p.xs[0]), float(p.xs[-1])
    p.rect(x0, x1, HORIZON - 0.5, HORIZON - 0.3, (195, 180, 145))
    if place.name == "garden":  # flower beds
        for cx in rng.uniform(x0, x1, 30):
            p.disc(float(cx), HORIZON - 0.1 + float(rng.uniform(-0.05, 0.1)), 0.05, place.accent)
    elif place.name == "playground":  # a slide and a swing frame
        p.rect(-1.5, -1.45, HORIZON - 0.2, HORIZON + 0.9, place.accent)
        p.rect(-1.5, -0.7, HORIZON + 0.85, HORIZON + 0.9, place.accent)
        p.rect(0.8, 0.85, HORIZON - 0.2, HORIZON + 1.1, (60, 90, 160))
        p.rect(1.6, 1.65, HORIZON - 0.2, HORIZON + 1.1, (60, 90, 160))
        p.rect(0.8, 1.65, HORIZON + 1.05, HORIZON + 1.1, (60, 90, 160))


def _snow(p: Painter, rng: np.random.Generator, place: Place) -> None:
    _hills(p, rng, place.accent, 2.2 if place.name != "arctic" else 0.6, True)
    _hills(p, rng, (235, 240, 250), 1.0, False)
    _trees(p, rng, 10 if place.name != "arctic" else 0, (40, 80, 60), pine=True)
    ground(p, place.near, place.far, rng, 4)


def _desert(p: Painter, rng: np.random.Generator, place: Place) -> None:
    _hills(p, rng, place.accent, 2.2 if place.name == "canyon" else 0.9, place.name == "canyon")
    ground(p, place.near, place.far, rng, 6)
    x0, x1 = float(p.xs[0]), float(p.xs[-1])
    for cx in rng.uniform(x0, x1, 4 if place.name == "desert" else 0):
        c = float(cx)
        p.rect(c - 0.08, c + 0.08, HORIZON, HORIZON + 1.1, (60, 130, 60))
        p.rect(c - 0.35, c - 0.08, HORIZON + 0.5, HORIZON + 0.6, (60, 130, 60))
        p.rect(c - 0.35, c - 0.25, HORIZON + 0.5, HORIZON + 0.9, (60, 130, 60))


def _mountains(p: Painter, rng: np.random.Generator, place: Place) -> None:
    _hills(p, rng, place.accent, 3.0, True)
    if place.name == "volcano":  # lava glowing at the top and running down
        p.glow(0.0, HORIZON + 2.9, 0.5, (255, 110, 30), 0.9)
        p.rect(-0.05, 0.05, HORIZON, HORIZON + 2.8, (230, 90, 30))
    _hills(p, rng, (80, 120, 80) if place.name != "volcano" else (70, 55, 50), 1.0, False)
    ground(p, place.near, place.far, rng, 7)


def _indoor(p: Painter, setting: str, rng: np.random.Generator) -> None:
    x0, x1 = float(p.xs[0]), float(p.xs[-1])
    bottom, top = float(p.ys[-1]) - 0.01, float(p.ys[0]) + 0.01
    if setting == "studio":  # seamless backdrop: no horizon line, soft light pool
        p.vgradient(bottom, top, (118, 118, 122), (200, 200, 205))
        p.glow(0.0, HORIZON + 1.0, 1.6, (225, 225, 230), 0.5)
        return
    wall = {"kitchen": (235, 225, 200), "gym": (200, 205, 210)}.get(setting, (215, 200, 180))
    p.vgradient(HORIZON, top, wall, (wall[0] * 0.9, wall[1] * 0.9, wall[2] * 0.9))
    ground(p, (150, 110, 75), (175, 135, 95), rng, 5)
    if setting == "kitchen":
        for y in np.arange(HORIZON + 0.9, HORIZON + 1.6, 0.15):
            p.rect(x0, x1, float(y), float(y) + 0.012, (200, 195, 185))
        p.rect(x0, x1, HORIZON, HORIZON + 0.9, (140, 95, 60))
        p.rect(x0, x1, HORIZON + 0.85, HORIZON + 0.92, (225, 225, 225))
        for x in np.arange(x0, x1, 0.6):
            p.rect(float(x) + 0.03, float(x) + 0.57, HORIZON + 0.08, HORIZON + 0.8, (160, 112, 72))
            p.rect(float(x) + 0.25, float(x) + 0.35, HORIZON + 0.65, HORIZON + 0.69, (60, 60, 60))
        p.rect(x0, x1, HORIZON + 1.7, HORIZON + 2.5, (150, 100, 65))
        for x in np.arange(x0, x1, 0.6):
            p.rect(float(x) + 0.03, float(x) + 0.57, HORIZON + 1.75, HORIZON + 2.45, (165, 115, 75))
        for x in np.arange(x0, x1, 0.5):
            p.rect(float(x), float(x) + 0.015, bottom, HORIZON, (130, 95, 65))
    else:
        p.rect(x0 + 0.3 * (x1 - x0), x0 + 0.45 * (x1 - x0), HORIZON + 0.8, HORIZON + 2.0,
               (170, 200, 230))  # fmt: skip
