"""Fixtures: static scene geometry that moving bodies collide with and the background shows.

`shape` picks the geometry (gen_engine.physics.fixtures builds the solids, the renderer paints
them); width and height are metres; `holds` means a prop named with it starts on top of it
("a toy car rolls off a desk": the car starts on the desk).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FixtureKind:
    name: str
    synonyms: tuple[str, ...]
    shape: str  # stairs, table, counter, shelf, ramp, wall, rug, trampoline, hoop, goal, bench
    width: float
    height: float
    material: str
    colour: str
    holds: bool = False


def _rows(text: str) -> tuple[FixtureKind, ...]:
    """One line per fixture: `names | shape | width | height | material | colour | holds`."""
    rows = []
    for line in text.strip().splitlines():
        names, shape, width, height, material, colour, holds = (p.strip() for p in line.split("|"))
        first, *rest = names.split("/")
        rows.append(FixtureKind(first, tuple(rest), shape, float(width), float(height), material,
                                colour, holds == "holds"))  # fmt: skip
    return tuple(rows)


# fmt: off
FIXTURES: tuple[FixtureKind, ...] = _rows("""
stairs/staircase/steps/stairway/stair/stoop | stairs | 1.9 | 1.0 | stone | gray | holds
table/dining table/picnic table/coffee table | table | 1.3 | 0.75 | wood | brown | holds
desk/workbench/school desk | table | 1.2 | 0.76 | wood | tan | holds
counter/kitchen counter/countertop/kitchen island | counter | 1.6 | 0.92 | stone | white | holds
shelf/shelves/bookshelf/bookcase/mantel | shelf | 0.9 | 1.4 | wood | brown | holds
ramp/slope/incline/half pipe/halfpipe | ramp | 1.8 | 0.7 | wood | tan | holds
wall/brick wall/fence wall | wall | 0.25 | 2.2 | stone | red | -
rug/carpet/mat/yoga mat | rug | 1.4 | 0.02 | fabric | red | -
trampoline | trampoline | 1.4 | 0.55 | rubber | black | holds
basketball hoop/hoop/basket hoop/backboard/rim | hoop | 0.6 | 3.05 | metal | white | -
goal/soccer goal/goalpost/net | goal | 2.4 | 1.6 | metal | white | -
tree/palm tree/pine tree/oak tree | tree | 1.6 | 3.2 | wood | green | -
bench/park bench | bench | 1.5 | 0.45 | wood | brown | holds
bed | bench | 1.9 | 0.55 | fabric | blue | holds
sofa/couch | bench | 1.9 | 0.5 | fabric | teal | holds
box stage/platform/podium/pedestal | counter | 1.2 | 0.5 | wood | brown | holds
""")
# fmt: on
