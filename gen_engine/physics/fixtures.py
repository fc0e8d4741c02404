"""Fixtures in the world: where each piece of scenery stands and the solids it is made of.

The same solids are static shapes in the rigid-body world (bodies bounce down the stairs, roll
off the desk, rebound off the backboard) and are painted into the background by the renderer,
so what the picture shows is what the bodies hit. Layout, in a frame `width` metres across: the
first fixture things start on stands on the left; a rug lies where things come down off it;
hoops, goals and walls stand at the right; anything else goes in the middle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from gen_engine.catalogue import fixture_kind
from gen_engine.physics.materials import material_of
from gen_engine.types import Fixture

Point = tuple[float, float]
Array = npt.NDArray[np.float64]
STEPS = 5
GRAVITY = 9.81
HOOP_RIM_HEIGHT = 3.05
RIM_DIAMETER = 0.46
# A hard step or a wooden desk gives a ball most of its bounce back (Chipmunk multiplies the
# two shapes' values): these are surfaces, not loose bodies of that material.
SURFACE_RESTITUTION = {"stone": 0.9, "wood": 0.75, "metal": 0.8, "fabric": 0.2, "rubber": 1.12,
                       "plastic": 0.7, "glass": 0.85}  # fmt: skip
SURFACE_FRICTION = {"fabric": 0.5, "rubber": 0.9, "metal": 0.5, "glass": 0.3, "stone": 0.35}


@dataclass(frozen=True)
class Solid:
    """One placed fixture: convex polygons and circles in world metres (ground at y = 0)."""

    name: str
    shape: str
    material: str
    colour: tuple[int, int, int]
    polygons: tuple[tuple[Point, ...], ...]
    circles: tuple[tuple[float, float, float], ...] = ()  # (x, y, radius)
    start: Point | None = None  # where a prop set on it starts (centre of its lowest point)
    start_direction: float = 1.0  # which way it leaves: +1 right, -1 left
    extent: tuple[float, float] = field(default=(0.0, 0.0))  # x0, x1

    @property
    def restitution(self) -> float:
        return SURFACE_RESTITUTION.get(self.material, 0.7)

    @property
    def friction(self) -> float:
        return SURFACE_FRICTION.get(self.material, 0.7)

    def drop(self, material: str) -> tuple[float, float]:
        """(sideways speed, drop height) for a body dropped onto this fixture. On stairs: the
        steady bounce down them, one tread per bounce - each fall of one rise gives back what
        a bounce loses, v_in^2 = (e v_in)^2 + 2 g rise - entered from the height that gives
        that impact speed at once. Elsewhere a short drop and a gentle nudge."""
        if self.shape != "stairs":
            return 0.75, 0.45
        tread = (self.extent[1] - self.extent[0]) / STEPS
        rise = max(p[2][1] for p in self.polygons) / STEPS
        e = min(self.restitution * material_of(material).restitution, 0.95)
        v_in = math.sqrt(2 * GRAVITY * rise / (1 - e * e))
        flight = (1 + e) * v_in / GRAVITY
        return tread / flight, v_in * v_in / (2 * GRAVITY)


def _box(x0: float, x1: float, y0: float, y1: float) -> tuple[Point, ...]:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _solid(fixture: Fixture, x0: float, width: float, height: float) -> Solid:
    x1 = x0 + width
    shape = fixture.shape

    def made(
        polygons: tuple[tuple[Point, ...], ...],
        circles: tuple[tuple[float, float, float], ...] = (),
        start: Point | None = None,
        extent: tuple[float, float] = (x0, x1),
    ) -> Solid:
        return Solid(fixture.name, shape, fixture.material, fixture.color, polygons, circles,
                     start, 1.0, extent)  # fmt: skip

    if shape == "stairs":  # descending to the right: the top step is the leftmost
        tread, rise = width / STEPS, height / STEPS
        steps = tuple(_box(x0, x0 + k * tread, 0.0, (STEPS - k + 1) * rise)
                      for k in range(1, STEPS + 1))  # fmt: skip
        return made(polygons=steps, start=(x0 + 0.5 * tread, height))
    if shape in ("table", "bench", "trampoline"):
        top = 0.05 if shape == "table" else 0.12
        legs = (_box(x0 + 0.05, x0 + 0.11, 0.0, height - top),
                _box(x1 - 0.11, x1 - 0.05, 0.0, height - top))  # fmt: skip
        slab = _box(x0, x1, height - top, height)
        return made(polygons=(slab, *legs), start=(x0 + 0.3 * width, height))
    if shape == "counter":
        return made(polygons=(_box(x0, x1, 0.0, height),), start=(x0 + 0.3 * width, height))
    if shape == "shelf":
        board = _box(x0, x1, height - 0.04, height)
        return made(polygons=(board,), start=(x0 + 0.4 * width, height))
    if shape == "ramp":  # rises to the left: things start at the top and run down it
        return made(polygons=(((x0, 0.0), (x1, 0.0), (x0, height)),),
                     start=(x0 + 0.1 * width, height * 0.9 + 0.05))  # fmt: skip
    if shape == "rug":
        return made(polygons=(_box(x0, x1, 0.0, height),))
    if shape == "hoop":  # pole at the right, backboard facing left, rim in front of it
        pole = _box(x1 - 0.12, x1, 0.0, HOOP_RIM_HEIGHT + 0.4)
        board_x = x1 - 0.12
        board = _box(board_x - 0.08, board_x, HOOP_RIM_HEIGHT - 0.15, HOOP_RIM_HEIGHT + 0.9)
        rim = ((board_x - 0.08 - RIM_DIAMETER, HOOP_RIM_HEIGHT, 0.012),
               (board_x - 0.1, HOOP_RIM_HEIGHT, 0.012))  # fmt: skip
        return made(polygons=(pole, board), circles=rim,
                     extent=(board_x - 0.08 - RIM_DIAMETER, x1))  # fmt: skip
    if shape == "goal":
        posts = (_box(x0, x0 + 0.06, 0.0, height), _box(x1 - 0.06, x1, 0.0, height),
                 _box(x0, x1, height - 0.06, height))  # fmt: skip
        return made(polygons=(posts[1], posts[2]))
    if shape == "tree":
        trunk = _box(x0 + 0.42 * width, x0 + 0.58 * width, 0.0, 0.55 * height)
        return made(polygons=(trunk,),
                     circles=((x0 + width / 2, 0.72 * height, 0.3 * height),))  # fmt: skip
    return made(polygons=(_box(x0, x1, 0.0, height),))  # wall


def place_fixtures(fixtures: tuple[Fixture, ...], width: float) -> list[Solid]:
    """Solids for the plan's fixtures in a frame `width` metres across, deterministically."""
    left, right = -0.4 * width, 0.46 * width
    placed: list[Solid] = []
    main_end: float | None = None
    at_right = right
    for fixture in fixtures:
        kind = fixture_kind(fixture.name)
        w = kind.width if kind else 1.0
        h = kind.height if kind else 0.8
        holds = kind.holds if kind else False
        w = min(w, 0.55 * width)
        if fixture.shape in ("hoop", "goal", "wall", "tree"):
            x0 = at_right - w
            at_right = x0 - 0.2
        elif fixture.shape == "rug":
            x0 = (main_end + 0.05) if main_end is not None else -w / 2
        elif holds and main_end is None:
            x0 = left
            main_end = left + w
        else:
            x0 = max(-w / 2, (main_end or left) + 0.3)
            x0 = min(x0, at_right - w)
        placed.append(_solid(fixture, x0, w, h))
    return placed


def landing_surface(solids: list[Solid]) -> Solid | None:
    """The fixture a prop named with it starts on: the first that holds things."""
    return next((s for s in solids if s.start is not None), None)


def support_height(solids: list[Solid], x: Array, bottom: Array) -> Array:
    """For bodies whose lowest point is at `bottom` over `x` (metres, any shape): the height of
    the highest fixture top beneath each one - a shelf, a desk, a step - or 0, the ground. A
    body's shadow falls there, not on the floor under the shelf."""
    out = np.zeros(np.shape(x))
    for solid in solids:
        for polygon in solid.polygons:
            top = _top_at(polygon, x)
            out = np.where((top <= bottom + 0.02) & (top > out), top, out)
    return out


def _top_at(polygon: tuple[Point, ...], x: Array) -> Array:
    """The highest point of a convex polygon's outline over each x; -inf beside it."""
    top = np.full(np.shape(x), -np.inf)
    for (ax, ay), (bx, by) in zip(polygon, (*polygon[1:], polygon[0]), strict=True):
        if abs(bx - ax) < 1e-9:
            continue
        t = (x - ax) / (bx - ax)
        top = np.where((t >= 0) & (t <= 1), np.maximum(top, ay + t * (by - ay)), top)
    return top
