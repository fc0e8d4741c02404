"""Procedural animation of four-legged animals (QUADRUPED_SKELETON)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gen_engine.physics import skeleton as sk
from gen_engine.physics.motion import (
    Gait,
    MotionEvent,
    ballistic_cycle,
    gait_foot,
    plant_events,
)
from gen_engine.physics.skeleton import FloatArray, fold, two_bone_ik

# Proportions as fractions of the animal's height (top of the head).
BODY_LENGTH = 1.0
HIP_Y = 0.55
LEG_UPPER = 0.27
LEG_LOWER = 0.27
PAW_Y = 0.03
HEAD_RADIUS = 0.13
# gait timing: foot offsets in the cycle for (fl, fr, bl, br)
WALK_OFFSETS = (0.25, 0.75, 0.0, 0.5)
TROT_OFFSETS = (0.0, 0.5, 0.5, 0.0)


@dataclass
class Quadruped:
    subject_id: str
    action: str
    height: float
    x0: float
    band: tuple[float, float]
    ground: str
    phase: float
    duration: float
    target_x: float = 0.0
    events: list[MotionEvent] = field(default_factory=list)
    # (when it sets off, where to): something thrown it runs after, to where it comes down
    fetch: tuple[float, float] | None = None

    def pose(self, t: FloatArray) -> FloatArray:
        self.events = []
        s = self.height
        n = len(t)
        ones = np.ones(n)
        half = BODY_LENGTH * s / 2
        facing0 = 1.0 if self.target_x >= self.x0 else -1.0
        centre_y = (HIP_Y + 0.02) * s * ones
        wag = np.sin(2 * np.pi * 2.5 * t + self.phase * 6)
        if self.fetch is not None:
            return self._fetch(t, *self.fetch, centre_y, wag)
        if self.action in ("walk", "run", "jog", "trot", "sprint", "chase", "gallop"):
            fast = self.action != "walk"
            gait = (
                Gait(4.5 * s, 2.2, 0.32, 0.12 * s) if fast else Gait(1.6 * s, 1.3, 0.62, 0.08 * s)
            )
            low, high = self.band
            start = self.x0 - low if facing0 > 0 else 2 * (high - low) - (self.x0 - low)

            def path_x(q: FloatArray) -> FloatArray:
                return fold(start + q, low, high)[0]

            x, facing = fold(start + gait.speed * t, low, high)
            paws = []
            offsets = TROT_OFFSETS if fast else WALK_OFFSETS
            for i, offset in enumerate(offsets):
                lead = half if i < 2 else -half
                px, lift, plants = gait_foot(t, gait, offset + self.phase, path_x, lead)
                paws.append(np.stack([px, PAW_Y * s + lift], -1))
                if i < 2:  # front paws only: four footfalls a cycle would smear into noise

                    def paw_x(p: float, lead: float = lead, speed: float = gait.speed) -> float:
                        return float(path_x(np.array([speed * p + lead]))[0])

                    self.events += plant_events(
                        plants, self.duration, paw_x, self.ground, gait.speed * 0.5
                    )
            bob = 0.015 * s * np.cos(4 * np.pi * gait.frequency * t)
            return self.assemble(x, centre_y + bob, facing, paws, wag)
        lift = np.zeros(n)
        if self.action in ("jump", "hop", "leap", "flip"):
            lift, depth, _, landings, v0 = ballistic_cycle(
                t, 0.6 + self.phase, 1.8, 0.5 * s, 0.08 * s
            )
            lift = lift - depth
            self.events += [
                MotionEvent("land", tl, self.x0, v0, self.ground)
                for tl in landings
                if tl < self.duration
            ]
        sit = self.action == "sit"
        facing = facing0 * ones
        x = self.x0 * ones
        paws = []
        for i in range(4):
            dx = (half if i < 2 else -half) * facing0 + (0.04 * s if i % 2 else -0.04 * s)
            paws.append(np.stack([x + dx, PAW_Y * s + np.maximum(lift, 0) * 0.9], -1))
        breath = 0.004 * s * np.sin(2 * np.pi * 0.4 * t)
        joints = self.assemble(x, centre_y + lift + breath, facing, paws, wag)
        if sit:
            hips = sk.QJOINT["hips"]
            for name in ("hips", "tail", "bl_knee", "br_knee"):
                joints[:, sk.QJOINT[name], 1] -= 0.3 * s if name != "bl_knee" else 0.15 * s
            joints[:, sk.QJOINT["br_knee"], 1] += 0.15 * s
            joints[:, hips, 1] = np.maximum(joints[:, hips, 1], 0.2 * s)
        return joints

    def _fetch(self, t: FloatArray, start: float, goal: float, centre_y: FloatArray,
               wag: FloatArray) -> FloatArray:  # fmt: skip
        """Stand, then from `start` run at a trot to `goal` and stop there, facing it."""
        s = self.height
        half = BODY_LENGTH * s / 2
        gait = Gait(4.5 * s, 2.2, 0.32, 0.12 * s)
        way = 1.0 if goal >= self.x0 else -1.0
        length = abs(goal - self.x0)
        run = np.clip(t - start, 0.0, length / gait.speed)  # seconds of running so far
        moving = (t > start) & (run < length / gait.speed)
        x = self.x0 + way * gait.speed * run

        def path_x(q: FloatArray) -> FloatArray:
            out: FloatArray = self.x0 + way * np.clip(q, 0.0, length + 2 * half)
            return out

        paws = []
        for i, offset in enumerate(TROT_OFFSETS):
            lead = half if i < 2 else -half
            px, lift, plants = gait_foot(run, gait, offset + self.phase, path_x, lead)
            spread = 0.04 * s if i % 2 else -0.04 * s
            standing = np.stack([x + way * lead + spread, np.full(len(t), PAW_Y * s)], -1)
            running = np.stack([px, PAW_Y * s + lift], -1)
            paws.append(np.where(moving[:, None], running, standing))
            if i < 2:  # front paws only, as when running

                def paw_x(p: float, lead: float = lead) -> float:
                    return float(path_x(np.array([gait.speed * p + lead]))[0])

                steps = plant_events(plants, length / gait.speed, paw_x, self.ground,
                                     gait.speed * 0.5)  # fmt: skip
                self.events += [replace(e, time=e.time + start) for e in steps
                                if e.time >= 0 and e.time + start < self.duration]  # fmt: skip
        bob = np.where(moving, 0.015 * s * np.cos(4 * np.pi * gait.frequency * run), 0.0)
        return self.assemble(x, centre_y + bob, np.full(len(t), way), paws, wag)

    def assemble(
        self,
        x: FloatArray,
        y: FloatArray,
        facing: FloatArray,
        paws: list[FloatArray],
        wag: FloatArray,
    ) -> FloatArray:
        s = self.height
        half = BODY_LENGTH * s / 2
        n = len(x)
        J = sk.QJOINT
        joints = np.zeros((n, len(sk.QUADRUPED_SKELETON), 2))
        hips = np.stack([x - facing * half, y], -1)
        shoulders = np.stack([x + facing * half, y + 0.03 * s], -1)
        joints[:, J["hips"]] = hips
        joints[:, J["shoulders"]] = shoulders
        joints[:, J["neck"]] = shoulders + np.stack([facing * 0.12 * s, np.full(n, 0.15 * s)], -1)
        head = shoulders + np.stack([facing * 0.24 * s, np.full(n, 0.3 * s)], -1)
        joints[:, J["head"]] = head
        joints[:, J["snout"]] = head + np.stack([facing * 0.17 * s, np.full(n, -0.05 * s)], -1)
        joints[:, J["tail"]] = hips + np.stack([-facing * 0.3 * s, 0.2 * s + 0.06 * s * wag], -1)
        for i, name in enumerate(("fl", "fr", "bl", "br")):
            root = shoulders if i < 2 else hips
            knee = two_bone_ik(root, paws[i], LEG_UPPER * s, LEG_LOWER * s, -facing)
            joints[:, J[f"{name}_knee"]] = knee
            joints[:, J[f"{name}_paw"]] = paws[i]
        return joints
