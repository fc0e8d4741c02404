"""Sounds for the physics event timeline: impacts, footsteps, landings, splashes, whooshes.

Each event's onset lands on sample round(time * sample_rate), so what the picture shows on a
frame is heard on the matching sample. Loudness follows impact speed; timbre follows material
(modal synthesis for solids, filtered noise bursts for soft and granular things).
"""

from __future__ import annotations

import math

import numpy as np

from gen_engine.audio import synth
from gen_engine.audio.synth import Mono, Stereo
from gen_engine.types import Event, Subject

REFERENCE_SPEED = 6.0  # m/s that plays at unit gain
MAX_FOLEY_EVENTS = 600  # a hostile plan cannot make the mix slow

# Modes for a 0.25 m body: (frequency Hz, decay s, amplitude). Bigger bodies ring lower.
_MATERIAL_MODES: dict[str, list[tuple[float, float, float]]] = {
    "rubber": [(140.0, 0.045, 1.0), (310.0, 0.03, 0.35), (620.0, 0.015, 0.12)],
    "wood": [(520.0, 0.06, 1.0), (1150.0, 0.035, 0.5), (1900.0, 0.02, 0.3), (2900.0, 0.012, 0.2)],
    "metal": [(880.0, 0.7, 1.0), (2390.0, 0.5, 0.6), (4460.0, 0.35, 0.4), (7000.0, 0.2, 0.2)],
    "glass": [(2100.0, 0.35, 1.0), (4600.0, 0.25, 0.6), (7300.0, 0.15, 0.35)],
    "stone": [(300.0, 0.04, 1.0), (780.0, 0.025, 0.5), (1700.0, 0.015, 0.3)],
    "plastic": [(700.0, 0.05, 1.0), (1600.0, 0.03, 0.5), (3100.0, 0.015, 0.25)],
    "ceramic": [(1600.0, 0.15, 1.0), (3900.0, 0.09, 0.5), (6100.0, 0.05, 0.3)],
    "ice": [(1900.0, 0.08, 1.0), (4200.0, 0.05, 0.5)],
    "flesh": [(110.0, 0.04, 1.0), (240.0, 0.02, 0.3)],
}
# How much of the hit is a noise burst (soft and rough materials) vs ringing modes.
_NOISE_SHARE = {"rubber": 0.5, "flesh": 0.7, "cloth": 1.0, "paper": 0.9, "stone": 0.6}
_ALIASES = {
    "steel": "metal", "iron": "metal", "tin": "metal", "aluminium": "metal", "aluminum": "metal",
    "crystal": "glass", "porcelain": "ceramic", "clay": "ceramic", "rock": "stone",
    "concrete": "stone", "brick": "stone", "body": "flesh", "fur": "flesh", "skin": "flesh",
    "fabric": "cloth", "cardboard": "paper", "foam": "cloth", "leather": "flesh",
}  # fmt: skip

# Footstep character per ground: (noise band low, high Hz, decay s, gain).
_SURFACES: dict[str, tuple[float, float, float, float]] = {
    "hard": (300.0, 5000.0, 0.035, 0.8),
    "sand": (150.0, 2500.0, 0.08, 0.5),
    "snow": (700.0, 6000.0, 0.09, 0.55),
    "grass": (500.0, 7000.0, 0.06, 0.45),
    "wood": (180.0, 3500.0, 0.05, 0.75),
    "wet": (800.0, 9000.0, 0.07, 0.7),
    "none": (200.0, 2000.0, 0.03, 0.3),
}


def material_family(material: str) -> str:
    word = material.strip().lower()
    if word in _MATERIAL_MODES or word in _NOISE_SHARE:
        return word
    for alias, family in _ALIASES.items():
        if alias in word:
            return family
    for family in _MATERIAL_MODES:
        if family in word:
            return family
    return "rubber"


# Footstep surface for each ground material of gen_engine.physics (which also drives bounces).
_GROUND_SURFACE = {
    "sand": "sand", "snow": "snow", "grass": "grass", "dirt": "grass", "floor": "wood",
    "water": "wet", "asphalt": "hard", "concrete": "hard", "tile": "hard", "stone": "hard",
}  # fmt: skip


def surface_for(setting: str, weather: str) -> str:
    """What footsteps sound like: the physics ground of the setting, wet when it rains outside."""
    from gen_engine.physics import ground_material

    surface = _GROUND_SURFACE.get(ground_material(setting), "hard")
    indoor = any(word in setting.lower() for word in ("studio", "kitchen", "room", "gym"))
    if weather == "rain" and not indoor and surface in ("hard", "grass"):
        return "wet"
    if "space" in setting.lower():
        return "none"
    return surface


def speed_gain(speed: float) -> float:
    """Gain for an impact at `speed` m/s: +-6 dB per doubling, capped so nothing explodes."""
    clipped = min(max(abs(speed), 0.15), 20.0)
    return float(min(2.0, (clipped / REFERENCE_SPEED) ** 1.0))


def impact(
    material: str, size: float, speed: float, rng: np.random.Generator, sample_rate: int
) -> Mono:
    family = material_family(material)
    scale = math.sqrt(0.25 / min(max(size, 0.03), 5.0))  # modal frequency ~ 1 / sqrt(size)
    table = _MATERIAL_MODES.get(family, _MATERIAL_MODES["rubber"])
    detune = rng.uniform(0.96, 1.04, len(table))
    freqs = [f * scale * d for (f, _, _), d in zip(table, detune, strict=True)]
    decays = [tau for _, tau, _ in table]
    # Harder hits excite the upper modes more (brighter).
    brightness = min(1.5, 0.5 + speed / REFERENCE_SPEED)
    amps = [a * brightness**i for i, (_, _, a) in enumerate(table)]
    length = min(1.2, max(decays) * 5.0 + 0.02)
    ring = synth.modes(freqs, decays, amps, length, sample_rate)
    noise_share = _NOISE_SHARE.get(family, 0.25)
    burst = rng.standard_normal(ring.size).astype(np.float32)
    cutoff = 900.0 * scale if family in ("rubber", "flesh", "cloth") else 4000.0 * scale
    burst = synth.lowpass(burst, cutoff, sample_rate) * synth.decay(ring.size, 0.012, sample_rate)
    sound = (1.0 - noise_share) * ring / _peak(ring) + noise_share * burst / _peak(burst)
    return (sound * synth.decay(ring.size, length, sample_rate, attack=0.0005)).astype(np.float32)


def footstep(surface: str, heavy: bool, rng: np.random.Generator, sample_rate: int) -> Mono:
    low, high, tau, gain = _SURFACES.get(surface, _SURFACES["hard"])
    count = int((tau * 5 + 0.01) * sample_rate)
    noise = rng.standard_normal(count).astype(np.float32)
    body = synth.bandpass(noise, low, high, sample_rate) * synth.decay(count, tau, sample_rate)
    thump = synth.modes([90.0 if heavy else 120.0], [0.03], [1.0], count / sample_rate, sample_rate)
    sound = body / _peak(body) + (0.6 if heavy else 0.3) * thump
    return (sound * gain / _peak(sound)).astype(np.float32)


def splash(speed: float, rng: np.random.Generator, sample_rate: int) -> Mono:
    seconds = 0.45 + min(speed, 10.0) * 0.05
    count = int(seconds * sample_rate)
    noise = rng.standard_normal(count).astype(np.float32)
    env = synth.decay(count, seconds / 4, sample_rate, attack=0.004)
    body = synth.bandpass(noise, 300.0, 6000.0, sample_rate) * env
    # Bubbles: short rising blips after the hit.
    t = np.arange(count, dtype=np.float32) / sample_rate
    for _ in range(8):
        at = rng.uniform(0.02, seconds * 0.7)
        freq = rng.uniform(500.0, 1400.0)
        window = np.exp(-(((t - at) / 0.012) ** 2))
        body += (
            0.3 * window * synth.tone(freq * (1 + 3 * np.clip(t - at, 0, 1)), count, sample_rate)
        )
    return (body / _peak(body)).astype(np.float32)


def whoosh(speed: float, rng: np.random.Generator, sample_rate: int) -> Mono:
    seconds = 0.35
    count = int(seconds * sample_rate)
    noise = rng.standard_normal(count).astype(np.float32)
    low = synth.bandpass(noise, 250.0, 1200.0, sample_rate)
    high = synth.bandpass(noise, 1200.0, 5000.0, sample_rate)
    rise = np.sin(np.linspace(0.0, np.pi, count, dtype=np.float32)) ** 2
    sweep = np.linspace(0.0, 1.0, count, dtype=np.float32)
    sound = (low * (1 - sweep) + high * sweep * min(1.0, speed / REFERENCE_SPEED + 0.3)) * rise
    return np.asarray(sound / _peak(sound), np.float32)


SHOWN_CONTACTS = frozenset({"impact", "footstep", "land", "splash"})


def shatter(rng: np.random.Generator, sample_rate: int) -> Mono:
    """Something brittle breaking: a bright crack, then pieces tinkling down over a quarter
    of a second."""
    count = int(0.45 * sample_rate)
    out = np.zeros(count, np.float32)
    crack = synth.shaped_noise(rng, int(0.12 * sample_rate), sample_rate,
                               synth.band(2000.0, 9000.0, 0.4))  # fmt: skip
    out[: crack.size] += crack * synth.decay(crack.size, 0.03, sample_rate)
    for _ in range(6):
        piece = impact("glass", float(rng.uniform(0.02, 0.06)), float(rng.uniform(1.0, 2.5)), rng,
                       sample_rate)  # fmt: skip
        start = int(rng.uniform(0.02, 0.28) * sample_rate)
        end = min(count, start + piece.size)
        out[start:end] += 0.5 * piece[: end - start]
    return out / max(float(np.abs(out).max()), 1e-6)


def sounding_at(event: Event, fps: int | None) -> float:
    """When `event` sounds: a contact from the instant its frame is shown (see render_events)."""
    return event.frame / fps if fps and event.kind in SHOWN_CONTACTS else event.time


def render_events(
    bus: Stereo,
    events: tuple[Event, ...],
    subjects: tuple[Subject, ...],
    surface: str,
    rng: np.random.Generator,
    sample_rate: int,
    fps: int | None = None,
) -> None:
    """Mix every sounding event into `bus` (speech events are voiced by the dialogue track).

    With `fps`, a contact sounds from the instant its frame is shown (`event.frame / fps`: the
    first frame that draws it), not from the exact contact instant between two frames, which
    can be up to a frame earlier: what a viewer judges is sound against picture."""
    sizes = {s.id: s.size for s in subjects}
    for event in events[:MAX_FOLEY_EVENTS]:
        moment = sounding_at(event, fps)
        start = round(moment * sample_rate)
        size = sizes.get(event.subject, 0.25)
        if event.kind == "impact":
            sound = impact(event.material, size, event.speed, rng, sample_rate)
            gain = 0.7 * speed_gain(event.speed)
        elif event.kind in ("footstep", "land"):
            heavy = event.kind == "land"
            sound = footstep(surface, heavy, rng, sample_rate)
            gain = (0.45 if heavy else 0.22) * max(0.5, speed_gain(event.speed or 3.0))
        elif event.kind == "splash":
            sound = splash(event.speed, rng, sample_rate)
            gain = 0.6 * max(0.4, speed_gain(event.speed))
        elif event.kind == "break":
            sound = shatter(rng, sample_rate)
            gain = 0.8
        elif event.kind == "whoosh":
            sound = whoosh(event.speed, rng, sample_rate)
            gain = 0.25 * max(0.4, speed_gain(event.speed))
            start -= sound.size // 2  # a whoosh peaks on its moment, it does not start there
        else:
            continue
        synth.place(bus, sound, start, gain, event.pan)


def _peak(x: Mono) -> float:
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    return peak if peak > 1e-9 else 1.0
