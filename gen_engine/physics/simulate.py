"""plan + spec + spoken lines -> Simulation (per-frame BodyTracks and the Event timeline).

Time: frame k shows physics time k * time_scale / fps (time_scale < 1 for the slow-motion
camera); every Event.time is in clip seconds = physics time / time_scale, so picture, sound and
speech share one clock.

Contact frames: an event at clip time t is drawn on frame ceil(t * fps), the first frame at or
after the contact. On that frame the body that made contact is drawn at its pose at the contact
instant (not at the frame time, when a bouncing ball would already be up to one frame's travel
off the ground), so the frame showing the contact is never more than one frame late.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeAlias

import numpy as np

from gen_engine.physics.biped import THROW_RELEASE, Biped
from gen_engine.physics.fixtures import HOOP_RIM_HEIGHT, Solid, landing_surface, place_fixtures
from gen_engine.physics.flyer import Flyer, is_flyer
from gen_engine.physics.layout import (
    SHARD_MARK,
    SHARDS,
    object_shape,
    shard_parent,
    shard_subject,
    slot_positions,
    time_scale,
    vehicle_rest_height,
    visible_height,
    world_width,
)
from gen_engine.physics.materials import ground_material, is_animal, is_water
from gen_engine.physics.motion import MotionEvent
from gen_engine.physics.quadruped import Quadruped
from gen_engine.physics.rigid import WATER_DENSITY, Contact, RigidBody, run_world
from gen_engine.physics.skeleton import JOINT, FloatArray, fold
from gen_engine.types import (
    MOUTH_RATE,
    BodyTrack,
    Event,
    GenerationSpec,
    ScenePlan,
    Simulation,
    SpokenLine,
    Subject,
)

Animator: TypeAlias = Biped | Quadruped | Flyer
PathFn: TypeAlias = Callable[[FloatArray], tuple[FloatArray, FloatArray]]
FALL_ACTIONS = {"fall", "drop", "bounce", "fall down", "land"}
ROLL_ACTIONS = {"roll", "spin"}
SLIDE_ACTIONS = {"slide", "glide", "skid", "push"}
KICKABLE = {"kick", "kicked", "idle", "roll", "rest"}
THROWN_ACTIONS = {"throw", "thrown", "toss", "fly", "launch", "kick"}
DRIVE_ACTIONS = {"drive", "move", "race", "ride", "speed"}


def simulate(
    plan: ScenePlan, spec: GenerationSpec, spoken: Sequence[SpokenLine] = ()
) -> Simulation:
    fps = spec.fps
    frames = spec.frame_count
    scale = time_scale(plan, spec)
    frame_dt = scale / fps  # physics seconds per frame
    phys_duration = frames * frame_dt
    width = world_width(spec.aspect)
    ground = ground_material(plan.setting)
    water = is_water(plan.setting)
    rng = np.random.default_rng(plan.seed & 0xFFFFFFFF)
    slots = slot_positions(len(plan.subjects), width)
    band = (-0.42 * width, 0.42 * width)
    frame_times = np.arange(frames) * frame_dt

    animators: dict[str, Animator] = {}
    for subject, x0 in zip(plan.subjects, slots, strict=True):
        if subject.category != "character":
            continue
        action = subject.action.strip().lower()
        others = [x for s, x in zip(plan.subjects, slots, strict=True) if s.id != subject.id]
        target = others[0] if others else -x0 if x0 else 1.0
        phase = float(rng.uniform(0, 0.5))
        size = max(subject.size, 0.1)
        kind = subject.kind.strip().lower()
        if is_flyer(kind, subject.form):
            animators[subject.id] = Flyer(subject.id, kind, action, size, x0, band, ground, phase,
                                          phys_duration, target)  # fmt: skip
        else:
            cls = Quadruped if is_animal(kind) or subject.form == "quadruped" else Biped
            animators[subject.id] = cls(subject.id, action, size, x0, band, ground, phase,
                                        phys_duration, target)  # fmt: skip

    solids = place_fixtures(plan.fixtures, width)
    rides = _boards_ridden(plan, animators) if water else {}
    bodies = _rigid_bodies(plan, spec, slots, animators, band, solids, rides, frame_times)
    positions = np.zeros((0, frames, 2))
    angles = np.zeros((0, frames))
    contacts: list[Contact] = []
    broken: list[tuple[RigidBody, Contact]] = []
    if bodies:
        positions, angles, contacts = run_world(
            bodies, frame_dt, frames, ground, width / 2 - 0.02, solids
        )
        broken = _breaks(plan, bodies, contacts)
        if broken:  # again, with the pieces joining the world as the brittle thing leaves it
            for rb, contact in broken:
                bodies.extend(_shatter(plan, rb, contact, len(bodies)))
            positions, angles, contacts = run_world(
                bodies, frame_dt, frames, ground, width / 2 - 0.02, solids
            )

    _send_after_throws(bodies, positions, contacts, animators, band)

    def clip_frame(phys_time: float) -> int:
        return math.ceil(phys_time / frame_dt - 1e-9)

    def pan_of(x: float) -> float:
        return float(np.clip(x / (width / 2), -1.0, 1.0))

    for rb in bodies:  # a kicked ball's launch is a contact with the foot
        if rb.kicked_by and rb.release < phys_duration:
            contacts.append(Contact(rb.subject_id, rb.kicked_by, rb.release, 5.8, rb.material,
                                    rb.position, 0.0))  # fmt: skip
    contacts.sort(key=lambda c: c.time)
    events: list[Event] = []
    body_index = {rb.subject_id: i for i, rb in enumerate(bodies)}
    snapped: set[tuple[int, int]] = set()
    for c in contacts:
        frame = clip_frame(c.time)
        if frame >= frames:
            continue
        kind = "splash" if water and c.other == "ground" else "impact"
        events.append(
            Event(kind, c.time / scale, frame, c.subject, c.speed, c.material, c.other,
                  pan_of(c.position[0]))
        )  # fmt: skip
        key = (body_index[c.subject], frame)
        if key not in snapped:
            snapped.add(key)
            positions[key[0], frame] = c.position
            angles[key[0], frame] = c.angle

    for rb, hit in broken:  # the shatter, on top of the hit's own sound
        when, pan = hit.time, pan_of(hit.position[0])
        events.append(Event("break", when / scale, clip_frame(when), rb.subject_id, hit.speed,
                            rb.material, hit.other, pan))  # fmt: skip
    tracks: list[BodyTrack] = []
    mouths = _mouths(plan.subjects, spoken, frames, fps)
    for subject in plan.subjects:
        if subject.id in animators:
            anim = animators[subject.id]
            joints = anim.pose(frame_times)
            board = next((b for b, rider in rides.items() if rider is anim), None)
            if board is not None:
                joints = _ride_with(joints, positions[body_index[board]])
            moved = _motion_events(anim.events, subject, scale, clip_frame, pan_of,
                                   water and board is None, frames)  # fmt: skip
            if board is not None:  # a rider lands on its board, not on the water
                moved = [replace(e, other=board) if e.kind == "land" else e for e in moved]
            events += moved
            centre = joints[:, :2].mean(axis=1) if isinstance(anim, Quadruped) else joints[:, 0]
            angle = np.zeros(frames)
            if isinstance(anim, Biped):
                torso = joints[:, JOINT["neck"]] - joints[:, JOINT["pelvis"]]
                angle = np.arctan2(-torso[:, 0], torso[:, 1])
            tracks.append(BodyTrack(subject.id, centre.copy(), angle, joints, mouths[subject.id]))
        else:
            i = body_index[subject.id]
            tracks.append(
                BodyTrack(subject.id, positions[i].copy(), angles[i].copy(), None,
                          mouths[subject.id])
            )  # fmt: skip
    for rb in bodies:  # the pieces of what broke
        if shard_parent(rb.subject_id) is not None:
            i = body_index[rb.subject_id]
            tracks.append(BodyTrack(rb.subject_id, positions[i].copy(), angles[i].copy()))
    for line in spoken:
        frame = math.ceil(line.start * fps - 1e-9)
        x = next((float(t.position[min(frame, frames - 1), 0]) for t in tracks
                  if t.subject_id == line.speaker), 0.0)  # fmt: skip
        events.append(
            Event("speech", line.start, frame, line.speaker, material="voice", other="",
                  pan=pan_of(x), duration=line.duration, text=line.text)
        )  # fmt: skip
    events.sort(key=lambda e: (e.time, e.subject, e.kind))
    return Simulation(fps, frames, width, tuple(tracks), tuple(events))


def _motion_events(
    found: list[MotionEvent],
    subject: Subject,
    scale: float,
    clip_frame: object,
    pan_of: object,
    water: bool,
    frames: int,
) -> list[Event]:
    assert callable(clip_frame) and callable(pan_of)
    out = []
    for m in found:
        frame = clip_frame(m.time)
        if frame >= frames or m.time < 0:
            continue
        kind = m.kind
        material = m.material or subject.material
        if water and kind in ("footstep", "land"):
            kind, material = ("splash" if kind == "land" else kind), "water"
        out.append(
            Event(kind, m.time / scale, frame, subject.id, m.speed, material, "ground",
                  pan_of(m.x))
        )  # fmt: skip
    return out


def _mouths(
    subjects: Sequence[Subject], spoken: Sequence[SpokenLine], frames: int, fps: int
) -> dict[str, FloatArray | None]:
    """Mouth openness per frame from each line's MOUTH_RATE curve; silent mouths stay shut."""
    out: dict[str, FloatArray | None] = {}
    clip_times = np.arange(frames) / fps
    for s in subjects:
        if s.category != "character":
            out[s.id] = None
            continue
        mouth = np.zeros(frames)
        for line in spoken:
            if line.speaker != s.id or len(line.mouth) == 0:
                continue
            curve = np.asarray(line.mouth, dtype=np.float64)
            idx = (clip_times - line.start) * MOUTH_RATE
            inside = (idx >= 0) & (idx <= len(curve) - 1)
            values = np.interp(idx[inside], np.arange(len(curve)), curve)
            mouth[inside] = np.maximum(mouth[inside], values)
        out[s.id] = np.clip(mouth, 0.0, 1.0)
    return out


def _rigid_bodies(
    plan: ScenePlan,
    spec: GenerationSpec,
    slots: list[float],
    animators: dict[str, Animator],
    band: tuple[float, float],
    solids: list[Solid],
    rides: dict[str, Biped] | None = None,
    frame_times: FloatArray | None = None,
) -> list[RigidBody]:
    bodies: list[RigidBody] = []
    surface = landing_surface(solids)
    resting = 0
    drop = min(2.5, 0.55 * visible_height(spec))
    throwers = [a for a in animators.values() if isinstance(a, Biped)]
    thrower = next((a for a in throwers if a.action in ("throw", "toss", "pitch")), None)
    kicker = next((a for a in throwers if a.action == "kick"), None)
    for group, (subject, x0) in enumerate(zip(plan.subjects, slots, strict=True), start=1):
        if subject.category == "character":
            continue
        shape = object_shape(subject)
        action = subject.action.strip().lower()
        half_h = shape.height / 2
        toward = -1.0 if x0 > 0 else 1.0
        rb = RigidBody(subject.id, shape, subject.material, (x0, half_h), group=group)
        rider = (rides or {}).get(subject.id)
        if rider is not None and frame_times is not None:
            _ride_setup(rb, rider, frame_times)
        elif subject.category == "vehicle":
            rb.position = (x0, vehicle_rest_height(shape))
            if action in DRIVE_ACTIONS:
                speed = 6.0 if action == "race" else 3.0
                rb.path = _drive_path(x0, rb.position[1], speed, toward, band, shape.width)
        elif action in FALL_ACTIONS:
            rb.position = (x0, drop + half_h)
            rb.velocity = (0.6 * toward, 0.0) if action == "bounce" else (0.0, 0.0)
        elif action in ROLL_ACTIONS:
            rb.velocity = (1.5 * toward, 0.0)
            rb.spin = -1.5 * toward / max(half_h, 1e-3) if shape.form == "circle" else 0.0
        elif action in SLIDE_ACTIONS:
            rb.velocity = (3.0 * toward, 0.0)
        elif kicker is not None and action in KICKABLE:
            _kick_setup(rb, kicker)
        elif subject.form == "kite":
            rb.path = _kite_path(x0, 0.7 * visible_height(spec), band)
        elif subject.kind.strip().lower() == "balloon" or action in ("float", "hover"):
            rb.path = _float_path(x0, half_h + 0.6, 0.9 * visible_height(spec))
        elif action == "flip" and thrower is not None:
            _toss_setup(rb, thrower, group)
        elif action in THROWN_ACTIONS:
            _throw_setup(rb, thrower, group, toward, x0, _aim(solids))
        if surface is not None and rb.path is None and rb.release == 0 and action in SET_ON:
            _set_on(rb, surface, action, resting)
            if action in REST_ACTIONS and resting < 3:
                resting += 1  # things at rest line up along the shelf or table top
            else:
                surface = None  # one moving prop starts on the scenery; the rest stay put
        bodies.append(rb)
    # characters take part as kinematic colliders so objects can hit them
    if bodies:
        for group, subject in enumerate(plan.subjects, start=1):
            anim = animators.get(subject.id)
            if anim is None:
                continue
            if anim is thrower:
                group = next((b.group for b in bodies if b.held is not None), group)
            ridden = [board for board, rider in (rides or {}).items() if rider is anim]
            if ridden:  # a rider does not knock its own board: only its landings push it
                group = next(b.group for b in bodies if b.subject_id == ridden[0])
            h = anim.height
            form = object_shape(subject)
            collider = type(form)("box", 0.3 * h, 0.6 * h)
            rb = RigidBody(subject.id, collider, "flesh", (anim.x0, h / 2), group=group)
            rb.path = _character_path(anim)
            bodies.append(rb)
    return bodies


RIDDEN_DENSITY = 550.0
BOARDS = frozenset({"board", "paddleboard", "bodyboard", "surfboard", "raft", "pool float"})
RIDER_ACTIONS = frozenset({"flip", "jump", "idle", "dance", "ride", "wave", "talk", "sing", "sit"})


def _boards_ridden(plan: ScenePlan, animators: dict[str, Animator]) -> dict[str, Biped]:
    """On water, a person with a board stands on it: board id -> the person riding it."""
    boards = [s for s in plan.subjects if s.kind in BOARDS and s.category == "object"]
    riders = [a for a in animators.values() if isinstance(a, Biped) and a.action in RIDER_ACTIONS]
    rides = {board.id: rider for board, rider in zip(boards, riders, strict=False)}
    for rider in rides.values():
        rider.x0 = 0.0  # centre stage, where the board has room to float
    return rides


def _ride_setup(rb: RigidBody, rider: Biped, frame_times: FloatArray) -> None:
    """The board floats under the rider, who stands on its top as it floats at rest; each time
    the rider lands on it (after a jump or a backflip) the board is pushed down under the
    rider's feet, so it bobs and rocks."""
    w, h = rb.shape.width, rb.shape.height
    # The rider's weight rides with the board: simulated as a board of the two together's
    # density, it floats about half under, as a loaded paddleboard does, and bobs, not bounces.
    density = RIDDEN_DENSITY
    rb.density = density
    sunk = density / WATER_DENSITY  # the fraction under water at rest
    centre = h / 2 - sunk * h
    rb.position = (rider.x0, centre)
    rider.base = centre + h / 2
    rider.pose(frame_times)  # its landings
    mass = density * w * h * min(w, h)
    for event in rider.events:
        if event.kind == "land":
            along = min(max(event.x - rider.x0, -w / 2), w / 2) + 0.15 * w  # feet off centre
            rb.pushes.append((event.time, (0.0, -mass * 0.5), along))


FETCHERS = frozenset({"idle", "run", "chase", "fetch", "play", "wait"})
FETCH_REACTION = 0.25  # seconds after the throw before an animal sets off after it


def _send_after_throws(
    bodies: list[RigidBody],
    positions: FloatArray,
    contacts: list[Contact],
    animators: dict[str, Animator],
    band: tuple[float, float],
) -> None:
    """An animal that is not doing anything else runs after what is thrown (a frisbee thrown to
    a dog), to where it first comes down - or, still flying at the end, where it is then."""
    thrown = next((i for i, rb in enumerate(bodies) if rb.held is not None and rb.release > 0),
                  None)  # fmt: skip
    if thrown is None:
        return
    rb = bodies[thrown]
    down = next((c for c in contacts if c.subject == rb.subject_id), None)
    goal = down.position[0] if down is not None else float(positions[thrown, -1, 0])
    goal = float(np.clip(goal, band[0], band[1]))
    for anim in animators.values():
        if isinstance(anim, Quadruped) and anim.action in FETCHERS:
            anim.fetch = (rb.release + FETCH_REACTION, goal)


def _ride_with(joints: FloatArray, board: FloatArray) -> FloatArray:
    """A rider standing on a floating board goes up and down and sideways with it; in the air
    (a jump, a backflip) the rider's own flight holds, blended over the first few centimetres
    above the stance so takeoff and landing do not jump."""
    offset = board - board[0]  # (F, 2): the board's drift from where it floated at rest
    feet = joints[:, :, 1].min(axis=1)
    standing = np.clip(1.0 - (feet - feet.min()) / RIDER_BLEND, 0.0, 1.0)
    moved: FloatArray = joints + (offset * standing[:, None])[:, None, :]
    return moved


RIDER_BLEND = 0.05  # metres above the board over which a rider leaves its motion
BRITTLE = frozenset({"glass", "ceramic"})
BREAK_SPEED = 2.2  # m/s: a plate falling off a table (0.75 m, 3.8 m/s) breaks, one set down not


def _breaks(
    plan: ScenePlan, bodies: list[RigidBody], contacts: list[Contact]
) -> list[tuple[RigidBody, Contact]]:
    """Brittle objects that hit something hard enough: each breaks at its first such hit."""
    objects = {s.id for s in plan.subjects if s.category == "object"}
    by_id = {rb.subject_id: rb for rb in bodies}
    found: dict[str, tuple[RigidBody, Contact]] = {}
    for contact in contacts:
        rb = by_id.get(contact.subject)
        if (rb is not None and contact.subject in objects and rb.path is None
                and rb.material in BRITTLE and contact.speed >= BREAK_SPEED):  # fmt: skip
            found.setdefault(contact.subject, (rb, contact))
    return list(found.values())


def _shatter(plan: ScenePlan, rb: RigidBody, contact: Contact, group: int) -> list[RigidBody]:
    """The pieces: they leave from where it hit, spreading sideways and skipping up a little,
    and the whole thing leaves the world at that moment."""
    rb.until = contact.time
    parent = next(s for s in plan.subjects if s.id == rb.subject_id)
    x, y = contact.position
    pieces = []
    for k in range(SHARDS):
        side = (k - (SHARDS - 1) / 2) / SHARDS  # -0.375 .. 0.375
        shape = object_shape(shard_subject(parent, k))
        start = (x + side * rb.shape.width * 0.8, max(y, shape.height / 2 + 0.01))
        piece = RigidBody(f"{rb.subject_id}{SHARD_MARK}{k}", shape, rb.material, start,
                          velocity=(3.2 * side + 0.3 * rb.velocity[0], 1.2 + 2.0 * abs(side)),
                          spin=8.0 * side, release=contact.time, group=10_000 + group)  # fmt: skip
        pieces.append(piece)
    return pieces


REST_ACTIONS = frozenset({"idle", "sit", "rest", "stand"})
SET_ON = FALL_ACTIONS | ROLL_ACTIONS | SLIDE_ACTIONS | DRIVE_ACTIONS | REST_ACTIONS


def _set_on(rb: RigidBody, surface: Solid, action: str, place: int = 0) -> None:
    """Start on the scenery: a ball dropped onto the top step, a toy car rolling along a desk
    towards its edge, a plate at rest on a shelf."""
    sx, sy = surface.start or (0.0, 0.0)
    lift = rb.shape.height / 2
    if rb.shape.form == "vehicle":
        lift = vehicle_rest_height(rb.shape)
    direction = surface.start_direction
    rb.spin = 0.0
    if action in FALL_ACTIONS and surface.shape != "stairs":  # tips off its open edge
        edge = surface.extent[1] if direction > 0 else surface.extent[0]
        rb.position = (edge - direction * 0.3 * rb.shape.width, sy + lift + 0.005)
        rb.velocity = (0.8 * direction, 0.0)
    elif action in FALL_ACTIONS:  # dropped from above, landing on `start`, moving on
        speed, drop = surface.drop(rb.material)
        fall_time = math.sqrt(2 * drop / 9.81)
        rb.position = (sx - speed * direction * fall_time, sy + lift + drop)
        rb.velocity = (speed * direction, 0.0)
        if rb.shape.form == "circle":  # already turning as it rolls: friction keeps its speed
            rb.spin = -speed * direction / max(lift, 1e-3)
    elif action in ROLL_ACTIONS | DRIVE_ACTIONS | SLIDE_ACTIONS:
        speed = 2.6 if action in SLIDE_ACTIONS else 1.4  # a slide is a push: enough to go off
        rb.position = (sx, sy + lift + 0.005)
        rb.velocity = (speed * direction, 0.0)
        if rb.shape.form == "circle":
            rb.spin = -speed * direction / max(lift, 1e-3)
    else:  # at rest, side by side along the top
        x0, x1 = surface.extent
        rb.position = (min(sx + 0.25 * place * (x1 - x0), x1 - rb.shape.width), sy + lift + 0.005)
        rb.velocity = (0.0, 0.0)
    rb.path = None


def _kite_path(x0: float, height: float, band: tuple[float, float]) -> PathFn:
    """A kite on the wind: climbs to its height, then swoops side to side and dips."""

    def path(times: FloatArray) -> tuple[FloatArray, FloatArray]:
        climb = np.minimum(times / 2.5, 1.0)
        span = 0.35 * (band[1] - band[0])
        x = x0 * (1 - climb) + span * np.sin(0.7 * times) * climb
        y = 0.6 + (height - 0.6) * climb + 0.25 * np.sin(1.9 * times + 0.5)
        return np.stack([x, y], -1), 0.35 * np.sin(0.7 * times + 1.2)

    return path


def _kick_setup(rb: RigidBody, kicker: Biped) -> None:
    """The ball waits in front of the kicker and leaves when the foot swings through."""
    facing = 1.0 if kicker.target_x >= kicker.x0 else -1.0
    radius = rb.shape.width / 2
    rest = np.array([kicker.x0 + facing * 0.3 * kicker.height, radius])
    rb.position = (float(rest[0]), float(rest[1]))
    rb.velocity = (facing * 5.0, 3.0)
    rb.spin = -facing * 5.0 / max(radius, 0.02)
    rb.release = THROW_RELEASE
    rb.kicked_by = kicker.subject_id

    def held(times: FloatArray) -> FloatArray:
        return np.tile(rest, (len(times), 1))

    rb.held = held


def _float_path(x0: float, y0: float, top: float) -> PathFn:
    """A balloon: rises at 0.35 m/s, swaying, until it nears the top of the view."""

    def path(times: FloatArray) -> tuple[FloatArray, FloatArray]:
        y = np.minimum(y0 + 0.35 * times, max(top, y0))
        x = x0 + 0.15 * np.sin(0.8 * times)
        return np.stack([x, y], -1), 0.08 * np.sin(1.1 * times)

    return path


TOSS_HEIGHT = 0.55  # metres a pancake rises above the pan


def _toss_setup(rb: RigidBody, thrower: Biped, group: int) -> None:
    """A pancake tossed from the pan: it leaves the hand at the release, turns over once in
    the air and comes back down to where it left, into the hand (the pan), which then keeps
    it."""
    hand_at_release = thrower.pose(np.array([THROW_RELEASE]))[0, JOINT["r_hand"]]
    lift = rb.shape.height / 2
    x0, y0 = float(hand_at_release[0]), float(hand_at_release[1]) + lift
    up = math.sqrt(2 * 9.81 * TOSS_HEIGHT)
    flight = 2 * up / 9.81
    hand_of = thrower

    def path(times: FloatArray) -> tuple[FloatArray, FloatArray]:
        held = hand_of.pose(times)[:, JOINT["r_hand"]] + np.array([0.0, lift])
        t = times - THROW_RELEASE
        flying = (t >= 0) & (t <= flight)
        after = t > flight
        centre = held.copy()  # in the hand before the toss, and again once caught
        centre[flying, 0] = x0
        centre[flying, 1] = y0 + up * t[flying] - 0.5 * 9.81 * t[flying] ** 2
        angle = np.where(flying, -2 * np.pi * np.clip(t / flight, 0, 1), 0.0)
        angle[after] = -2 * np.pi
        return centre, angle

    rb.path = path
    rb.group = group


def _aim(solids: list[Solid]) -> tuple[float, float] | None:
    """Where a throw goes when the scene has a hoop: a bank shot, the backboard a little above
    the rim (the board's face, so the ball rebounds off it)."""
    hoop = next((s for s in solids if s.shape == "hoop"), None)
    if hoop is None:
        return None
    board = hoop.polygons[1]
    face_x = min(x for x, _ in board)
    return face_x, HOOP_RIM_HEIGHT + 0.35


def _throw_setup(
    rb: RigidBody,
    thrower: Biped | None,
    group: int,
    toward: float,
    x0: float,
    aim: tuple[float, float] | None = None,
) -> None:
    if thrower is None:
        rb.position = (x0 - toward * 0.5, 1.2)
        rb.velocity = (toward * 3.0, 4.0)
        return
    t_release = np.array([THROW_RELEASE])
    hand = thrower.pose(t_release)[0, JOINT["r_hand"]]
    facing = 1.0 if thrower.target_x >= thrower.x0 else -1.0
    lift = rb.shape.height / 2
    rb.position = (float(hand[0]), float(hand[1]) + lift)
    rb.velocity = (facing * 3.2, 4.0)
    if aim is not None:  # a ballistic arc that meets the aim point after `flight` seconds
        dx = aim[0] - rb.shape.width / 2 - rb.position[0]
        dy = aim[1] - rb.position[1]
        flight = max(0.6, min(1.2, abs(dx) / 3.0))
        rb.velocity = (dx / flight, (dy + 0.5 * 9.81 * flight * flight) / flight)
    rb.spin = -facing * 3.0
    rb.release = THROW_RELEASE
    rb.group = group

    hand_of: Biped = thrower

    def held(times: FloatArray) -> FloatArray:
        out: FloatArray = hand_of.pose(times)[:, JOINT["r_hand"]] + np.array([0.0, lift])
        return out

    rb.held = held


def _drive_path(
    x0: float, y: float, speed: float, toward: float, band: tuple[float, float], length: float
) -> PathFn:
    low, high = band[0] + length / 2, band[1] - length / 2
    start = x0 - low if toward > 0 else 2 * (high - low) - (x0 - low)

    def path(times: FloatArray) -> tuple[FloatArray, FloatArray]:
        x, _ = fold(start + speed * times, low, high)
        return np.stack([x, np.full_like(x, y)], -1), np.zeros_like(x)

    return path


def _character_path(anim: Animator) -> PathFn:
    def path(times: FloatArray) -> tuple[FloatArray, FloatArray]:
        joints = anim.pose(times)
        if isinstance(anim, Biped):
            low, high = joints[:, JOINT["pelvis"]], joints[:, JOINT["neck"]]
        else:
            low, high = joints[:, 0], joints[:, 1]
        d = high - low
        centre = (low + high) / 2
        angle = np.arctan2(d[:, 1], d[:, 0]) - np.pi / 2 if isinstance(anim, Biped) else (
            np.arctan2(d[:, 1], d[:, 0]))  # fmt: skip
        return centre, angle

    return path
