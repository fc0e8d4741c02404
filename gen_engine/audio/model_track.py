"""A joint audio-video model's own track made into the clip's soundtrack.

The model's waveform comes at its vocoder's rate (16-48 kHz), mono or stereo, and within a few
milliseconds of the picture's length; the file wants 48 kHz stereo of exactly the clip's length
at the site's loudness (-16 LUFS, true peaks under -1 dBTP). "model" keeps the model's track
alone; "mix" lays the engine's foley and sound cues over it with the engine's ambience bed
under it, and leaves out the engine's eSpeak voices, since the model speaks the dialogue.

When the picture follows the physics render, the sound must follow its events too. The model
is not made to, so the engine measures it: `impacts_heard` finds, for each simulated contact, a
sharp rise in level where the frame that draws it is shown. A track that misses them gets the
engine's foley mixed in, which puts each contact on its exact sample.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from scipy import signal

from gen_engine.audio import Stems, master_over_bed
from gen_engine.audio.foley import sounding_at
from gen_engine.audio.synth import Stereo
from gen_engine.types import Event

# What counts as hearing a contact: the 25 ms after it at least 6 dB over the 60 ms before it.
ONSET_RISE_DB = 6.0
ONSET_AFTER_S = 0.025
ONSET_BEFORE_S = 0.060
# A physics-guided track must land this share of the clip's contacts, or the foley is mixed in.
IMPACTS_KEPT_MIN = 0.8
# Under the engine's foley the model's track is ducked around each contact (from a little before,
# so the contact is a rise and not a bump in a loud bed, to a little after its ring).
DUCK_DB = 18.0
DUCK_LEAD_S = 0.09
DUCK_HOLD_S = 0.15
DUCK_RAMP_S = 0.01
_LOUD_CONTACTS = ("impact", "land", "splash", "break")


def fit(track: npt.NDArray[np.float32], rate: int, duration: float, sample_rate: int) -> Stereo:
    """`track` (channels, samples) at `rate` as (round(duration * sample_rate), 2) stereo."""
    if track.ndim != 2 or track.shape[1] == 0:
        return np.zeros((round(duration * sample_rate), 2), np.float32)
    channels = track[:2] if track.shape[0] >= 2 else np.repeat(track[:1], 2, axis=0)
    if rate != sample_rate:
        divisor = int(np.gcd(rate, sample_rate))
        channels = signal.resample_poly(channels, sample_rate // divisor, rate // divisor, axis=1)
    stereo = np.ascontiguousarray(np.asarray(channels, np.float32).T)
    stereo = np.nan_to_num(stereo, nan=0.0, posinf=0.0, neginf=0.0)
    count = round(duration * sample_rate)
    if stereo.shape[0] >= count:
        return stereo[:count]
    fade = min(stereo.shape[0], int(0.01 * sample_rate))  # no click where the model's track ends
    if fade:
        stereo[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    return np.concatenate([stereo, np.zeros((count - stereo.shape[0], 2), np.float32)])


def soundtrack(
    model_track: Stereo, stems: Stems, mode: str, sample_rate: int, contacts: Iterable[float] = ()
) -> Stereo:
    """The mastered soundtrack for `mode` "model" or "mix" from the fitted model track; in a
    mix the model's track is ducked around the `contacts` the engine's foley sounds."""
    if mode == "mix":
        ducked = model_track * duck_envelope(len(model_track), contacts, sample_rate)[:, None]
        return master_over_bed(ducked + stems.effects, stems.bed, sample_rate)
    silent = np.zeros_like(model_track)
    return master_over_bed(model_track, silent, sample_rate)


def duck_envelope(count: int, times: Iterable[float], sample_rate: int) -> npt.NDArray[np.float32]:
    """Gain per sample: 1, dipping by DUCK_DB from DUCK_LEAD_S before each time to DUCK_HOLD_S
    after it, with short linear ramps so the dip itself makes no click."""
    dip = np.zeros(count, np.float32)
    ramp = max(1, round(DUCK_RAMP_S * sample_rate))
    for moment in times:
        start = round((moment - DUCK_LEAD_S) * sample_rate)
        stop = round((moment + DUCK_HOLD_S) * sample_rate)
        low, high = max(0, start - ramp), min(count, stop + ramp)
        if low >= high:
            continue
        index = np.arange(low, high)
        rising = np.interp(index, [start - ramp, start], [0.0, 1.0])
        falling = np.interp(index, [stop, stop + ramp], [1.0, 0.0])
        dip[low:high] = np.maximum(dip[low:high], np.minimum(rising, falling))
    floor = np.float32(10 ** (-DUCK_DB / 20))
    return np.asarray(1.0 - dip * (1.0 - floor), np.float32)


def contact_times(events: Iterable[Event], fps: int) -> list[float]:
    """When each loud contact is shown (its frame's instant), as the foley places it."""
    return [sounding_at(e, fps) for e in events if e.kind in _LOUD_CONTACTS]


def impacts_heard(track: Stereo, times: Iterable[float], sample_rate: int) -> float:
    """The share of `times` at which `track` rises sharply (1.0 when there are none)."""
    moments = list(times)
    if not moments:
        return 1.0
    mono = np.abs(track).mean(axis=1) if track.ndim == 2 else np.abs(track)
    heard = 0
    for moment in moments:
        at = round(moment * sample_rate)
        before = mono[max(0, at - round(ONSET_BEFORE_S * sample_rate)) : max(0, at - 1)]
        after = mono[at : at + round(ONSET_AFTER_S * sample_rate)]
        if after.size == 0:
            continue
        level_after = float(np.sqrt(np.mean(after**2)))
        level_before = float(np.sqrt(np.mean(before**2))) if before.size else 0.0
        if level_after > 1e-4 and level_after >= level_before * 10 ** (ONSET_RISE_DB / 20):
            heard += 1
    return heard / len(moments)
