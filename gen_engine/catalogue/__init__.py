"""What each drawable noun is: one table the director, the physics and the renderer share.

A prop or creature (`Thing`) has a parametric figure (`FIGURES`), a size, a material and a
palette; a fixture (`FixtureKind`) is static scene geometry bodies collide with (stairs, tables,
shelves, ramps, hoops); a place (`Place`) is a setting with its ground and the recipe its
background is painted from. The director turns these rows into vocabulary terms, so a noun
added here is understood, simulated and drawn with no other change.
"""

from __future__ import annotations

from functools import cache

from gen_engine.catalogue.fixtures import FIXTURES, FixtureKind
from gen_engine.catalogue.places import PLACES, Place
from gen_engine.catalogue.things import (
    CHARACTER_FIGURES,
    FIGURES,
    OBJECT_FIGURES,
    THINGS,
    VEHICLE_FIGURES,
    Thing,
)

__all__ = [
    "CHARACTER_FIGURES",
    "FIGURES",
    "FIXTURES",
    "OBJECT_FIGURES",
    "PLACES",
    "THINGS",
    "VEHICLE_FIGURES",
    "FixtureKind",
    "Place",
    "Thing",
    "fixture_kind",
    "place",
    "thing",
]


@cache
def _things() -> dict[str, Thing]:
    return {t.name: t for t in THINGS}


@cache
def _fixtures() -> dict[str, FixtureKind]:
    return {f.name: f for f in FIXTURES}


@cache
def _places() -> dict[str, Place]:
    """Names first, then synonyms, so an old plan's "pool" or "city" still finds its place."""
    by_synonym = {synonym: p for p in reversed(PLACES) for synonym in p.synonyms}
    return {**by_synonym, **{p.name: p for p in PLACES}}


def thing(kind: str) -> Thing | None:
    """The catalogue row for a subject kind, or None for the hand-built kinds (person, dog...)."""
    return _things().get(kind.strip().lower())


def fixture_kind(name: str) -> FixtureKind | None:
    return _fixtures().get(name.strip().lower())


def place(name: str) -> Place | None:
    return _places().get(name.strip().lower())
