"""Physics stage: pymunk rigid bodies plus procedurally animated characters.

Public API: `simulate(plan, spec, spoken=()) -> Simulation`, the skeletons `SKELETON` and
`QUADRUPED_SKELETON`, and the layout and material tables the renderer and foley share.
"""

from gen_engine.physics.layout import (
    GROUND_FRACTION,
    ObjectShape,
    object_shape,
    time_scale,
    visible_height,
    world_width,
)
from gen_engine.physics.materials import MATERIALS, ground_material, is_animal, is_water
from gen_engine.physics.simulate import simulate
from gen_engine.physics.skeleton import (
    FJOINT,
    FLYER_SKELETON,
    JOINT,
    QJOINT,
    QUADRUPED_SKELETON,
    SKELETON,
)

__all__ = [
    "FJOINT",
    "FLYER_SKELETON",
    "GROUND_FRACTION",
    "JOINT",
    "MATERIALS",
    "QJOINT",
    "QUADRUPED_SKELETON",
    "SKELETON",
    "ObjectShape",
    "ground_material",
    "is_animal",
    "is_water",
    "object_shape",
    "simulate",
    "time_scale",
    "visible_height",
    "world_width",
]
