"""Beds for the setting and weather, and one-off sound cues (thunder, barking, sirens, ...).

Beds are seeded noise shaped in the frequency domain over the whole clip (one inverse FFT per
channel: cheaper than looping and filtering), with slow amplitude shapes (waves, gusts, passing
cars). Left and right use different noise so the bed is wide, not a mono point in the middle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import signal

from gen_engine.audio import synth
from gen_engine.audio.synth import Mono, Stereo
from gen_engine.catalogue import place as catalogue_place

BED_LEVEL = 0.035  # RMS of a bed before the master: well under dialogue and foley


Shape = Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]]


def _stereo_noise(rng: np.random.Generator, count: int, sr: int, shape: Shape) -> Stereo:
    return np.stack([synth.shaped_noise(rng, count, sr, shape) for _ in range(2)], axis=1)


def _slow(rng: np.random.Generator, count: int, sr: int, period: float, depth: float) -> Mono:
    """A smooth random swell between 1 - depth and 1, changing about once per `period`."""
    knots = max(3, int(count / sr / period) + 3)
    values = rng.uniform(1.0 - depth, 1.0, knots)
    x = np.linspace(0.0, knots - 1.0, count, dtype=np.float32)
    return np.interp(x, np.arange(knots), values).astype(np.float32)


def surf(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    wash = _stereo_noise(rng, count, sr, synth.band(60.0, 2500.0, 0.6))
    t = np.arange(count, dtype=np.float32) / sr
    period = rng.uniform(6.0, 8.5)
    phase = rng.uniform(0, 2 * np.pi)
    waves = 0.25 + 0.75 * (0.5 + 0.5 * np.sin(2 * np.pi * t / period + phase)) ** 3
    return wash * waves[:, None]


def traffic(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    rumble = _stereo_noise(rng, count, sr, synth.band(30.0, 350.0, 1.0))
    hiss = _stereo_noise(rng, count, sr, synth.band(300.0, 3000.0, 0.5))
    t = np.arange(count, dtype=np.float32) / sr
    passes = np.zeros((count, 2), np.float32)
    for _ in range(max(1, int(count / sr / 3))):
        at, width = rng.uniform(0, count / sr), rng.uniform(0.8, 1.8)
        side = rng.uniform(-1, 1)
        bump = np.exp(-(((t - at) / width) ** 2))
        passes[:, 0] += bump * (1 - side) / 2
        passes[:, 1] += bump * (1 + side) / 2
    return np.asarray(0.7 * rumble + hiss * (0.25 + 0.9 * passes), np.float32)


def wind(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    air = _stereo_noise(rng, count, sr, synth.band(80.0, 900.0, 0.8))
    return air * _slow(rng, count, sr, 1.5, 0.8)[:, None]


def rain(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    hiss = _stereo_noise(rng, count, sr, synth.band(900.0, 9000.0, 0.2))
    drops = np.zeros((count, 2), np.float32)
    positions = rng.integers(0, max(1, count - 1), int(count / sr * 40))
    drops[positions, rng.integers(0, 2, positions.size)] = rng.uniform(2, 6, positions.size)
    kernel = synth.modes([3200.0], [0.004], [1.0], 0.02, sr)
    ticks = np.asarray(signal.oaconvolve(drops, kernel[:, None], axes=0)[:count], np.float32)
    return np.asarray(hiss + 0.6 * ticks, np.float32)


def room_tone(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    air = _stereo_noise(rng, count, sr, synth.band(40.0, 400.0, 1.0))
    hum = 0.05 * synth.tone(60.0, count, sr) + 0.03 * synth.tone(120.0, count, sr)
    return 0.35 * air + hum[:, None]


def space_drone(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    drone = sum(synth.tone(f, count, sr) for f in (55.0, 82.4, 110.3))
    shimmer = _stereo_noise(rng, count, sr, synth.band(2000.0, 6000.0, 0.0))
    swell = _slow(rng, count, sr, 3.0, 0.5)
    return (0.3 * np.asarray(drone)[:, None] + 0.1 * shimmer) * swell[:, None]


def birds(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    out = np.zeros((count, 2), np.float32)
    for _ in range(int(count / sr * 1.2)):
        chirps = int(rng.integers(2, 6))
        start = int(rng.uniform(0, count / sr) * sr)
        base = rng.uniform(2500.0, 5000.0)
        for k in range(chirps):
            n = int(0.06 * sr)
            sweep = base * (1.0 + 0.4 * np.sin(np.linspace(0, np.pi, n, dtype=np.float32)))
            chirp = synth.tone(sweep, n, sr) * np.hanning(n).astype(np.float32)
            synth.place(out, chirp, start + k * int(0.09 * sr), 1.5, rng.uniform(-0.8, 0.8))
    return out


def crickets(rng: np.random.Generator, count: int, sr: int) -> Stereo:
    t = np.arange(count, dtype=np.float32) / sr
    pulse = (np.sin(2 * np.pi * 30 * t) > 0.6).astype(np.float32)
    gate = (np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)) > 0).astype(np.float32)
    chirp = synth.tone(4300.0, count, sr) * pulse * gate
    return np.stack([chirp, np.roll(chirp, int(0.13 * sr))], axis=1) * 0.8


Bed = Callable[[np.random.Generator, int, int], Stereo]
_SETTING_BEDS: tuple[tuple[tuple[str, ...], tuple[tuple[Bed, float], ...]], ...] = (
    (("beach", "ocean", "sea", "lake", "harbor", "harbour", "pier"), ((surf, 1.0),)),
    (("city", "street", "road", "town", "downtown", "parking", "market"), ((traffic, 1.0),)),
    (("forest", "jungle", "park", "meadow", "garden", "field", "mountain"),
     ((wind, 0.5), (birds, 0.7))),
    (("space", "moon", "planet", "orbit"), ((space_drone, 0.8),)),
    (("snow", "desert", "arctic", "tundra"), ((wind, 0.9),)),
)  # fmt: skip


def ambience(
    setting: str, weather: str, time_of_day: str, rng: np.random.Generator, count: int, sr: int
) -> Stereo:
    """The bed for a scene, at about BED_LEVEL RMS. A setting is heard through its recipe as
    well as its name: a savanna sounds like a field, a canyon like a desert, a river like a
    lake."""
    found = catalogue_place(setting)
    recipe = {"water": "lake"}.get(found.recipe, found.recipe) if found else ""
    place = f"{setting.lower()} {recipe}"
    layers: list[tuple[Bed, float]] = []
    for words, beds in _SETTING_BEDS:
        if any(word in place for word in words):
            layers.extend(beds)
            break
    else:
        layers.append((room_tone, 1.0))  # studio, kitchen, rooms and anything unknown
    outdoors = not any(bed is room_tone for bed, _ in layers)
    if time_of_day == "night" and outdoors and not any(bed is traffic for bed, _ in layers):
        layers = [(bed, level) for bed, level in layers if bed is not birds] + [(crickets, 0.5)]
    if weather == "rain":
        layers.append((rain, 1.2 if outdoors else 0.4))
    elif weather in ("wind", "snow") and not any(bed is wind for bed, _ in layers):
        layers.append((wind, 0.9))
    bus = np.zeros((count, 2), np.float32)
    for bed, level in layers:
        bus += level * bed(rng, count, sr)
    rms = float(np.sqrt(np.mean(bus**2))) if count else 0.0
    scale = BED_LEVEL / rms if rms > 0 else 0.0
    return synth.fade(bus * scale, 0.3, sr)


# --- one-off cues -------------------------------------------------------------------------


def thunder(rng: np.random.Generator, sr: int) -> Mono:
    count = int(3.5 * sr)
    rumble = synth.shaped_noise(rng, count, sr, synth.band(25.0, 300.0, 1.0))
    crack = synth.shaped_noise(rng, count, sr, synth.band(400.0, 5000.0, 0.3))
    env = synth.decay(count, 1.1, sr, attack=0.05) * _slow(rng, count, sr, 0.3, 0.6)
    return np.asarray((rumble * env + 0.6 * crack * synth.decay(count, 0.12, sr)) * 0.5, np.float32)


def bark(rng: np.random.Generator, sr: int) -> Mono:
    out = np.zeros(int(1.1 * sr), np.float32)
    for k in range(int(rng.integers(2, 4))):
        n = int(0.14 * sr)
        f0 = np.linspace(rng.uniform(420, 520), 300.0, n, dtype=np.float32)
        voiced = sum(synth.tone(f0 * h, n, sr) / h for h in range(1, 6))
        noise = rng.standard_normal(n).astype(np.float32) * 0.3
        sound = synth.bandpass(np.asarray(voiced) + noise, 300.0, 2500.0, sr)
        sound *= synth.decay(n, 0.05, sr, attack=0.008)
        start = int(k * 0.32 * sr)
        out[start : start + n] += sound
    return out


def applause(rng: np.random.Generator, sr: int) -> Mono:
    count = int(3.0 * sr)
    impulses = np.zeros(count, np.float32)
    hits = rng.integers(0, count, int(3.0 * 60))
    impulses[hits] = rng.uniform(0.4, 1.0, hits.size)
    clap = synth.bandpass(rng.standard_normal(int(0.012 * sr)).astype(np.float32), 800, 5000, sr)
    claps = signal.oaconvolve(impulses, clap)[:count]
    return synth.fade(claps.astype(np.float32), 0.5, sr) * 0.7


def siren(rng: np.random.Generator, sr: int) -> Mono:
    count = int(4.0 * sr)
    t = np.arange(count, dtype=np.float32) / sr
    freq = 900.0 + 350.0 * np.sin(2 * np.pi * 0.35 * t + rng.uniform(0, 6))
    wail = synth.tone(freq, count, sr) + 0.3 * synth.tone(freq * 2, count, sr)
    swell = np.sin(np.linspace(0, np.pi, count, dtype=np.float32))  # approaches, then passes
    return (wail * swell * 0.35).astype(np.float32)


def bell(rng: np.random.Generator, sr: int) -> Mono:
    base = rng.uniform(500.0, 700.0)
    return synth.modes([base, base * 2.0, base * 2.4, base * 3.0], [1.2, 0.8, 0.6, 0.4],
                       [1.0, 0.6, 0.5, 0.3], 2.5, sr) * 0.4  # fmt: skip


def horn(rng: np.random.Generator, sr: int) -> Mono:
    n = int(0.5 * sr)
    square = np.sign(synth.tone(420.0, n, sr)) + np.sign(synth.tone(520.0, n, sr))
    return synth.fade(synth.lowpass(square.astype(np.float32), 3000, sr) * 0.2, 0.01, sr)


def explosion(rng: np.random.Generator, sr: int) -> Mono:
    count = int(2.5 * sr)
    boom = synth.shaped_noise(rng, count, sr, synth.band(20.0, 1500.0, 1.0))
    return boom * synth.decay(count, 0.5, sr, attack=0.003) * 0.8


def music(rng: np.random.Generator, sr: int) -> Mono:
    scale = [261.6, 293.7, 329.6, 392.0, 440.0, 523.3]
    beat = 0.25
    out = np.zeros(int(8.0 * sr), np.float32)
    for k in range(int(8.0 / beat)):
        note = synth.modes([scale[int(rng.integers(0, len(scale)))]], [0.25], [1.0], 0.6, sr)
        start = int(k * beat * sr)
        end = min(out.size, start + note.size)
        out[start:end] += 0.25 * note[: end - start]
    return synth.fade(out, 0.4, sr)


def crowd(rng: np.random.Generator, sr: int) -> Mono:
    count = int(4.0 * sr)
    babble = synth.shaped_noise(rng, count, sr, synth.band(200.0, 3000.0, 0.5))
    syllables = _slow(rng, count, sr, 0.15, 0.7)
    return synth.fade(babble * syllables * 0.15, 0.5, sr)


_CUES: dict[str, Callable[[np.random.Generator, int], Mono]] = {
    "thunder": thunder, "lightning": thunder, "storm": thunder, "bark": bark, "dog": bark,
    "woof": bark, "applause": applause, "clap": applause, "cheer": applause, "siren": siren,
    "police": siren, "ambulance": siren, "bell": bell, "chime": bell, "horn": horn,
    "honk": horn, "explosion": explosion, "boom": explosion, "music": music, "song": music,
    "crowd": crowd, "chatter": crowd, "laugh": crowd,
}  # fmt: skip


@dataclass(frozen=True)
class Call:
    """An animal's voice, made from a few parameters: a pitch sweep, its length, how rough
    (a rattle rate, 0 for a clean voice), how many partials, how many times and how far apart,
    and how much breath (noise) is in it."""

    start_hz: float
    end_hz: float
    seconds: float
    rattle: float = 0.0
    partials: int = 5
    repeats: int = 1
    gap: float = 0.3
    breath: float = 0.1

    def render(self, rng: np.random.Generator, sr: int) -> Mono:
        n = int(self.seconds * sr)
        t = np.arange(n, dtype=np.float32) / sr
        pitch = np.linspace(self.start_hz, self.end_hz, n, dtype=np.float32)
        pitch *= 1.0 + 0.01 * np.sin(2 * np.pi * 5.5 * t)  # a living voice wavers
        voice = sum(synth.tone(pitch * k, n, sr) / k for k in range(1, self.partials + 1))
        voice = np.asarray(voice, np.float32)
        if self.rattle:
            voice *= 0.55 + 0.45 * np.sign(np.sin(2 * np.pi * self.rattle * t))
        voice += self.breath * rng.standard_normal(n).astype(np.float32)
        edge = max(int(0.015 * sr), 1)
        envelope = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / edge)
        one = (voice * envelope).astype(np.float32)
        step = int((self.seconds + self.gap) * sr)
        out = np.zeros(step * (self.repeats - 1) + n, np.float32)
        for k in range(self.repeats):
            out[k * step : k * step + n] += one * float(rng.uniform(0.8, 1.0))
        return out / max(float(np.abs(out).max()), 1e-6) * 0.6


# Checked before the other cues: "birdsong" is birds, not music.
CALLS: dict[str, Call] = {
    "bird": Call(3200, 4200, 0.09, partials=2, repeats=5, gap=0.12, breath=0.02),
    "meow": Call(700, 450, 0.6, partials=6),
    "neigh": Call(900, 500, 1.0, rattle=11, partials=6),
    "croak": Call(180, 140, 0.18, rattle=45, partials=8, repeats=3, gap=0.25),
    "quack": Call(620, 460, 0.16, rattle=60, partials=7, repeats=2, gap=0.2),
    "moo": Call(150, 115, 1.3, partials=7, breath=0.05),
    "roar": Call(130, 90, 1.4, rattle=28, partials=8, breath=0.5),
    "howl": Call(320, 560, 1.9, partials=4, breath=0.05),
    "hoot": Call(420, 380, 0.35, partials=2, repeats=3, gap=0.3, breath=0.05),
    "buzz": Call(230, 235, 2.0, rattle=120, partials=9, breath=0.05),
    "oink": Call(320, 250, 0.2, rattle=70, partials=6, repeats=2, gap=0.15),
    "bleat": Call(520, 480, 0.7, rattle=9, partials=6),
    "cluck": Call(720, 600, 0.08, partials=5, repeats=4, gap=0.14),
    "hiss": Call(3000, 3000, 1.2, partials=1, breath=1.5),
    "trumpet": Call(480, 720, 1.0, partials=9, breath=0.1),
    "squeak": Call(2600, 3100, 0.12, partials=2, repeats=2, gap=0.1),
}


def cue_sound(cue: str, rng: np.random.Generator, sr: int) -> Mono | None:
    """The sound for a plan cue, matched by keyword; None for a cue this mixer cannot voice."""
    word = cue.lower()
    for key, call in CALLS.items():
        if key in word:
            return call.render(rng, sr)
    for key, make in _CUES.items():
        if key in word:
            return make(rng, sr)
    return None
