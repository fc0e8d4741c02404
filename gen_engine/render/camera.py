"""Camera moves as per-frame offsets and zoom, and the world-to-pixel mapping they imply.

Slow motion is not a camera move here: the physics stage stretches its clock (frame k shows
physics time k * time_scale / fps), so the renderer draws each frame as usual and only adds a
gentle push-in. Motion, impacts and sound therefore stay on one timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gen_engine.physics.layout import GROUND_FRACTION
from gen_engine.types import Framing

FOCUS_HEIGHT = 1.0  # metres: zooming keeps this height above the ground fixed on screen
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CameraPath:
    x: Array  # (F,) metres the view is shifted right
    y: Array  # (F,) metres the view is shifted up
    zoom: Array  # (F,) >= 1
    shake: Array  # (F, 2) pixels
    rest: Framing | None = None  # where the moves start from; None: the neutral frame

    def moves(self) -> bool:
        return bool(np.ptp(self.x) or np.ptp(self.y) or np.ptp(self.zoom) or self.shake.any())


def camera_path(
    kind: str,
    frames: int,
    world_width: float,
    width_px: int,
    seed: int,
    rest: Framing | None = None,
) -> CameraPath:
    """The move `kind` over `frames`, from the resting frame `rest`: a closer frame makes the
    same move in proportion (a pan across the same share of what is seen)."""
    scale = 1.0 / rest.zoom if rest is not None else 1.0
    x, y, zoom, shake = _move(kind, frames, world_width, width_px, seed)
    return CameraPath(x * scale, y * scale, zoom, shake, rest)


def _move(
    kind: str, frames: int, world_width: float, width_px: int, seed: int
) -> tuple[Array, Array, Array, Array]:
    u = np.arange(frames) / max(frames - 1, 1)
    ease = u * u * (3 - 2 * u)
    zeros = np.zeros(frames)
    x, y, zoom, shake = zeros.copy(), zeros.copy(), np.ones(frames), np.zeros((frames, 2))
    kind = kind.strip().lower()
    if kind == "pan":
        x = (ease - 0.5) * 0.3 * world_width
    elif kind == "tilt":
        y = (1 - ease) * 1.2
    elif kind == "dolly in":
        zoom = 1.0 + 0.3 * ease
    elif kind == "dolly out":
        zoom = 1.3 - 0.3 * ease
    elif kind == "orbit":
        x = 0.12 * world_width * np.sin(2 * np.pi * u)
        zoom = 1.08 + 0.05 * np.cos(2 * np.pi * u)
    elif kind == "slow motion":
        zoom = 1.0 + 0.08 * ease
    elif kind == "handheld":
        rng = np.random.default_rng(seed)
        t = np.arange(frames)[:, None]
        freqs = rng.uniform(0.01, 0.06, (3, 2))
        phases = rng.uniform(0, 2 * np.pi, (3, 2))
        wobble = sum(np.sin(2 * np.pi * f * t + ph) / (i + 1)
                     for i, (f, ph) in enumerate(zip(freqs, phases, strict=False)))  # fmt: skip
        shake = np.asarray(wobble) * 0.008 * width_px
        zoom = np.full(frames, 1.03)
    return x, y, zoom, shake


@dataclass(frozen=True)
class View:
    """Pixel mapping of one frame: px = ax + x * s, py = ay - y * s."""

    ax: float
    ay: float
    s: float


def view_at(
    cam: CameraPath, k: int, width: int, height: int, ppm: float, depth: float = 1.0
) -> View:
    """The mapping of frame k for a plane `depth` of the way from the horizon to the subjects:
    1 is the ground the subjects stand on; a farther plane pans, tilts and zooms by that fraction
    of the camera's move (parallax). Shake is the camera turning, so every plane shakes alike."""
    s = ppm * (1.0 + (float(cam.zoom[k]) - 1.0) * depth)
    if cam.rest is None:  # the neutral frame: the ground line at GROUND_FRACTION
        centre_x, focus = 0.0, FOCUS_HEIGHT
        focus_px = GROUND_FRACTION * height - FOCUS_HEIGHT * ppm
    else:  # zooming keeps the middle of the resting frame where it is
        centre_x, focus = cam.rest.centre_x, cam.rest.top - height / 2 / ppm
        focus_px = height / 2
    ax = width / 2 - (centre_x + float(cam.x[k]) * depth) * s + float(cam.shake[k, 0])
    ay = focus_px + (focus + float(cam.y[k]) * depth) * s + float(cam.shake[k, 1])
    return View(ax, ay, s)
