"""Where things stand and how the world maps onto the frame.

The neutral camera sees `world_width` metres across the frame; the ground line (y = 0) sits at
GROUND_FRACTION of the frame height from the top, so the visible height above the ground is
GROUND_FRACTION * height / pixels_per_metre. The renderer uses the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from gen_engine.catalogue import FIGURES
from gen_engine.physics.materials import FLAT_OBJECTS, ROUND_OBJECTS
from gen_engine.types import GenerationSpec, ScenePlan, Subject

GROUND_FRACTION = 0.8
WORLD_WIDTH: dict[str, float] = {"9:16": 3.8, "16:9": 8.0, "1:1": 5.0}
SLOW_MOTION_FACTOR = 0.4  # physics seconds shown per clip second with the "slow motion" camera


def world_width(aspect: str) -> float:
    return WORLD_WIDTH.get(aspect, WORLD_WIDTH["9:16"])


def visible_height(spec: GenerationSpec) -> float:
    width, height = spec.size
    return GROUND_FRACTION * height * world_width(spec.aspect) / width


def camera_of(plan: ScenePlan, spec: GenerationSpec) -> str:
    return (spec.camera or plan.camera or "static").strip().lower()


def style_of(plan: ScenePlan, spec: GenerationSpec) -> str:
    return (spec.style or plan.style or "cinematic").strip().lower()


def time_scale(plan: ScenePlan, spec: GenerationSpec) -> float:
    """Physics seconds per clip second: slow motion stretches the physics over the clip."""
    return SLOW_MOTION_FACTOR if camera_of(plan, spec) == "slow motion" else 1.0


def slot_positions(count: int, width: float) -> list[float]:
    """Evenly spread x positions so every subject starts inside the frame."""
    if count <= 1:
        return [0.0] * count
    half = 0.3 * width
    return [-half + 2 * half * i / (count - 1) for i in range(count)]


@dataclass(frozen=True)
class ObjectShape:
    """The collision and drawing shape of an object or vehicle, in metres."""

    form: str  # "circle", "box" or "vehicle"
    width: float
    height: float


def object_shape(subject: Subject) -> ObjectShape:
    kind = subject.kind.strip().lower()
    size = max(subject.size, 0.05)
    if subject.category == "vehicle":
        return ObjectShape("vehicle", size, 0.42 * size)
    if subject.form in FIGURES:  # catalogue props and plain shapes: the figure's proportions
        across, tall = FIGURES[subject.form]
        round_ = subject.form in ("sphere", "ring")
        return ObjectShape("circle" if round_ else "box", across * size, tall * size)
    if kind in ROUND_OBJECTS or kind.endswith("ball"):
        return ObjectShape("circle", size, size)
    if kind in FLAT_OBJECTS:
        return ObjectShape("box", size, 0.08 * size)
    return ObjectShape("box", size, size)


def vehicle_wheel_radius(shape: ObjectShape) -> float:
    return 0.13 * shape.width


def vehicle_rest_height(shape: ObjectShape) -> float:
    """Centre height of a vehicle standing on its wheels (wheel hubs 0.4 radii below the body)."""
    return shape.height / 2 + 1.4 * vehicle_wheel_radius(shape)


SHARDS = 4
SHARD_MARK = "#"  # a shard's subject id: the broken subject's id, the mark, its number


def shard_subject(parent: Subject, number: int) -> Subject:
    """One piece of a broken subject (a shattered plate or glass): the physics simulates it
    and the renderer draws it with this shape and the parent's colour and material."""
    size = round(max(parent.size * 0.38, 0.03), 3)
    name = f"{parent.name} piece"
    return replace(parent, id=f"{parent.id}{SHARD_MARK}{number}", form="slab", size=size, name=name)


def shard_parent(subject_id: str) -> str | None:
    head, mark, _ = subject_id.partition(SHARD_MARK)
    return head if mark else None
