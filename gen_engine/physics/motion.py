"""Shared pieces of procedural character motion: the event record and planted-foot gaits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gen_engine.physics.skeleton import FloatArray, smoothstep

G = 9.81


@dataclass(frozen=True)
class MotionEvent:
    """An event found by an animator, in physics seconds; converted to clip time later."""

    kind: str  # footstep, land, whoosh
    time: float
    x: float
    speed: float = 0.0
    material: str = ""


@dataclass(frozen=True)
class Gait:
    speed: float  # m/s along the path
    frequency: float  # full stride cycles per second (each foot plants once per cycle)
    duty: float  # fraction of the cycle a foot is on the ground
    lift: float  # swing height in metres


def gait_foot(
    t: FloatArray,
    gait: Gait,
    offset: float,
    path_x: Callable[[FloatArray], FloatArray],
    lead: float = 0.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One planted foot: returns (x, lift height, plant times in [-1 cycle, ...]).

    A foot lands at the start of its cycle half a stance length ahead of the hip (plus `lead`,
    the foot's offset along the path, e.g. front paws), stays put while the body passes over it,
    then swings along a smoothstep arc to its next plant.
    """
    period = 1.0 / gait.frequency
    cycles = t / period + offset
    k = np.floor(cycles)
    phase = cycles - k
    stance_half = gait.speed * gait.duty * period / 2

    def plant_s(index: FloatArray) -> FloatArray:
        out: FloatArray = gait.speed * (index - offset) * period + stance_half + lead
        return out

    here, after = plant_s(k), plant_s(k + 1)
    swing = np.clip((phase - gait.duty) / (1 - gait.duty), 0.0, 1.0)
    s = here + (after - here) * smoothstep(swing)
    lift = np.where(phase < gait.duty, 0.0, gait.lift * np.sin(np.pi * swing))
    plants = (np.arange(-1, int(t[-1] / period) + 3) - offset) * period if len(t) else t
    return path_x(s), lift, plants


def plant_events(
    plants: FloatArray,
    duration: float,
    x_at: Callable[[float], float],
    material: str,
    speed: float,
) -> list[MotionEvent]:
    return [
        MotionEvent("footstep", float(p), x_at(float(p)), speed, material)
        for p in plants
        if 0.0 < p < duration
    ]


def ballistic_cycle(
    t: FloatArray, start: float, period: float, height: float, crouch: float
) -> tuple[FloatArray, FloatArray, FloatArray, list[float], float]:
    """Repeated jumps: (lift of the body, crouch depth, flight progress 0..1, landings, v0).

    Each cycle crouches for 0.25 s, flies a parabola of the given apex height, absorbs the
    landing for 0.2 s and rests for the remainder of `period`.
    """
    v0 = float(np.sqrt(2 * G * height))
    flight = 2 * v0 / G
    local = np.mod(t - start, period)
    active = t >= start
    tau = local - 0.25
    in_air = active & (tau > 0) & (tau < flight)
    lift = np.where(in_air, v0 * tau - 0.5 * G * tau * tau, 0.0)
    progress = np.where(in_air, tau / flight, 0.0)
    dip_in = np.clip(local / 0.25, 0, 1)
    dip_out = np.clip(1 - (tau - flight) / 0.2, 0, 1)
    depth = np.where(
        ~active | in_air, 0.0, np.where(tau <= 0, np.sin(np.pi / 2 * dip_in), dip_out) * crouch
    )
    depth = np.where(active & (tau > flight + 0.2), 0.0, depth)
    horizon = float(t[-1]) if len(t) else 0.0
    landings = []
    n = 0
    while start + n * period + 0.25 + flight < horizon + period:
        landings.append(start + n * period + 0.25 + flight)
        n += 1
    return lift, depth, progress, landings, v0
