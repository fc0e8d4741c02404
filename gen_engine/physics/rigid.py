"""The rigid-body world: pymunk bodies for objects, vehicles and character colliders.

Stepping: the world advances in fixed sub-steps of about 1 ms of physics time, an exact divisor
of the frame interval, so frame k is sampled after exactly k * substeps steps.

Contacts: a pymunk `begin` handler fires in the sub-step during which two shapes start touching.
Chipmunk integrates positions before it detects collisions, so at that moment the shapes
already overlap by `depth`; the contact instant is the end of the sub-step minus
depth / approach speed (clamped into the sub-step), accurate to well under a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pymunk

from gen_engine.physics.fixtures import Solid
from gen_engine.physics.layout import ObjectShape, vehicle_wheel_radius
from gen_engine.physics.materials import material_of
from gen_engine.physics.skeleton import FloatArray

MIN_IMPACT_SPEED = 0.3  # m/s; slower touches (a ball settling) make no sound
WATER_DENSITY = 1000.0
LAKE_BED = -4.0  # with water for ground, the surface is y = 0 and the bed is this deep
SPLASH_SPEED = 0.5  # m/s down through the surface to be heard
FLOAT_SAMPLES = 7  # points along a box's underside where buoyancy pushes (so it rocks)
OFF_STAGE = (0.0, -1000.0)  # where a body that is not in the world (yet, or any more) is drawn
SUBSTEP_TARGET = 1 / 480  # seconds of physics time
MAX_SPEED = 25.0  # m/s
REPEAT_GAP = 0.08  # s; a pair touching again sooner is the same rattle, not a new hit


@dataclass
class Contact:
    subject: str
    other: str
    time: float  # physics seconds
    speed: float
    material: str
    position: tuple[float, float]  # body centre at the contact instant
    angle: float


@dataclass
class RigidBody:
    """One simulated thing and how it moves before and during the simulation."""

    subject_id: str
    shape: ObjectShape
    material: str
    position: tuple[float, float]
    velocity: tuple[float, float] = (0.0, 0.0)
    spin: float = 0.0
    release: float = 0.0  # physics time it joins the world (a thrown object leaves the hand)
    held: Callable[[FloatArray], FloatArray] | None = None  # (N,) times -> (N, 2) before release
    group: int = 0  # bodies of one group never collide (a thrower and what it throws)
    kicked_by: str = ""  # the character whose foot launches it at `release`
    # (time, impulse (x, y) N*s, where along the body from its centre, metres): a push it gets
    # at that moment, e.g. a rider landing on a board
    pushes: list[tuple[float, tuple[float, float], float]] = field(default_factory=list)
    density: float | None = None  # kg/m^3 instead of the material's (a board with its rider)
    until: float = math.inf  # physics time it leaves the world (a plate that shatters)
    # kinematic bodies follow a path instead of forces: times -> (N, 2) centres and (N,) angles
    path: Callable[[FloatArray], tuple[FloatArray, FloatArray]] | None = None
    body: pymunk.Body | None = field(default=None, repr=False)


def _make_body(rb: RigidBody) -> tuple[pymunk.Body, list[pymunk.Shape]]:
    mat = material_of(rb.material)
    if rb.density is not None:
        mat = replace(mat, density=rb.density)
    w, h = rb.shape.width, rb.shape.height
    if rb.path is not None:
        body = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
    elif rb.shape.form == "circle":
        r = w / 2
        mass = mat.density * 4 / 3 * math.pi * r**3
        body = pymunk.Body(mass, pymunk.moment_for_circle(mass, 0, r))
    else:
        mass = mat.density * w * h * min(w, h)
        body = pymunk.Body(mass, pymunk.moment_for_box(mass, (w, h)))
    shapes: list[pymunk.Shape] = []
    if rb.shape.form == "circle":
        shapes.append(pymunk.Circle(body, w / 2))
    elif rb.shape.form == "vehicle":
        wheel = vehicle_wheel_radius(rb.shape)
        shapes.append(pymunk.Poly.create_box(body, (w, h)))
        for side in (-1, 1):
            offset = (side * 0.32 * w, -h / 2 - 0.4 * wheel)
            shapes.append(pymunk.Circle(body, wheel, offset))
    else:
        shapes.append(pymunk.Poly.create_box(body, (w, h), radius=min(w, h) * 0.02))
    for s in shapes:
        s.elasticity = mat.restitution
        s.friction = mat.friction
        s.filter = pymunk.ShapeFilter(group=rb.group)
    if rb.shape.form == "vehicle":  # the wheels turn freely: only rolling resistance holds it
        for tyre in shapes[1:]:
            tyre.friction = 0.03
    body.position = rb.position
    body.velocity = rb.velocity
    body.angular_velocity = rb.spin
    return body, shapes


def _buoyancy(body: pymunk.Body, shape: ObjectShape, dt: float) -> bool:
    """Push a body up by the water it displaces (y < 0 is under water), at points along its
    underside so a board that is pushed down on one end rocks back; water drag slows it.
    True when any of it is under the surface."""
    w, h = shape.width, shape.height
    if shape.form == "circle":
        r = w / 2
        volume = 4 / 3 * math.pi * r**3
        fraction = min(max((r - body.position.y) / (2 * r), 0.0), 1.0)
        body.apply_force_at_world_point((0.0, WATER_DENSITY * 9.81 * volume * fraction),
                                        body.position)  # fmt: skip
    else:
        volume = w * h * min(w, h)
        fraction = 0.0
        for i in range(FLOAT_SAMPLES):
            local = (-w / 2 + w * (i + 0.5) / FLOAT_SAMPLES, -h / 2)
            point = body.local_to_world(local)
            depth = min(max(-point.y / h, 0.0), 1.0)
            fraction += depth / FLOAT_SAMPLES
            lift = WATER_DENSITY * 9.81 * volume / FLOAT_SAMPLES * depth
            body.apply_force_at_world_point((0.0, lift), point)
    if fraction > 0:
        body.velocity = body.velocity * max(0.0, 1.0 - 2.5 * fraction * dt)
        body.angular_velocity *= max(0.0, 1.0 - 2.0 * fraction * dt)
    return fraction > 0


def run_world(
    bodies: list[RigidBody],
    frame_dt: float,
    frame_count: int,
    ground: str,
    wall_x: float,
    solids: Sequence[Solid] = (),
) -> tuple[FloatArray, FloatArray, list[Contact]]:
    """Simulate; returns positions (B, F, 2), angles (B, F) sampled at frame times, contacts."""
    substeps = max(4, math.ceil(frame_dt / SUBSTEP_TARGET))
    dt = frame_dt / substeps
    space = pymunk.Space()
    space.gravity = (0.0, -9.81)
    space.iterations = 20
    space.collision_slop = 0.0005
    ground_mat = material_of(ground)
    water = ground == "water"
    bed = LAKE_BED if water else 0.0
    floor = pymunk.Poly(
        space.static_body, [(-200, bed - 2), (200, bed - 2), (200, bed), (-200, bed)]
    )
    walls = [pymunk.Segment(space.static_body, (x, 0), (x, 60), 0.01) for x in (-wall_x, wall_x)]
    labels: dict[pymunk.Shape, tuple[str, str]] = {floor: ("ground", ground)}
    for s in (floor, *walls):
        s.elasticity = ground_mat.restitution
        s.friction = ground_mat.friction
    for w in walls:
        labels[w] = ("wall", ground)
    space.add(floor, *walls)
    for solid in solids:  # the scenery: stairs, desks, shelves, hoops
        pieces: list[pymunk.Shape] = [pymunk.Poly(space.static_body, list(poly))
                                      for poly in solid.polygons]  # fmt: skip
        pieces += [pymunk.Circle(space.static_body, r, (x, y)) for x, y, r in solid.circles]
        for piece in pieces:
            piece.elasticity = solid.restitution
            piece.friction = solid.friction
            labels[piece] = (solid.name, solid.material)
        space.add(*pieces)
    owner: dict[pymunk.Body, RigidBody] = {}
    pending: list[tuple[RigidBody, list[pymunk.Shape]]] = []
    for rb in bodies:
        body, shapes = _make_body(rb)
        rb.body = body
        owner[body] = rb
        for s in shapes:
            labels[s] = (rb.subject_id, rb.material)
        pending.append((rb, shapes))

    contacts: list[Contact] = []
    clock = {"end": 0.0}
    last_hit: dict[tuple[int, int], float] = {}

    def begin(arbiter: pymunk.Arbiter, _space: pymunk.Space, _data: object) -> None:
        shape_a, shape_b = arbiter.shapes
        body_a, body_b = shape_a.body, shape_b.body
        if body_a is None or body_b is None:
            return
        points = arbiter.contact_point_set
        if not points.points:
            return
        point = points.points[0].point_a
        rel = body_a.velocity_at_world_point(point) - body_b.velocity_at_world_point(point)
        speed = abs(rel.dot(points.normal))
        if speed < MIN_IMPACT_SPEED:
            return
        depth = max(0.0, -min(p.distance for p in points.points))
        back = min(depth / speed, dt)
        when = clock["end"] - back
        pair = (id(shape_a.body), id(shape_b.body))
        if when - last_hit.get(pair, -1.0) < REPEAT_GAP:
            last_hit[pair] = when
            return
        last_hit[pair] = when
        for mine, theirs in ((shape_a, shape_b), (shape_b, shape_a)):
            body, other = mine.body, theirs.body
            if body is None or other is None or body.body_type != pymunk.Body.DYNAMIC:
                continue
            where = body.position - body.velocity * back
            contacts.append(
                Contact(labels[mine][0], labels[theirs][0], when, speed, labels[mine][1],
                        (where.x, where.y), body.angle - body.angular_velocity * back)
            )  # fmt: skip
            if other.body_type == pymunk.Body.DYNAMIC:
                break  # two moving things: one event, told by the first

    space.on_collision(begin=begin)
    total = frame_count * substeps
    times = np.arange(total + 1) * dt
    paths = {
        id(rb): rb.path(times) for rb in bodies if rb.path is not None
    }  # centres and angles at every sub-step
    positions = np.zeros((len(bodies), frame_count, 2))
    angles = np.zeros((len(bodies), frame_count))
    added = [False] * len(bodies)
    kinematic = [(rb, paths[id(rb)]) for rb in bodies if rb.path is not None]
    pushes = sorted(
        ((t, rb, impulse, along) for rb in bodies for t, impulse, along in rb.pushes),
        key=lambda push: push[0],  # by time only: two bodies pushed at once do not compare
    )
    below: dict[int, bool] = {}
    last_splash: dict[int, float] = {}
    for step in range(total + 1):
        now = step * dt
        while pushes and pushes[0][0] <= now:
            _, rb, impulse, along = pushes.pop(0)
            if rb.body is not None and rb.body.space is not None:
                rb.body.apply_impulse_at_local_point(impulse, (along, 0.0))
        if water:
            for rb in bodies:
                floating = rb.body
                if (
                    floating is None
                    or floating.space is None
                    or (floating.body_type != pymunk.Body.DYNAMIC)
                ):
                    continue
                sunk = _buoyancy(floating, rb.shape, dt)
                key = id(floating)
                falling = -floating.velocity.y
                entering = sunk and not below.get(key, False) and falling > SPLASH_SPEED
                if entering and now - last_splash.get(key, -1.0) > 0.3:
                    last_splash[key] = now
                    where = (floating.position.x, floating.position.y)
                    contacts.append(Contact(rb.subject_id, "ground", now, falling, rb.material,
                                            where, floating.angle))  # fmt: skip
                below[key] = sunk
        if step % substeps == 0:
            frame = step // substeps
            for i, (rb, shapes) in enumerate(pending):
                if not added[i] and now >= rb.release - 1e-12 and now < rb.until:
                    assert rb.body is not None
                    space.add(rb.body, *shapes)
                    added[i] = True
                elif added[i] and now >= rb.until and rb.body is not None and rb.body.space:
                    space.remove(rb.body, *shapes)
            # kinematic bodies get a new velocity once a frame and glide between keyframes
            nxt = min(step + substeps, total)
            for rb, (centre, angle) in kinematic:
                assert rb.body is not None
                rb.body.position = tuple(centre[step])
                rb.body.angle = float(angle[step])
                span = max(nxt - step, 1) * dt
                rb.body.velocity = tuple((centre[nxt] - centre[step]) / span)
                rb.body.angular_velocity = float((angle[nxt] - angle[step]) / span)
            if frame < frame_count:
                for i, rb in enumerate(bodies):
                    assert rb.body is not None
                    positions[i, frame] = tuple(rb.body.position)
                    angles[i, frame] = rb.body.angle
                    if rb.body.body_type == pymunk.Body.DYNAMIC:
                        speed = rb.body.velocity.length
                        if speed > MAX_SPEED:  # a body pinched by a kinematic one
                            rb.body.velocity = rb.body.velocity * (MAX_SPEED / speed)
        if step < total:
            clock["end"] = now + dt
            space.step(dt)
    frame_times = np.arange(frame_count) * frame_dt
    for i, rb in enumerate(bodies):
        gone = (frame_times >= rb.until) | (frame_times < rb.release - 1e-12)
        if rb.held is None and (rb.until < math.inf or rb.release > 0):
            positions[i, gone] = OFF_STAGE  # not in the world then: drawn nowhere
        if rb.held is not None and rb.release > 0:
            before = frame_times < rb.release - 1e-12
            if before.any():
                positions[i, before] = rb.held(frame_times[before])
    return positions, angles, contacts
