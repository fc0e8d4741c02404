"""Where the camera rests: moving in on a scene of small things.

The neutral camera shows a frame about four metres across, right for people, but a cup on a
shelf or a frog on a lily pad is then a few pixels wide. When nobody is in the scene, the camera
frames what happens instead: the box that every body sweeps over the clip (and the fixtures that
hold them) fills most of the frame, up to MOST_ZOOM, never showing anything outside the neutral
frame. People keep the neutral framing: their clips are composed around the whole figure.
"""

from __future__ import annotations

import numpy as np

from gen_engine.physics.fixtures import Solid
from gen_engine.physics.layout import GROUND_FRACTION, object_shape, shard_parent
from gen_engine.physics.rigid import OFF_STAGE
from gen_engine.physics.skeleton import SKELETON
from gen_engine.types import Framing, ScenePlan, Simulation

MOST_ZOOM = 3.0
LEAST_ZOOM = 1.3  # below this a move in is not worth the change of scale
FILL_WIDTH = 0.8  # of the frame the action may take across
FILL_HEIGHT = 0.5  # and up: a tall frame keeps room above and below


def neutral(world_width: float, aspect: float) -> Framing:
    """The frame every clip with people in it uses: the ground line at GROUND_FRACTION."""
    return Framing(1.0, 0.0, GROUND_FRACTION * world_width * aspect)


def frame_action(plan: ScenePlan, sim: Simulation, solids: list[Solid], aspect: float) -> Framing:
    """The resting frame for this clip; `aspect` is the frame's height over its width."""
    width = sim.world_width
    rest = neutral(width, aspect)
    box = _action_box(plan, sim, solids)
    if box is None:
        return rest
    x0, x1, y0, y1 = box
    height = width * aspect
    zoom = min(FILL_WIDTH * width / max(x1 - x0, 1e-3), FILL_HEIGHT * height / max(y1 - y0, 1e-3))
    zoom = min(zoom, MOST_ZOOM)
    if zoom < LEAST_ZOOM:
        return rest
    seen_w, seen_h = width / zoom, height / zoom
    # The neutral frame spans x in [-w/2, w/2] and y from rest.top down by the frame's height:
    # the closer frame is centred on the action but stays inside it.
    centre = float(np.clip((x0 + x1) / 2, -width / 2 + seen_w / 2, width / 2 - seen_w / 2))
    top = float(np.clip((y0 + y1) / 2 + seen_h / 2, rest.top - height + seen_h, rest.top))
    return Framing(zoom, centre, top)


def _action_box(
    plan: ScenePlan, sim: Simulation, solids: list[Solid]
) -> tuple[float, float, float, float] | None:
    """x0, x1, y0, y1 in metres of everything that moves or holds what moves, over the clip;
    None when a person is in the scene or nothing is."""
    subjects = {s.id: s for s in plan.subjects}
    xs: list[float] = []
    ys: list[float] = []
    for track in sim.tracks:
        if track.joints is not None:
            if track.joints.shape[1] == len(SKELETON):
                return None
            pts = track.joints.reshape(-1, 2)
            pad = 0.1
        else:
            subject = subjects.get(shard_parent(track.subject_id) or track.subject_id)
            if subject is None:
                continue
            shape = object_shape(subject)
            pts = track.position[track.position[:, 1] > OFF_STAGE[1] / 2]
            pad = max(shape.width, shape.height) / 2
        if len(pts) == 0:
            continue
        xs += [float(pts[:, 0].min()) - pad, float(pts[:, 0].max()) + pad]
        ys += [float(pts[:, 1].min()) - pad, float(pts[:, 1].max()) + pad]
    if not xs:
        return None
    for solid in solids:
        if solid.start is not None:  # it holds something: keep all of it in the picture
            points = np.array([p for poly in solid.polygons for p in poly])
            xs += [float(points[:, 0].min()), float(points[:, 0].max())]
            ys += [float(points[:, 1].min()), float(points[:, 1].max())]
    return min(xs), max(xs), min(ys), max(ys)
