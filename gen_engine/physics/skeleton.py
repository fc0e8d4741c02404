"""Skeletons for animated characters and the small kinematics they need.

SKELETON (people and other bipeds) and QUADRUPED_SKELETON (animals) list (joint, parent) pairs;
BodyTrack.joints[:, j] is the world position of joint j in metres. "l_*" limbs are the far side
(drawn behind the body), "r_*" the near side. In the biped, "face" sits on the head: its offset
from "head" shows where the face points (zero = facing the camera, +-0.6 head radii = profile).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[Any]  # float64 arrays; numpy's dtype typing adds nothing here

SKELETON: tuple[tuple[str, str | None], ...] = (
    ("pelvis", None),
    ("chest", "pelvis"),
    ("neck", "chest"),
    ("head", "neck"),
    ("face", "head"),
    ("l_shoulder", "chest"),
    ("l_elbow", "l_shoulder"),
    ("l_hand", "l_elbow"),
    ("r_shoulder", "chest"),
    ("r_elbow", "r_shoulder"),
    ("r_hand", "r_elbow"),
    ("l_hip", "pelvis"),
    ("l_knee", "l_hip"),
    ("l_foot", "l_knee"),
    ("l_toe", "l_foot"),
    ("r_hip", "pelvis"),
    ("r_knee", "r_hip"),
    ("r_foot", "r_knee"),
    ("r_toe", "r_foot"),
)

QUADRUPED_SKELETON: tuple[tuple[str, str | None], ...] = (
    ("hips", None),
    ("shoulders", "hips"),
    ("neck", "shoulders"),
    ("head", "neck"),
    ("snout", "head"),
    ("tail", "hips"),
    ("fl_knee", "shoulders"),
    ("fl_paw", "fl_knee"),
    ("fr_knee", "shoulders"),
    ("fr_paw", "fr_knee"),
    ("bl_knee", "hips"),
    ("bl_paw", "bl_knee"),
    ("br_knee", "hips"),
    ("br_paw", "br_knee"),
)

# Birds and fish: "wing" is the tip of the near wing (a fish's fin); "beak" the mouth end.
FLYER_SKELETON: tuple[tuple[str, str | None], ...] = (
    ("body", None),
    ("head", "body"),
    ("beak", "head"),
    ("tail", "body"),
    ("wing", "body"),
)

FJOINT = {name: i for i, (name, _) in enumerate(FLYER_SKELETON)}
JOINT = {name: i for i, (name, _) in enumerate(SKELETON)}
QJOINT = {name: i for i, (name, _) in enumerate(QUADRUPED_SKELETON)}

# Biped proportions as fractions of the character's height.
HIP_HEIGHT = 0.5
ANKLE_HEIGHT = 0.035
THIGH = 0.25
SHIN = 0.25
CHEST_ABOVE_PELVIS = 0.3
NECK_ABOVE_PELVIS = 0.35
HEAD_ABOVE_PELVIS = 0.43
HEAD_RADIUS = 0.075
UPPER_ARM = 0.16
FOREARM = 0.15


def limb_dir(angle: Any, side: Any) -> FloatArray:
    """Unit vector of a limb hanging at `angle` radians from straight down, swung toward `side`."""
    angle = np.asarray(angle, dtype=np.float64)
    return np.stack(np.broadcast_arrays(side * np.sin(angle), -np.cos(angle)), axis=-1)


def two_bone_ik(root: FloatArray, target: FloatArray, a: float, b: float, bend: Any) -> FloatArray:
    """Middle joint (knee, elbow) of a two-bone chain reaching from root toward target.

    `bend` (+1 or -1 per row) picks the side the joint points to in x.
    """
    delta = target - root
    dist = np.linalg.norm(delta, axis=-1)
    dist_c = np.clip(dist, 1e-6, (a + b) * 0.9999)
    cos_a = np.clip((a * a + dist_c * dist_c - b * b) / (2 * a * dist_c), -1.0, 1.0)
    alpha = np.arccos(cos_a)
    unit = delta / np.maximum(dist, 1e-9)[..., None]
    cos, sin = np.cos(alpha), np.sin(alpha)
    plus = np.stack(
        [unit[..., 0] * cos - unit[..., 1] * sin, unit[..., 0] * sin + unit[..., 1] * cos], -1
    )
    minus = np.stack(
        [unit[..., 0] * cos + unit[..., 1] * sin, -unit[..., 0] * sin + unit[..., 1] * cos], -1
    )
    # of the two mirror solutions, keep the one whose joint sticks out toward `bend` in x
    bend_arr = np.broadcast_to(np.asarray(bend, dtype=np.float64), alpha.shape)
    pick_plus = (plus[..., 0] - minus[..., 0]) * bend_arr >= 0
    out: FloatArray = root + a * np.where(pick_plus[..., None], plus, minus)
    return out


def rotate_about(points: FloatArray, centre: FloatArray, angle: FloatArray) -> FloatArray:
    """Rotate (N, J, 2) points about (N, 2) centres by (N,) angles (counter-clockwise)."""
    rel = points - centre[:, None, :]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    out = np.empty_like(points)
    out[..., 0] = rel[..., 0] * cos - rel[..., 1] * sin
    out[..., 1] = rel[..., 0] * sin + rel[..., 1] * cos
    result: FloatArray = out + centre[:, None, :]
    return result


def smoothstep(x: Any) -> FloatArray:
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    out: FloatArray = x * x * (3 - 2 * x)
    return out


def fold(q: FloatArray, low: float, high: float) -> tuple[FloatArray, FloatArray]:
    """Map a path distance onto a back-and-forth walk between low and high: (x, direction)."""
    span = max(high - low, 1e-6)
    m = np.mod(q, 2 * span)
    x = low + span - np.abs(m - span)
    direction = np.where(m < span, 1.0, -1.0)
    return x, direction
