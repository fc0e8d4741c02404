"""The soundtrack: foley from the event timeline, ambience, sound cues and dialogue, mastered.

`mix_audio` is deterministic for a given plan seed: every random choice draws from one generator
seeded from the plan, so the same spec gives the same samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from gen_engine.audio import ambience, foley, master, synth
from gen_engine.audio.synth import Mono, Stereo
from gen_engine.types import ScenePlan, Simulation, SpokenLine

__all__ = ["Stems", "engine_mix", "engine_stems", "master_over_bed", "mix_audio", "speaker_pan"]

SAMPLE_RATE = 48000
DIALOGUE_GAIN = 1.0
CUE_GAIN = 0.5
BED_UNDER_FOREGROUND_LU = 20.0


@dataclass(frozen=True)
class Stems:
    """The soundtrack before the master: what happens (foley and cues), who speaks, the bed."""

    effects: Stereo
    dialogue: Stereo
    bed: Stereo


def mix_audio(
    plan: ScenePlan,
    sim: Simulation,
    spoken: tuple[SpokenLine, ...],
    duration: float,
    sample_rate: int = SAMPLE_RATE,
) -> Stereo:
    """The clip's stereo soundtrack, (round(duration * sample_rate), 2) float32 in -1..1,
    at about -16 LUFS integrated and true peaks under -1 dBFS."""
    return engine_mix(engine_stems(plan, sim, spoken, duration, sample_rate), sample_rate)


def engine_mix(stems: Stems, sample_rate: int = SAMPLE_RATE) -> Stereo:
    """The default engine's soundtrack from its stems: everything that happens and is said,
    the bed under it, mastered."""
    return master_over_bed(stems.effects + stems.dialogue, stems.bed, sample_rate)


def engine_stems(
    plan: ScenePlan,
    sim: Simulation,
    spoken: tuple[SpokenLine, ...],
    duration: float,
    sample_rate: int = SAMPLE_RATE,
) -> Stems:
    count = round(duration * sample_rate)
    rng = np.random.default_rng([plan.seed & 0xFFFFFFFF, 0x5EED])
    bed = ambience.ambience(plan.setting, plan.weather, plan.time_of_day, rng, count, sample_rate)
    effects = np.zeros((count, 2), np.float32)
    surface = foley.surface_for(plan.setting, plan.weather)
    foley.render_events(effects, sim.events, plan.subjects, surface, rng, sample_rate, fps=sim.fps)
    _add_cues(effects, plan.sound_cues, rng, duration, sample_rate)
    dialogue = np.zeros((count, 2), np.float32)
    for line in spoken:
        voice = _resample(line.samples, line.sample_rate, sample_rate)
        start = round(line.start * sample_rate)
        synth.place(dialogue, voice, start, DIALOGUE_GAIN, speaker_pan(sim, line))
    return Stems(effects, dialogue, bed)


def master_over_bed(front: Stereo, bed: Stereo, sample_rate: int) -> Stereo:
    """`front` with `bed` under it, mastered to the site's loudness."""
    # The bed sits a fixed distance under what happens, so normalizing the whole mix to the
    # target cannot blow a quiet room tone up over a single footstep. With nothing happening
    # the bed alone is the programme and is normalized like one.
    front_loudness = master.integrated_loudness(front, sample_rate)
    bed_loudness = master.integrated_loudness(bed, sample_rate)
    if np.isfinite(front_loudness) and np.isfinite(bed_loudness):
        wanted = front_loudness - BED_UNDER_FOREGROUND_LU
        bed = bed * np.float32(10.0 ** ((wanted - bed_loudness) / 20.0))
    return master.master(front + bed, sample_rate)


def speaker_pan(sim: Simulation, line: SpokenLine) -> float:
    """Where the speaker is on screen: the physics speech event's pan when it has one."""
    for event in sim.events:
        near = abs(event.time - line.start) < 0.25
        if event.kind == "speech" and event.subject == line.speaker and near:
            return float(np.clip(event.pan, -1.0, 1.0)) * 0.8
    return 0.0


def _add_cues(
    bus: Stereo, cues: tuple[str, ...], rng: np.random.Generator, duration: float, sr: int
) -> None:
    # Cues spread over the middle of the clip so none is cut by the start or the end.
    voiced = [
        (cue, sound) for cue in cues[:8] if (sound := ambience.cue_sound(cue, rng, sr)) is not None
    ]
    for index, (_, sound) in enumerate(voiced):
        at = duration * (0.2 + 0.6 * (index + 0.5) / len(voiced)) - 0.3 * sound.size / sr
        synth.place(bus, sound, int(max(0.0, at) * sr), CUE_GAIN, rng.uniform(-0.5, 0.5))


def _resample(samples: Mono, source_rate: int, target_rate: int) -> Mono:
    if source_rate == target_rate or samples.size == 0:
        return samples.astype(np.float32)
    divisor = int(np.gcd(source_rate, target_rate))
    up, down = target_rate // divisor, source_rate // divisor
    return np.asarray(signal.resample_poly(samples, up, down), np.float32)
