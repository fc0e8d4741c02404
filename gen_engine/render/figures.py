"""Drawing subjects from their tracks: people, animals, balls, boxes, boards and vehicles."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
from torch import Tensor

from gen_engine.physics import skeleton as sk
from gen_engine.physics.layout import ObjectShape, object_shape, vehicle_wheel_radius
from gen_engine.physics.quadruped import HEAD_RADIUS as Q_HEAD
from gen_engine.physics.rigid import OFF_STAGE
from gen_engine.render import raster
from gen_engine.render.ink import Ink
from gen_engine.types import BodyTrack, Subject

SKIN_TONES = ((241, 194, 160), (224, 172, 130), (198, 134, 96), (141, 85, 54), (92, 58, 40))
HAIR = ((35, 25, 20), (80, 50, 25), (20, 20, 22), (150, 110, 60), (110, 40, 25))
MOUTH = (95, 22, 32)
EYE = (25, 25, 32)
RGB = tuple[int, int, int]


def scaled(c: RGB | tuple[float, float, float], k: float) -> RGB:
    return (int(min(c[0] * k, 255)), int(min(c[1] * k, 255)), int(min(c[2] * k, 255)))


@dataclass
class Frames:
    """The batch's world-to-pixel mapping: px = ax + x * s, py = ay - y * s (all (B,))."""

    ax: Tensor
    ay: Tensor
    s: Tensor

    def px(self, xy: np.ndarray) -> Tensor:
        """World points (B, ..., 2) -> pixel points, same shape."""
        t = torch.as_tensor(xy, dtype=torch.float32, device=self.s.device)
        extra = (None,) * (t.dim() - 2)
        s = self.s[(slice(None), *extra)]
        return torch.stack(
            (self.ax[(slice(None), *extra)] + t[..., 0] * s,
             self.ay[(slice(None), *extra)] - t[..., 1] * s), -1
        )  # fmt: skip


def _pick(seq: tuple[RGB, ...], key: str, seed: int) -> RGB:
    return seq[zlib.crc32(f"{key}:{seed}".encode()) % len(seq)]


def shadow(
    canvas: raster.Canvas,
    fr: Frames,
    subject: Subject,
    track: BodyTrack,
    sl: slice,
    ink: Ink,
    support: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> None:
    """A soft shadow under the body on whatever holds it up - `support(x, lowest)` gives the
    height of the surface beneath (a shelf, a step), the ground when absent - paler and wider
    the higher the body is above it."""
    size = subject.size
    if track.joints is not None:
        j = track.joints[sl]
        x = j[:, :, 0].mean(axis=1)
        lowest = j[:, :, 1].min(axis=1) - 0.03 * size
        half = 0.22 * size if subject.category == "character" else 0.3 * size
        if j.shape[1] == len(sk.QUADRUPED_SKELETON):
            half = 0.75 * size
    else:
        shape = object_shape(subject)
        x = track.position[sl, 0]
        lowest = track.position[sl, 1] - shape.height / 2
        half = shape.width / 2
        # On frames it is not in the world (a shard before the break, the plate after), its
        # shadow goes far off the canvas with it, where nothing is drawn.
        x = np.where(track.position[sl, 1] < OFF_STAGE[1] / 2, 1e4, x)
    floor = support(x, lowest) if support is not None else np.zeros_like(x)
    lift = np.maximum(lowest - floor, 0.0)
    x = x - ink.lx * lift * 0.5
    centre = fr.px(np.stack([x, floor], -1))
    radii_m = np.stack([half + 0.15 * lift + 0.05, 0.07 + 0.02 * lift + 0.02 * half], -1)
    radii = torch.as_tensor(radii_m, dtype=torch.float32, device=fr.s.device) * fr.s[:, None]
    strength = torch.as_tensor(0.45 / (1 + 1.5 * lift), dtype=torch.float32, device=fr.s.device)
    fn, lo, hi = raster.ellipse_falloff(centre, radii)
    raster.darken(canvas, lo, hi, fn, strength * (0.6 if ink.light.stars else 1.0))


def biped(
    canvas: raster.Canvas,
    fr: Frames,
    subject: Subject,
    track: BodyTrack,
    sl: slice,
    ink: Ink,
    seed: int,
    face: Tensor | None,
) -> None:
    assert track.joints is not None
    h = subject.size
    J = sk.JOINT
    P = fr.px(track.joints[sl])  # (B, J, 2)
    s = fr.s
    shirt: RGB = subject.color
    pants = scaled((shirt[0] * 0.3 + 30, shirt[1] * 0.3 + 35, shirt[2] * 0.3 + 60), 1.0)
    skin = _pick(SKIN_TONES, subject.id, seed)
    hair = _pick(HAIR, subject.id + "hair", seed)
    shoes = (40, 38, 42)

    def cap(a: str, b: str, r: float, colour: RGB) -> None:
        ink.draw(canvas, raster.capsule(P[:, J[a]], P[:, J[b]], r * h * s), colour)

    def limbs(side: str, k: float) -> tuple[list[tuple[str, str, float, RGB]], ...]:
        arm = [(f"{side}_shoulder", f"{side}_elbow", 0.042, scaled(shirt, k)),
               (f"{side}_elbow", f"{side}_hand", 0.036, scaled(skin, k))]  # fmt: skip
        leg = [(f"{side}_hip", f"{side}_knee", 0.058, scaled(pants, k)),
               (f"{side}_knee", f"{side}_foot", 0.048, scaled(pants, k)),
               (f"{side}_foot", f"{side}_toe", 0.032, shoes)]  # fmt: skip
        return arm, leg

    far_arm, far_leg = limbs("l", 0.78)
    near_arm, near_leg = limbs("r", 1.0)
    for part in far_arm + far_leg:
        cap(*part)
    cap("pelvis", "chest", 0.1, shirt)
    for part in near_leg:
        cap(*part)
    cap("chest", "head", 0.03, skin)
    head = P[:, J["head"]]
    facept = P[:, J["face"]]
    radius = sk.HEAD_RADIUS * h * s
    turn = ((facept[:, 0] - head[:, 0]) / (0.6 * radius)).clamp(-1, 1)  # -1..1 profile
    back = torch.stack((-turn * 0.18 * radius, -0.14 * radius), -1)
    ink.draw(canvas, raster.circle(head + back, radius * 1.02), hair)
    if face is not None:
        ink.draw(
            canvas, raster.circle(head, radius), skin, texture=_face_texture(face, head, radius)
        )
    else:
        ink.draw(canvas, raster.circle(head, radius), skin)
        spread = 0.34 * radius * (1 - turn.abs() * 0.7)
        for side in (-1.0, 1.0):
            eye = facept + torch.stack((side * spread + turn * 0.1 * radius, -0.12 * radius), -1)
            ink.draw(canvas, raster.circle(eye, 0.1 * radius), EYE, flat=True)
    _mouth(canvas, ink, facept + torch.stack((0 * radius, 0.4 * radius), -1), radius, turn,
           track.mouth_open[sl] if track.mouth_open is not None else None)  # fmt: skip
    for part in near_arm:
        cap(*part)


def _mouth(canvas: raster.Canvas, ink: Ink, centre: Tensor, radius: Tensor, turn: Tensor,
           mouth: np.ndarray | None) -> None:  # fmt: skip
    openness = torch.zeros_like(radius)
    if mouth is not None:
        openness = torch.as_tensor(mouth, dtype=torch.float32, device=radius.device)
    half = 0.26 * radius * (1 - 0.5 * turn.abs())
    offset = torch.stack((half, torch.zeros_like(half)), -1)
    r = (0.05 + 0.24 * openness) * radius
    ink.draw(canvas, raster.capsule(centre - offset, centre + offset, r), MOUTH, flat=True)


def _face_texture(face: Tensor, centre: Tensor, radius: Tensor) -> raster.TextureFn:
    size = face.shape[0]
    cx, cy = centre[:, 0, None, None], centre[:, 1, None, None]
    rr = radius[:, None, None]

    def tex(xs: Tensor, ys: Tensor) -> Tensor:
        u = (((xs - cx) / rr) * 0.5 + 0.5).clamp(0, 1) * (size - 1)
        v = (((ys - cy) / rr) * 0.5 + 0.5).clamp(0, 1) * (size - 1)
        return face[v.long(), u.long()]

    return tex


def flyer(
    canvas: raster.Canvas, fr: Frames, subject: Subject, track: BodyTrack, sl: slice, ink: Ink
) -> None:
    """Birds (body, head, beak, flapping wing) and fish (body, tail fin, fin)."""
    assert track.joints is not None
    size = subject.size
    F = sk.FJOINT
    P = fr.px(track.joints[sl])
    s = fr.s
    colour: RGB = subject.color
    dark = scaled(colour, 0.7)
    fish = subject.kind.strip().lower() in ("fish", "shark") or subject.form == "swimmer"
    body, head, tail = P[:, F["body"]], P[:, F["head"]], P[:, F["tail"]]
    if fish:
        ink.draw(canvas, raster.circle(tail, 0.16 * size * s), dark)
    else:
        ink.draw(canvas, raster.capsule(body, tail, 0.08 * size * s), dark)
    ink.draw(canvas, raster.capsule(tail + (body - tail) * 0.4, head, 0.19 * size * s), colour)
    if not fish:
        ink.draw(canvas, raster.circle(head, 0.15 * size * s), colour)
        ink.draw(canvas, raster.capsule(head, P[:, F["beak"]], 0.04 * size * s), (240, 160, 40))
    facing = torch.sign(head[:, 0] - body[:, 0])
    eye = head + torch.stack((facing * 0.05 * size * s, -0.04 * size * s), -1)
    ink.draw(canvas, raster.circle(eye, 0.03 * size * s + 0.5), EYE, flat=True)
    ink.draw(canvas, raster.capsule(body, P[:, F["wing"]], 0.06 * size * s), dark)


def quadruped(
    canvas: raster.Canvas, fr: Frames, subject: Subject, track: BodyTrack, sl: slice, ink: Ink
) -> None:
    assert track.joints is not None
    size = subject.size
    Q = sk.QJOINT
    P = fr.px(track.joints[sl])
    s = fr.s
    fur: RGB = subject.color
    dark = scaled(fur, 0.75)

    def cap(a: str, b: str, r: float, colour: RGB) -> None:
        ink.draw(canvas, raster.capsule(P[:, Q[a]], P[:, Q[b]], r * size * s), colour)

    cap("hips", "tail", 0.035, fur)
    for leg in ("fl", "bl"):
        root = "shoulders" if leg[0] == "f" else "hips"
        cap(root, f"{leg}_knee", 0.06, dark)
        cap(f"{leg}_knee", f"{leg}_paw", 0.045, dark)
    cap("hips", "shoulders", 0.17, fur)
    cap("shoulders", "head", 0.08, fur)
    for leg in ("fr", "br"):
        root = "shoulders" if leg[0] == "f" else "hips"
        cap(root, f"{leg}_knee", 0.06, fur)
        cap(f"{leg}_knee", f"{leg}_paw", 0.045, fur)
    head, snout = P[:, Q["head"]], P[:, Q["snout"]]
    facing = torch.sign(snout[:, 0] - head[:, 0])
    r = Q_HEAD * size * s
    ear = head + torch.stack((-facing * 0.35 * r, -0.9 * r), -1)
    ink.draw(canvas, raster.circle(ear, 0.45 * r), dark)
    ink.draw(canvas, raster.circle(head, r), fur)
    cap("head", "snout", 0.06, fur)
    eye = head + torch.stack((facing * 0.45 * r, -0.3 * r), -1)
    ink.draw(canvas, raster.circle(eye, 0.16 * r), EYE, flat=True)
    ink.draw(canvas, raster.circle(snout, 0.2 * r), EYE, flat=True)
    if track.mouth_open is not None and float(np.max(track.mouth_open[sl])) > 0.02:
        _mouth(canvas, ink, (head + snout) / 2 + torch.stack((0 * r, 0.45 * r), -1), r,
               torch.zeros_like(r), track.mouth_open[sl])  # fmt: skip


def thing(
    canvas: raster.Canvas, fr: Frames, subject: Subject, track: BodyTrack, sl: slice, ink: Ink
) -> None:
    shape = object_shape(subject)
    c = fr.px(track.position[sl])
    ang = torch.as_tensor(track.angle[sl], dtype=torch.float32, device=fr.s.device)
    s = fr.s
    colour: RGB = subject.color
    kind = subject.kind.strip().lower()
    if subject.form in FORM_DRAWERS:
        FORM_DRAWERS[subject.form](canvas, ink, c, ang, shape, s, colour)
        return
    if shape.form == "circle":
        r = shape.width / 2 * s
        if kind == "balloon":
            knot = c + torch.stack((torch.zeros_like(r), r), -1)
            tail = knot + torch.stack((0.2 * r, 2.5 * r), -1)
            ink.draw(canvas, raster.capsule(knot, tail, 0.04 * r + 0.4), (235, 235, 235), flat=True)
        ink.draw(canvas, raster.circle(c, r), colour)
        d = torch.stack((torch.cos(ang), -torch.sin(ang)), -1) * (0.8 * r)[:, None]
        ink.draw(canvas, raster.capsule(c - d, c + d, 0.1 * r), scaled(colour, 0.6))
        return
    if shape.form == "box":
        half = torch.stack((shape.width / 2 * s, shape.height / 2 * s), -1)
        ink.draw(canvas, raster.box(c, half, -ang), colour)
        return
    w, h = shape.width * s, shape.height * s
    wheel = vehicle_wheel_radius(shape) * s
    zero = torch.zeros_like(s)

    def at(dx: Tensor, dy: Tensor) -> Tensor:
        return c + torch.stack((dx, dy), -1)

    hubs = [at(side * 0.32 * w, 0.5 * h + 0.4 * wheel) for side in (-1.0, 1.0)]
    if kind in ("bike", "bicycle", "motorbike", "scooter") or subject.form == "bike":
        seat, bars = at(-0.08 * w, -0.1 * h), at(0.24 * w, -0.3 * h)
        crank = at(zero, 0.45 * h)
        for hub in hubs:
            ink.draw(canvas, raster.circle(hub, 1.25 * wheel), (30, 30, 34))
            ink.draw(canvas, raster.circle(hub, 1.05 * wheel), (200, 205, 210), flat=True)
        for a, b in ((hubs[0], seat), (seat, crank), (crank, hubs[0]), (crank, bars),
                     (bars, hubs[1]), (seat, bars)):  # fmt: skip
            ink.draw(canvas, raster.capsule(a, b, 0.035 * h + 0.5), colour)
        return
    if kind in ("boat", "ship", "canoe", "kayak") or subject.form == "boat":
        hull = 0.28 * h + 1.4 * wheel  # the hull sits where the wheels would touch the ground
        ink.draw(canvas, raster.box(at(zero, hull), torch.stack((0.5 * w, 0.22 * h), -1),
                                    zero, rounding=0.9), colour)  # fmt: skip
        ink.draw(
            canvas,
            raster.box(at(-0.05 * w, hull - 0.36 * h), torch.stack((0.2 * w, 0.16 * h), -1), zero),
            (235, 235, 235),
        )
        return

    ink.draw(canvas, raster.box(at(zero, -0.25 * h), torch.stack((0.3 * w, 0.25 * h), -1), zero),
             colour)  # fmt: skip
    ink.draw(canvas, raster.box(at(zero, -0.25 * h), torch.stack((0.24 * w, 0.17 * h), -1), zero),
             (170, 205, 230))  # fmt: skip
    ink.draw(canvas, raster.box(at(zero, 0.15 * h), torch.stack((0.5 * w, 0.2 * h), -1), zero),
             colour)  # fmt: skip
    for hub in hubs:
        ink.draw(canvas, raster.circle(hub, wheel), (30, 30, 34))
        ink.draw(canvas, raster.circle(hub, 0.45 * wheel), (170, 170, 175))


# ---- catalogue props: one drawer per parametric figure ------------------------------------

FormDrawer = Callable[[raster.Canvas, Ink, Tensor, Tensor, ObjectShape, Tensor, RGB], None]


def _half(shape: ObjectShape, s: Tensor, kx: float = 1.0, ky: float = 1.0) -> Tensor:
    return torch.stack((kx * shape.width / 2 * s, ky * shape.height / 2 * s), -1)


def _sphere(canvas: raster.Canvas, ink: Ink, c: Tensor, ang: Tensor, shape: ObjectShape,
            s: Tensor, colour: RGB) -> None:  # fmt: skip
    r = shape.width / 2 * s
    ink.draw(canvas, raster.circle(c, r), colour)
    d = torch.stack((torch.cos(ang), -torch.sin(ang)), -1) * (0.75 * r)[:, None]
    ink.draw(canvas, raster.capsule(c - d, c + d, 0.08 * r), scaled(colour, 0.55))  # it spins


def _ring(canvas: raster.Canvas, ink: Ink, c: Tensor, ang: Tensor, shape: ObjectShape,
          s: Tensor, colour: RGB) -> None:  # fmt: skip
    r = shape.width / 2 * s
    ink.draw(canvas, raster.circle(c, r), colour)
    ink.draw(canvas, raster.circle(c, 0.5 * r), scaled(colour, 0.35))
    spot = c + torch.stack((torch.cos(ang), -torch.sin(ang)), -1) * (0.75 * r)[:, None]
    ink.draw(canvas, raster.circle(spot, 0.12 * r), scaled(colour, 1.35), flat=True)


def _banded(canvas: raster.Canvas, ink: Ink, c: Tensor, ang: Tensor, shape: ObjectShape,
            s: Tensor, colour: RGB, *, rounding: float, band: tuple[float, float, float, float],
            shade: float) -> None:  # fmt: skip
    """A rounded body with one band across its top: a book's lit cover, a bottle's cap.
    band = (offset up from the centre, width, height as fractions of the body, its rounding)."""
    up, across, tall, band_rounding = band
    ink.draw(canvas, raster.box(c, _half(shape, s), -ang, rounding=rounding), colour)
    offset = torch.stack((torch.sin(ang), -torch.cos(ang)), -1) * (up * shape.height * s)[:, None]
    ink.draw(canvas, raster.box(c + offset, _half(shape, s, across, tall), -ang,
                                rounding=band_rounding), scaled(colour, shade))  # fmt: skip


_slab = partial(_banded, rounding=0.35, band=(0.25, 0.85, 0.3, 0.5), shade=1.25)  # lit top face
_tall = partial(_banded, rounding=0.6, band=(0.42, 0.75, 0.12, 0.8), shade=0.6)  # cap or rim


def _kite(canvas: raster.Canvas, ink: Ink, c: Tensor, ang: Tensor, shape: ObjectShape,
          s: Tensor, colour: RGB) -> None:  # fmt: skip
    side = shape.width / 2 * s / 1.2
    tail_end = c + torch.stack((-0.4 * torch.sin(ang) * side, 3.2 * side), -1)
    ink.draw(canvas, raster.capsule(c, tail_end, 0.03 * side + 0.6), (240, 240, 240), flat=True)
    ink.draw(canvas, raster.box(c, torch.stack((side, side), -1), -ang + math.pi / 4, rounding=0.1),
             colour)  # fmt: skip
    ink.draw(canvas, raster.capsule(c - torch.stack((1.3 * side, 0 * side), -1),
                                    c + torch.stack((1.3 * side, 0 * side), -1), 0.04 * side + 0.5),
             scaled(colour, 0.5), flat=True)  # fmt: skip


FORM_DRAWERS: dict[str, FormDrawer] = {
    "sphere": _sphere, "ring": _ring, "disc": _slab, "slab": _slab, "box": _slab,
    "stick": _slab, "plank": _slab, "tall": _tall, "kite": _kite,
}  # fmt: skip
