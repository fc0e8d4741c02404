"""Birds and fish (FLYER_SKELETON): a body that flies or swims across the frame, or a bird that
stands and hops on the ground."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gen_engine.catalogue import thing
from gen_engine.physics import skeleton as sk
from gen_engine.physics.motion import MotionEvent, ballistic_cycle
from gen_engine.physics.skeleton import FloatArray, fold

FLYER_KINDS = frozenset({"bird", "fish", "duck", "eagle", "owl", "parrot", "butterfly", "shark"})
SWIMMERS = frozenset({"fish", "shark"})
GROUNDED = frozenset({"idle", "walk", "sit", "jump", "stand", "talk", "sing"})


def is_flyer(kind: str, form: str = "") -> bool:
    """Birds and fish of the hand-built kinds, and the catalogue's flyers and swimmers."""
    return kind.strip().lower() in FLYER_KINDS or form in ("flyer", "swimmer")


@dataclass
class Flyer:
    subject_id: str
    kind: str
    action: str
    height: float  # body length in metres
    x0: float
    band: tuple[float, float]
    ground: str
    phase: float
    duration: float
    target_x: float = 0.0
    events: list[MotionEvent] = field(default_factory=list)

    def pose(self, t: FloatArray) -> FloatArray:
        self.events = []
        s = self.height
        n = len(t)
        facing0 = 1.0 if self.target_x >= self.x0 else -1.0
        row = thing(self.kind)
        swims = self.kind in SWIMMERS or (row is not None and row.figure == "swimmer")
        grounded = not swims and self.action in GROUNDED
        if grounded:
            x = np.full(n, self.x0)
            facing = np.full(n, facing0)
            y = np.full(n, 0.32 * s)
            if self.action == "jump":
                lift, _, _, landings, v0 = ballistic_cycle(t, 0.4 + self.phase, 1.2, 0.25, 0.0)
                y = y + lift
                self.events += [MotionEvent("land", tl, self.x0, v0, self.ground)
                                for tl in landings if tl < self.duration]  # fmt: skip
            flap = np.zeros(n)
        else:
            low, high = self.band
            start = self.x0 - low if facing0 > 0 else 2 * (high - low) - (self.x0 - low)
            speed = (1.2 if swims else 2.0) * max(s / 0.4, 0.5)
            x, facing = fold(start + speed * t, low, high)
            cruise = 1.3 if swims else 2.4
            y = cruise + 0.25 * np.sin(2 * np.pi * 0.4 * t + self.phase * 6)
            flap = np.sin(2 * np.pi * (3.0 if swims else 4.0) * t)
        joints = np.zeros((n, len(sk.FLYER_SKELETON), 2))
        body = np.stack([x, y], -1)
        J = sk.FJOINT
        joints[:, J["body"]] = body
        joints[:, J["head"]] = body + np.stack([facing * 0.32 * s, np.full(n, 0.1 * s)], -1)
        joints[:, J["beak"]] = joints[:, J["head"]] + np.stack([facing * 0.15 * s, np.zeros(n)], -1)
        tail_y = 0.12 * s * flap if swims else np.full(n, 0.05 * s)
        joints[:, J["tail"]] = body + np.stack([-facing * 0.42 * s, tail_y], -1)
        wing_y = -0.2 * s * np.ones(n) if swims else 0.05 * s + 0.45 * s * flap
        joints[:, J["wing"]] = body + np.stack([-facing * 0.12 * s, wing_y], -1)
        return joints
