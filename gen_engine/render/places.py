"""Backgrounds for the catalogue's places: one painter per recipe, coloured by the place.

Each recipe takes the place's own ground colours and accent (a room's wall, a lake's water, a
canyon's rock), and a few places add their landmark (a farm's barn, a classroom's chalkboard,
a stage's curtains), so sixty settings come from a dozen recipes and still read apart.
"""

from __future__ import annotations

import numpy as np

from gen_engine.catalogue import Place
from gen_engine.render.painter import Painter

HORIZON = 1.0
HILL_DEPTH = 0.4  # the share of a camera move the hills follow (painter.py)
Colour = tuple[float, float, float]


def _k(c: Colour | tuple[int, int, int], k: float) -> Colour:
    return (c[0] * k, c[1] * k, c[2] * k)


def _ground(p: Painter, place: Place, rng: np.random.Generator, grain: float = 5.0) -> None:
    p.layer(1.0)
    bottom = float(p.ys[-1]) - 0.01
    p.vgradient(bottom, HORIZON, place.near, place.far)
    p.noise(bottom, HORIZON, grain, rng)


def _span(p: Painter) -> tuple[float, float]:
    return float(p.xs[0]), float(p.xs[-1])


def _hill_line(p: Painter, rng: np.random.Generator, colour: Colour, height: float) -> None:
    p.layer(HILL_DEPTH)
    phase = rng.uniform(0, 6.28, 3)
    wave = sum(np.sin(p.xs * f + ph) / (i + 1) for i, (f, ph) in enumerate(zip((0.6, 1.3, 2.9),
               phase, strict=False)))  # fmt: skip
    p.ridge(HORIZON, (height * (0.6 + 0.35 * wave)).clip(0.05), colour)


def field(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    _hill_line(p, rng, _k(place.far, 0.8), 0.7)
    _ground(p, place, rng, 6)
    if place.name == "farm":  # a red barn and a fence along the field
        bx = x0 + 0.62 * (x1 - x0)
        p.rect(bx, bx + 1.3, HORIZON, HORIZON + 0.9, place.accent)
        p.triangle(bx - 0.1, bx + 1.4, HORIZON + 0.9, HORIZON + 1.5, _k(place.accent, 0.8))
        p.rect(bx + 0.5, bx + 0.8, HORIZON, HORIZON + 0.55, (240, 235, 225))
        for x in np.arange(x0, x1, 0.45):
            p.rect(float(x), float(x) + 0.05, HORIZON - 0.35, HORIZON + 0.05, (150, 110, 70))
        p.rect(x0, x1, HORIZON - 0.2, HORIZON - 0.16, (150, 110, 70))
    elif place.name == "soccer field":  # stands behind, white lines on the grass
        p.rect(x0, x1, HORIZON, HORIZON + 0.8, (90, 95, 110))
        for y in np.arange(HORIZON + 0.1, HORIZON + 0.8, 0.14):
            p.rect(x0, x1, float(y), float(y) + 0.05, (150, 60, 60) if night else (200, 60, 60))
        for y in (HORIZON - 0.25, -0.9):
            p.rect(x0, x1, y, y + 0.04, place.accent)
    elif place.name == "savanna":  # flat-topped acacias
        for cx in rng.uniform(x0, x1, 3):
            c = float(cx)
            p.rect(c - 0.04, c + 0.04, HORIZON, HORIZON + 0.8, (90, 65, 40))
            p.rect(c - 0.6, c + 0.6, HORIZON + 0.75, HORIZON + 0.95, (80, 110, 50))
    elif place.name == "golf course":
        p.disc(x1 * 0.3, HORIZON - 0.3, 0.05, (30, 30, 30))
        p.rect(x1 * 0.3 - 0.01, x1 * 0.3 + 0.01, HORIZON - 0.3, HORIZON + 0.6, (240, 240, 240))
        p.triangle(x1 * 0.3, x1 * 0.3 + 0.3, HORIZON + 0.4, HORIZON + 0.6, (220, 40, 40))


def moon(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    bottom, top = float(p.ys[-1]), float(p.ys[0])
    red = place.name == "mars"
    sky_low, sky_high = ((200, 140, 100), (120, 70, 50)) if red else ((4, 4, 10), (10, 10, 24))
    p.vgradient(bottom, top, sky_low, sky_high)
    if not red:
        rows = np.nonzero(p.ys > HORIZON + 0.3)[0]
        count = int(len(rows) * len(p.xs) / 700)
        p.image[rng.choice(rows, count), rng.integers(0, len(p.xs), count)] = 230.0
        p.disc(x0 + 0.75 * (x1 - x0), top - 1.0, 0.45, place.accent)  # the earth
        p.disc(x0 + 0.75 * (x1 - x0) - 0.1, top - 0.95, 0.18, (90, 160, 90))
    _hill_line(p, rng, _k(place.far, 0.8), 0.5)
    _ground(p, place, rng, 7)
    for cx in rng.uniform(x0, x1, 9):  # craters: a dark rim and a lighter floor
        c, cy, r = float(cx), float(rng.uniform(-1.4, 0.6)), float(rng.uniform(0.12, 0.3))
        p.disc(c, cy, r, _k(place.near, 0.75))
        p.disc(c + 0.03, cy + 0.02, r * 0.75, _k(place.near, 1.08))


def water(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    bottom = float(p.ys[-1]) - 0.01
    if place.name == "swimming pool":  # tiles and a ladder behind the water
        p.layer(0.8)  # the pool's far wall, a few metres back
        p.rect(x0, x1, HORIZON, HORIZON + 0.5, place.accent)
        for x in np.arange(x0, x1, 0.2):
            p.rect(float(x), float(x) + 0.01, HORIZON, HORIZON + 0.5, (190, 200, 210))
        p.rect(x0, x1, HORIZON - 0.06, HORIZON, (250, 250, 250))
    elif place.name == "harbor":  # the pier on posts, boats moored along it
        _hill_line(p, rng, (110, 120, 130), 0.6)
        p.layer(0.7)  # the pier, nearer than the hills
        p.rect(x0, x0 + 0.6 * (x1 - x0), HORIZON + 0.15, HORIZON + 0.25, place.accent)
        for x in np.arange(x0, x0 + 0.6 * (x1 - x0), 0.5):
            p.rect(float(x), float(x) + 0.06, HORIZON - 0.2, HORIZON + 0.15, _k(place.accent, 0.7))
    elif place.name == "bridge":
        _hill_line(p, rng, (90, 120, 90), 0.7)
        p.layer(0.7)  # the bridge, nearer than the hills
        p.rect(x0, x1, HORIZON + 1.0, HORIZON + 1.15, place.accent)
        for x in (x0 + 0.25 * (x1 - x0), x0 + 0.75 * (x1 - x0)):
            p.rect(x - 0.08, x + 0.08, HORIZON - 0.1, HORIZON + 2.4, place.accent)
    else:
        _hill_line(p, rng, place.accent, 0.9 if place.name != "sea" else 0.05)
    p.layer(1.0)  # the water the subjects float on
    p.vgradient(bottom, HORIZON, place.near, place.far)
    light = _k(place.far, 1.35)
    for y in np.arange(-1.6, HORIZON, 0.22):  # ripples, closer together towards the horizon
        for x in rng.uniform(x0, x1, 6):
            p.rect(float(x), float(x) + float(rng.uniform(0.2, 0.6)), float(y), float(y) + 0.02,
                   light)  # fmt: skip


def road(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    _hill_line(p, rng, place.accent if place.name == "highway" else (95, 130, 90), 0.8)
    _ground(p, place, rng, 4)
    if place.name == "race track":
        p.rect(x0, x1, HORIZON, HORIZON + 0.6, (80, 85, 100))
        for i, x in enumerate(np.arange(x0, x1, 0.3)):
            colour = place.accent if i % 2 else (240, 240, 240)
            p.rect(float(x), float(x) + 0.3, HORIZON - 0.12, HORIZON, colour)
    elif place.name == "parking lot":
        for x in np.arange(x0, x1, 0.9):
            p.rect(float(x), float(x) + 0.05, -1.2, HORIZON - 0.2, (230, 230, 230))
    for x in np.arange(x0, x1, 1.1):  # the centre line
        p.rect(float(x), float(x) + 0.55, -0.5, -0.44, (235, 215, 90))


def room(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    top = float(p.ys[0]) + 0.01
    wall = place.accent
    p.vgradient(HORIZON, top, wall, _k(wall, 0.88))
    p.rect(x0, x1, HORIZON, HORIZON + 0.12, _k(wall, 0.7))  # skirting board
    _ground(p, place, rng, 5)
    w = x1 - x0
    name = place.name
    if name == "classroom":
        p.rect(x0 + 0.3 * w, x0 + 0.7 * w, HORIZON + 0.9, HORIZON + 2.1, (40, 70, 55))
        p.rect(x0 + 0.3 * w, x0 + 0.7 * w, HORIZON + 0.85, HORIZON + 0.9, (150, 110, 70))
        for i in range(3):
            y = HORIZON + 1.7 - 0.3 * i
            p.rect(x0 + 0.35 * w, x0 + (0.5 + 0.05 * i) * w, y, y + 0.03, (225, 225, 215))
    elif name in ("library", "supermarket"):
        goods = ((180, 50, 50), (50, 90, 160), (60, 140, 70), (220, 180, 60), (140, 80, 140))
        for y in np.arange(HORIZON + 0.3, HORIZON + 2.6, 0.5):
            p.rect(x0, x1, float(y), float(y) + 0.05, (110, 75, 45) if name == "library" else
                   (170, 170, 175))  # fmt: skip
            x = x0
            while x < x1:
                wide = float(rng.uniform(0.05, 0.12))
                tall = float(y) + float(rng.uniform(0.28, 0.42))
                p.rect(
                    x, x + wide - 0.01, float(y) + 0.05, tall, goods[int(rng.integers(len(goods)))]
                )
                x += wide
    elif name in ("museum", "castle", "church"):
        for i, x in enumerate(np.arange(x0 + 0.4, x1 - 0.6, 1.3)):
            if name == "museum":
                p.rect(float(x), float(x) + 0.8, HORIZON + 1.0, HORIZON + 1.6, (180, 150, 60))
                p.rect(float(x) + 0.06, float(x) + 0.74, HORIZON + 1.06, HORIZON + 1.54,
                       ((80, 120, 170), (170, 90, 70), (90, 140, 90))[i % 3])  # fmt: skip
            elif name == "castle":
                p.rect(float(x), float(x) + 0.5, HORIZON + 0.9, HORIZON + 2.2, (150, 30, 40))
                p.triangle(float(x), float(x) + 0.5, HORIZON + 0.7, HORIZON + 0.9, (150, 30, 40))
            else:
                glass = ((60, 80, 170), (170, 50, 60), (220, 180, 60))[i % 3]
                p.rect(float(x), float(x) + 0.5, HORIZON + 0.9, HORIZON + 2.3, glass)
                p.disc(float(x) + 0.25, HORIZON + 2.3, 0.25, glass)
        if name == "castle":
            for y in np.arange(HORIZON + 0.3, top, 0.35):
                p.rect(x0, x1, float(y), float(y) + 0.02, _k(wall, 0.75))
    elif name == "space station":
        for x in np.arange(x0 + 0.5, x1, 1.2):
            p.disc(float(x), HORIZON + 1.4, 0.42, (150, 155, 170))
            p.disc(float(x), HORIZON + 1.4, 0.36, (6, 6, 20))
            p.disc(float(x) + 0.1, HORIZON + 1.5, 0.03, (240, 240, 255))
    elif name in ("warehouse", "attic"):
        for x in np.arange(x0, x1, 0.9):
            p.rect(float(x), float(x) + 0.1, HORIZON, top, _k(wall, 0.6))
        p.rect(x0, x1, HORIZON + 2.4, HORIZON + 2.55, _k(wall, 0.6))
    elif name in ("bathroom", "hospital", "laboratory"):
        for y in np.arange(HORIZON, HORIZON + 1.6, 0.2):
            p.rect(x0, x1, float(y), float(y) + 0.012, _k(wall, 0.85))
        for x in np.arange(x0, x1, 0.2):
            p.rect(float(x), float(x) + 0.012, HORIZON, HORIZON + 1.6, _k(wall, 0.85))
    elif name == "restaurant":
        for x in np.arange(x0 + 0.5, x1, 1.1):
            p.glow(float(x), HORIZON + 2.2, 0.25, (255, 210, 140), 0.8)
            p.disc(float(x), HORIZON + 2.2, 0.1, (255, 230, 170))
    else:  # a window with the day (or night) outside
        sky = (25, 35, 70) if night else (170, 205, 235)
        p.rect(x0 + 0.3 * w, x0 + 0.45 * w, HORIZON + 0.8, HORIZON + 2.0, _k(wall, 0.7))
        p.rect(x0 + 0.31 * w, x0 + 0.44 * w, HORIZON + 0.85, HORIZON + 1.95, sky)
        if name == "office":
            p.rect(x0 + 0.6 * w, x0 + 0.75 * w, HORIZON + 0.8, HORIZON + 2.0, _k(wall, 0.7))
            p.rect(x0 + 0.61 * w, x0 + 0.74 * w, HORIZON + 0.85, HORIZON + 1.95, sky)


def court(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    top = float(p.ys[0]) + 0.01
    neon = place.name == "bowling alley"
    wall = (30, 20, 45) if neon else (200, 200, 205)
    p.vgradient(HORIZON, top, wall, _k(wall, 0.85))
    _ground(p, place, rng, 3)
    lines = place.accent
    p.rect(x0, x1, HORIZON - 0.05, HORIZON, lines)
    p.rect(x0, x1, -0.9, -0.86, lines)
    if neon:
        for i, x in enumerate(np.arange(x0, x1, 0.6)):
            colour = ((230, 60, 200), (60, 200, 230), (240, 220, 60))[i % 3]
            p.glow(float(x), HORIZON + 1.6, 0.3, colour, 0.9)
    elif place.name == "ice rink":
        p.rect(x0, x1, HORIZON, HORIZON + 0.4, (245, 245, 250))
        p.rect(x0, x1, HORIZON + 0.35, HORIZON + 0.4, place.accent)
    else:
        p.disc(0.0, -0.4, 0.6, lines)
        p.disc(0.0, -0.4, 0.56, place.near)
        for x in np.arange(x0, x1, 1.5):  # high windows of a sports hall
            p.rect(float(x), float(x) + 0.9, HORIZON + 2.2, HORIZON + 2.7, (190, 215, 235))


def stage(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    top = float(p.ys[0]) + 0.01
    p.vgradient(HORIZON, top, (20, 15, 20), (35, 25, 30))
    w = x1 - x0
    for side in (x0, x1 - 0.25 * w):  # the curtains, folds in two shades
        for i, x in enumerate(np.arange(side, side + 0.25 * w, 0.12)):
            p.rect(
                float(x), float(x) + 0.12, HORIZON, top, _k(place.accent, 1.0 if i % 2 else 0.75)
            )
    p.rect(x0, x1, top - 0.5, top, _k(place.accent, 0.85))
    _ground(p, place, rng, 4)
    for x in np.arange(x0, x1, 0.3):
        p.rect(float(x), float(x) + 0.01, float(p.ys[-1]), HORIZON, _k(place.near, 0.8))
    p.glow(0.0, HORIZON + 0.6, 1.2, (255, 240, 200), 0.45)  # the spotlight


def subway(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    top = float(p.ys[0]) + 0.01
    p.vgradient(HORIZON, top, place.accent, _k(place.accent, 0.85))
    if place.name == "airport":
        for x in np.arange(x0, x1, 1.0):
            p.rect(float(x) + 0.05, float(x) + 0.95, HORIZON + 0.5, HORIZON + 2.6,
                   (25, 35, 60) if night else (175, 205, 235))  # fmt: skip
    else:
        for y in np.arange(HORIZON, top, 0.12):
            p.rect(x0, x1, float(y), float(y) + 0.01, _k(place.accent, 0.8))
        p.rect(x0, x1, HORIZON + 1.2, HORIZON + 1.45, (40, 90, 160))  # the line's colour band
        p.rect(x0 + 0.2 * (x1 - x0), x0 + 0.35 * (x1 - x0), HORIZON + 1.6, HORIZON + 1.85,
               (30, 30, 35))  # fmt: skip
    _ground(p, place, rng, 4)
    p.rect(x0, x1, -1.25, -1.15, (235, 200, 40))  # mind the gap


def cave(p: Painter, place: Place, rng: np.random.Generator, night: bool) -> None:
    x0, x1 = _span(p)
    top = float(p.ys[0]) + 0.01
    p.vgradient(HORIZON, top, _k(place.accent, 1.3), place.accent)
    for cx in rng.uniform(x0, x1, 14):  # stalactites from the roof
        c = float(cx)
        length = float(rng.uniform(0.3, 1.2))
        p.triangle(c - 0.12, c + 0.12, top - length, top, _k(place.accent, 0.7))
        p.rect(c - 0.12, c + 0.12, top - 0.02, top + 2, _k(place.accent, 0.7))
    for cx in rng.uniform(x0, x1, 8):
        c = float(cx)
        p.triangle(c - 0.2, c + 0.2, HORIZON, HORIZON + float(rng.uniform(0.3, 0.8)),
                   _k(place.accent, 0.8))  # fmt: skip
    _ground(p, place, rng, 7)
    p.glow(0.0, HORIZON + 1.5, 1.6, (255, 190, 110), 0.25)  # torchlight


RECIPES = {"field": field, "moon": moon, "water": water, "road": road, "room": room,
           "court": court, "stage": stage, "subway": subway, "cave": cave}  # fmt: skip
