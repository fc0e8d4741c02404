"""Procedural animation of people (SKELETON): gaits with planted feet, jumps, flips, falls..."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gen_engine.physics import skeleton as sk
from gen_engine.physics.motion import (
    G,
    Gait,
    MotionEvent,
    ballistic_cycle,
    gait_foot,
    plant_events,
)
from gen_engine.physics.skeleton import FloatArray, fold, limb_dir, smoothstep, two_bone_ik

WALK = Gait(speed=1.1, frequency=0.95, duty=0.56, lift=0.08)
RUN = Gait(speed=2.8, frequency=1.35, duty=0.36, lift=0.2)
GAIT_ACTIONS = {"walk": WALK, "stroll": WALK, "march": WALK, "run": RUN, "jog": RUN,
                "sprint": RUN, "chase": RUN}  # fmt: skip
FRONT_ACTIONS = {"idle", "stand", "talk", "speak", "sing", "wave", "dance", "jump", "hop",
                 "laugh", "cheer", "clap", "sit"}  # fmt: skip
THROW_RELEASE = 1.0  # physics seconds


@dataclass
class Pose:
    """Per-time pose parameters; `assemble` turns them into joint positions."""

    n: int
    pelvis: FloatArray
    facing: FloatArray
    front: float
    feet: tuple[FloatArray, FloatArray]
    arms: tuple[tuple[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]
    lean: FloatArray | None = None
    nod: FloatArray | None = None
    spin: FloatArray | None = None  # body rotation about the pelvis, radians


@dataclass
class Biped:
    subject_id: str
    action: str
    height: float
    x0: float
    band: tuple[float, float]
    ground: str
    phase: float  # per-character offset so two walkers are not in lockstep
    duration: float  # physics seconds
    target_x: float = 0.0  # where a throw goes
    events: list[MotionEvent] = field(default_factory=list)
    base: float = 0.0  # height of what it stands on (a board on the water), metres

    def pose(self, t: FloatArray) -> FloatArray:
        """Joint positions (N, J, 2) at physics times t, standing on `base`."""
        joints = self._pose(t)
        if self.base:
            joints = joints.copy()
            joints[..., 1] += self.base
        return joints

    def _gait(self) -> Gait:
        g = GAIT_ACTIONS[self.action]
        scale = self.height / 1.7
        return Gait(g.speed * scale, g.frequency, g.duty, g.lift * self.height)

    def _pose(self, t: FloatArray) -> FloatArray:
        """Joint positions (N, J, 2) at physics times t, on the ground."""
        self.events = []  # recomputed on every call; callers read them after the frame pass
        h = self.height
        n = len(t)
        a = self.action
        ones = np.ones(n)
        hang = (0.08 * ones, 0.1 * ones)
        stand_y = sk.HIP_HEIGHT * h
        foot_y = sk.ANKLE_HEIGHT * h
        facing0 = 1.0 if self.target_x >= self.x0 else -1.0
        if a in ("swim", "fly"):  # a walking stride turned horizontal, off the ground
            self.action = "walk"
            try:
                joints = self._pose(t)
            finally:
                self.action = a
            self.events = []
            pelvis = joints[:, sk.JOINT["pelvis"]].copy()
            facing = np.sign(joints[:, sk.JOINT["r_toe"], 0]
                             - joints[:, sk.JOINT["r_foot"], 0])  # fmt: skip
            joints = sk.rotate_about(joints, pelvis, -facing * 1.35)
            rise = (1.0 if a == "swim" else 2.2) * h / 1.7 + 0.08 * h * np.sin(2 * np.pi * 0.6 * t)
            joints[..., 1] += (rise - pelvis[:, 1])[:, None]
            return joints
        if a in ("spin", "ride"):
            self.action = "dance" if a == "spin" else "sit"
            try:
                return self._pose(t)
            finally:
                self.action = a
        if a in GAIT_ACTIONS:
            gait = self._gait()
            low, high = self.band
            start = self.x0 - low if facing0 > 0 else 2 * (high - low) - (self.x0 - low)

            def path_x(s: FloatArray) -> FloatArray:
                return fold(start + s, low, high)[0]

            x, direction = fold(start + gait.speed * t, low, high)
            period = 1 / gait.frequency
            wave = np.cos(4 * np.pi * (t / period + self.phase))
            dip = 0.02 * h if a in ("walk", "stroll", "march") else -0.03 * h
            pelvis_y = (
                stand_y
                - (0.025 if a in ("run", "jog", "sprint", "chase") else 0.01) * h
                + dip * wave
            )
            feet: list[FloatArray] = []
            for offset in (self.phase, self.phase + 0.5):
                fx, lift, plants = gait_foot(t, gait, offset, path_x)
                feet.append(np.stack([fx, foot_y + lift], -1))
                reach = gait.speed * gait.duty / gait.frequency / 2

                def plant_x(p: float, reach: float = reach) -> float:
                    return float(path_x(np.array([gait.speed * p + reach]))[0])

                self.events += plant_events(plants, self.duration, plant_x, self.ground, gait.speed)
            swing = np.sin(2 * np.pi * (t / period + self.phase))
            amp, flex = (0.35, 0.35) if gait.speed < 2 * self.height / 1.7 else (0.8, 1.4)
            return self.assemble(
                Pose(n, np.stack([x, pelvis_y], -1), direction, 0.0, (feet[0], feet[1]),
                     ((amp * swing, flex * ones), (-amp * swing, flex * ones)),
                     lean=(0.02 if amp < 0.5 else 0.07) * h * direction))  # fmt: skip
        upright = (sk.ANKLE_HEIGHT + 0.985 * (sk.THIGH + sk.SHIN)) * h  # knees almost straight
        pelvis = np.stack([self.x0 * ones, upright * ones], -1)
        feet_front = (
            np.stack([(self.x0 - 0.07 * h) * ones, foot_y * ones], -1),
            np.stack([(self.x0 + 0.07 * h) * ones, foot_y * ones], -1),
        )
        breath = 0.004 * h * np.sin(2 * np.pi * 0.25 * t + self.phase * 6)
        facing = facing0 * ones
        if a in ("jump", "hop", "flip", "backflip", "somersault"):
            flip = a not in ("jump", "hop")
            height = (0.9 if flip else 0.45) * h / 1.7
            period = 2.4 if flip else 1.6
            start = 0.5 + self.phase
            lift, depth, progress, landings, v0 = ballistic_cycle(t, start, period, height, 0.1 * h)
            self.events += [
                MotionEvent("land", tl, self.x0, v0, self.ground)
                for tl in landings
                if tl < self.duration
            ]
            if flip:
                self.events += [
                    MotionEvent("whoosh", tl - 0.7 * 2 * v0 / G, self.x0, v0)
                    for tl in landings
                    if tl < self.duration
                ]
            pelvis = pelvis + np.stack([0 * ones, lift - depth], -1)
            tuck = np.sin(np.pi * progress) * (0.18 * h if flip else 0.06 * h)
            feet_front = (
                feet_front[0] + np.stack([0 * ones, lift + tuck], -1),
                feet_front[1] + np.stack([0 * ones, lift + tuck], -1),
            )
            up = 2.6 * np.sin(np.pi * progress) + 0.6 * depth / (0.1 * h)
            spin = -facing0 * 2 * np.pi * smoothstep(progress * 1.15 - 0.05) if flip else None
            if flip:  # profile view: both feet under the body
                feet_front = (feet_front[0] + [0.07 * h, 0], feet_front[1] - [0.07 * h, 0])
            return self.assemble(
                Pose(n, pelvis, facing, 0.0 if flip else 1.0, feet_front,
                     ((up, 0.3 * ones), (up, 0.3 * ones)), spin=spin))  # fmt: skip
        if a in ("fall", "trip", "slip", "collapse", "faint"):
            return self._fall(t, pelvis, feet_front, facing0)
        if a in ("throw", "toss", "pitch"):
            return self._throw(t, pelvis, facing0)
        if a == "kick":
            return self._kick(t, pelvis, facing0)
        if a == "dance":
            beat = 2 * np.pi * 2.0 * t  # 120 bpm
            bob = 0.03 * h * np.abs(np.sin(beat / 2))
            sway = 0.05 * h * np.sin(beat / 4)
            pelvis = pelvis + np.stack([sway, -bob], -1)
            lift_l = 0.06 * h * np.clip(np.sin(beat / 2), 0, None)
            lift_r = 0.06 * h * np.clip(-np.sin(beat / 2), 0, None)
            beats = np.arange(1, int(self.duration * 2) + 1) / 2.0
            self.events += [
                MotionEvent("footstep", float(b), self.x0, 0.8, self.ground) for b in beats
            ]
            stepping = (
                feet_front[0] + np.stack([sway, lift_l], -1),
                feet_front[1] + np.stack([sway, lift_r], -1),
            )
            arm = 1.6 + 0.9 * np.sin(beat / 2)
            return self.assemble(
                Pose(n, pelvis, facing, 1.0, stepping, ((arm, 0.6 * ones), (3.2 - arm, 0.6 * ones)),
                     nod=0.01 * h * np.sin(beat)))  # fmt: skip
        if a == "wave":
            waving = (2.7 * ones, 0.5 + 0.4 * np.sin(2 * np.pi * 1.6 * t))
            return self.assemble(
                Pose(n, pelvis + np.stack([0 * ones, breath], -1), facing, 1.0, feet_front,
                     (hang, waving)))  # fmt: skip
        if a == "sit":
            seat = np.stack([self.x0 * ones, 0.28 * h * ones], -1)
            return self.assemble(Pose(n, seat, facing, 1.0, feet_front, (hang, hang)))
        if a in ("talk", "speak", "sing", "laugh"):
            gesture = (0.35 + 0.2 * np.sin(2 * np.pi * 0.7 * t), 1.2 + 0.3 * np.sin(4.1 * t))
            return self.assemble(
                Pose(n, pelvis + np.stack([0 * ones, breath], -1), facing, 1.0, feet_front,
                     (hang, gesture), nod=0.006 * h * np.sin(2 * np.pi * 1.3 * t)))  # fmt: skip
        return self.assemble(
            Pose(n, pelvis + np.stack([0 * ones, breath], -1), facing, 1.0, feet_front,
                 (hang, hang)))  # fmt: skip

    def _fall(
        self, t: FloatArray, pelvis: FloatArray, feet: tuple[FloatArray, FloatArray], facing: float
    ) -> FloatArray:
        """Stand, then topple forward like a rigid rod pivoting on the feet, and lie still."""
        h = self.height
        start = min(1.0, 0.2 * self.duration)
        dt = 1 / 1000
        theta, omega, clock = 0.05, 0.0, 0.0
        while theta < np.pi / 2:  # rod about its end: theta'' = 3g / (2L) sin(theta)
            omega += 1.5 * G / h * np.sin(theta) * dt
            theta += omega * dt
            clock += dt
        hit = start + clock
        speed = omega * 0.6 * h
        self.events.append(MotionEvent("land", hit, self.x0 + facing * 0.6 * h, speed, "flesh"))
        times = np.linspace(0.0, clock, 200)
        angles = 0.05 * np.cosh(np.sqrt(1.5 * G / h) * times)  # small-angle shape, rescaled
        angles = angles / angles[-1] * (np.pi / 2 - 0.12)
        tilt = np.interp(t - start, times, angles, left=0.0, right=np.pi / 2 - 0.12)
        n = len(t)
        ones = np.ones(n)
        side_feet = (feet[0] * [1, 1] + [0.07 * h, 0], feet[1] - [0.07 * h, 0])
        arms = (tilt * 1.6, 0.3 * ones)
        joints = self.assemble(Pose(n, pelvis, facing * ones, 0.0, side_feet, (arms, arms)))
        pivot = np.stack([self.x0 * ones, 0 * ones], -1)
        joints = sk.rotate_about(joints, pivot, -facing * tilt)
        lowest = joints[..., 1].min(axis=1)
        joints[..., 1] -= np.minimum(lowest - 0.02 * h, 0.0)[:, None]
        return joints

    def _throw(self, t: FloatArray, pelvis: FloatArray, facing: float) -> FloatArray:
        h = self.height
        n = len(t)
        ones = np.ones(n)
        rel = t - THROW_RELEASE
        keys_t = [-10, -0.6, -0.15, 0.0, 0.4, 1.0, 100]
        keys_arm = [0.1, 0.1, -2.3, 2.0, 0.6, 0.1, 0.1]
        keys_flex = [1.0, 1.0, 1.3, 0.2, 0.3, 0.1, 0.1]
        arm = np.interp(rel, keys_t, keys_arm)
        flex = np.interp(rel, keys_t, keys_flex)
        foot_y = sk.ANKLE_HEIGHT * h
        feet = (
            np.stack([self.x0 + facing * 0.16 * h * ones, foot_y * ones], -1),
            np.stack([self.x0 - facing * 0.14 * h * ones, foot_y * ones], -1),
        )
        lean = facing * 0.04 * h * np.clip(1 - np.abs(rel) / 0.5, 0, 1)
        self.events.append(MotionEvent("whoosh", THROW_RELEASE - 0.05, self.x0, 6.0))
        return self.assemble(
            Pose(n, pelvis - [0, 0.02 * h], facing * ones, 0.0, feet,
                 ((-0.3 * arm, 0.4 * ones), (arm, flex)), lean=lean))  # fmt: skip

    def _kick(self, t: FloatArray, pelvis: FloatArray, facing: float) -> FloatArray:
        """Swing the near leg back, then through the ball at THROW_RELEASE."""
        h = self.height
        n = len(t)
        ones = np.ones(n)
        rel = t - THROW_RELEASE
        keys = [-10.0, -0.45, -0.12, 0.06, 0.45, 100.0]
        reach = np.interp(rel, keys, [0.08, 0.08, -0.28, 0.34, 0.08, 0.08]) * h
        lift = np.interp(rel, keys, [0.0, 0.0, 0.1, 0.22, 0.0, 0.0]) * h
        foot_y = sk.ANKLE_HEIGHT * h
        feet = (
            np.stack([self.x0 - facing * 0.06 * h * ones, foot_y * ones], -1),
            np.stack([self.x0 + facing * reach, foot_y + lift], -1),
        )
        arms = np.interp(rel, keys, [0.1, 0.1, 0.6, -0.5, 0.1, 0.1])
        return self.assemble(
            Pose(n, pelvis - np.array([0.0, 0.02 * h]), facing * ones, 0.0, feet,
                 ((arms, 0.3 * ones), (-arms, 0.3 * ones))))  # fmt: skip

    def assemble(self, p: Pose) -> FloatArray:
        h = self.height
        joints = np.zeros((p.n, len(sk.SKELETON), 2))
        J = sk.JOINT
        lean = p.lean if p.lean is not None else np.zeros(p.n)
        nod = p.nod if p.nod is not None else np.zeros(p.n)
        side = p.facing * (1 - p.front)  # profile: limbs swing toward the facing direction
        spread = p.front
        joints[:, J["pelvis"]] = p.pelvis
        chest = p.pelvis + np.stack([lean, np.full(p.n, sk.CHEST_ABOVE_PELVIS * h)], -1)
        joints[:, J["chest"]] = chest
        joints[:, J["neck"]] = p.pelvis + np.stack(
            [lean * 1.2, np.full(p.n, sk.NECK_ABOVE_PELVIS * h)], -1
        )
        head = p.pelvis + np.stack([lean * 1.3, sk.HEAD_ABOVE_PELVIS * h + nod], -1)
        joints[:, J["head"]] = head
        joints[:, J["face"]] = head + np.stack([side * 0.6 * sk.HEAD_RADIUS * h, np.zeros(p.n)], -1)
        for idx, (prefix, out) in enumerate((("l", -1.0), ("r", 1.0))):
            hip = p.pelvis + np.array([out * 0.06 * h * spread, 0.0])
            shoulder = chest + np.array([out * 0.11 * h * spread, -0.02 * h])
            foot = p.feet[idx]
            bend = side + out * spread * 0.3
            knee = two_bone_ik(hip, foot, sk.THIGH * h, sk.SHIN * h, np.where(bend == 0, 1, bend))
            arm_angle, elbow_flex = p.arms[idx]
            arm_side = side + out * spread
            elbow = shoulder + sk.UPPER_ARM * h * limb_dir(arm_angle, arm_side)
            hand = elbow + sk.FOREARM * h * limb_dir(arm_angle + elbow_flex, arm_side)
            toe = foot + np.stack(
                [side * 0.07 * h + out * spread * 0.02 * h, np.full(p.n, -0.025 * h)], -1
            )
            parts = {"hip": hip, "knee": knee, "foot": foot, "toe": toe,
                     "shoulder": shoulder, "elbow": elbow, "hand": hand}  # fmt: skip
            for name, value in parts.items():
                joints[:, J[f"{prefix}_{name}"]] = value
        if p.spin is not None:
            centre = p.pelvis + np.array([0.0, 0.05 * h])
            joints = sk.rotate_about(joints, centre, p.spin)
        return joints
