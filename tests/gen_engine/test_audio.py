"""The mixer on synthetic plans and event timelines (the decoded-MP4 checks are in
test_pipeline*.py): onsets on their exact sample, loudness from speed, timbre from material,
ambience and cues, dialogue panning, mastering and speed."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import band_energy, make_plan, make_sim, rms
from scipy import signal

from gen_engine import speech
from gen_engine.audio import SAMPLE_RATE, foley, master, mix_audio
from gen_engine.types import Event, SpokenLine

SR = SAMPLE_RATE


def _impact(time_s: float, material: str = "rubber", speed: float = 5.0, pan: float = 0.0) -> Event:
    return Event(
        "impact", time_s, int(time_s * 24), "ball", speed=speed, material=material, pan=pan
    )


def _centroid(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x))
    freqs = np.fft.rfftfreq(x.size, 1.0 / SR)
    return float((spectrum * freqs).sum() / spectrum.sum())


def _solo(event: Event, seconds: float = 2.0) -> np.ndarray:
    bus = np.zeros((int(seconds * SR), 2), np.float32)
    foley.render_events(bus, (event,), (), "hard", np.random.default_rng(0), SR)
    return bus


def test_impact_onset_lands_on_its_exact_sample() -> None:
    for moment in (0.5, 1.2345, 1.7771):
        bus = _solo(_impact(moment))
        onset = round(moment * SR)
        assert not bus[: onset + 1].any()  # silent up to and including the onset sample...
        assert np.abs(bus[onset + 1]).max() > 0  # ...sounding from the very next one


def test_impact_onset_is_found_in_the_mastered_mix_within_a_millisecond() -> None:
    moment = 2.3456
    plan = make_plan(dialogue=(), setting="studio")
    event = _impact(moment, "metal", 8.0)
    sim = make_sim((event,))
    mix = mix_audio(plan, sim, (), 5.0)
    # Above 1 kHz the room tone is faint and the struck metal is not.
    treble = signal.sosfilt(signal.butter(4, 1000, "highpass", fs=SR, output="sos"), mix[:, 0])
    onset = round(event.frame / sim.fps * SR)  # from the frame that shows the contact
    window = treble[onset - 4800 : onset + 4800]
    bed = np.abs(window[:4000]).max()
    first_loud = int(np.argmax(np.abs(window) > 4 * bed)) + onset - 4800
    assert abs(first_loud - onset) <= SR // 1000


def test_faster_impacts_are_louder() -> None:
    quiet = rms(_solo(_impact(0.2, speed=1.0)))
    loud = rms(_solo(_impact(0.2, speed=8.0)))
    assert loud > 4 * quiet  # >= 12 dB for an 8x faster hit


def test_material_sets_timbre_and_ring_length() -> None:
    sounds = {m: _solo(_impact(0.1, m))[:, 0] for m in ("rubber", "wood", "metal", "glass")}
    centroids = {m: _centroid(x) for m, x in sounds.items()}
    assert centroids["rubber"] < centroids["wood"] < centroids["glass"]
    assert centroids["rubber"] < centroids["metal"]

    def ring_seconds(x: np.ndarray) -> float:
        envelope = np.abs(x)
        return float(np.flatnonzero(envelope > 0.01 * envelope.max())[-1] / SR)

    assert ring_seconds(sounds["metal"]) > 3 * ring_seconds(sounds["wood"])
    assert ring_seconds(sounds["glass"]) > 2 * ring_seconds(sounds["rubber"])


def test_footsteps_differ_by_surface() -> None:
    rng = np.random.default_rng(1)
    sand = foley.footstep("sand", False, rng, SR)
    hard = foley.footstep("hard", False, rng, SR)
    snow = foley.footstep("snow", False, rng, SR)
    assert _centroid(sand) < _centroid(hard) < _centroid(snow)
    assert foley.surface_for("beach", "clear") == "sand"
    assert foley.surface_for("city street", "rain") == "wet"


def test_mix_is_mastered_to_minus_16_lufs_without_clipping() -> None:
    events = tuple(_impact(0.3 + 0.4 * i, "metal", 15.0) for i in range(10))  # very hot hits
    for setting, weather in (("beach", "clear"), ("city street", "rain"), ("forest", "wind")):
        plan = make_plan(setting=setting, weather=weather, dialogue=())
        mix = mix_audio(plan, make_sim(events), (), 5.0)
        assert mix.shape == (5 * SR, 2) and mix.dtype == np.float32
        assert abs(master.integrated_loudness(mix, SR) + 16.0) < 0.5
        assert 20 * np.log10(master.true_peak(mix)) <= -1.0


def test_settings_have_different_ambience() -> None:
    def spectrum_share(setting: str, low: float, high: float) -> float:
        mix = mix_audio(make_plan(setting=setting, dialogue=()), make_sim(), (), 5.0)
        mono = mix.mean(axis=1)
        return band_energy(mono, SR, low, high) / band_energy(mono, SR, 20, 20000)

    # A studio is mostly low room tone; a beach's surf wash reaches into the kHz.
    assert spectrum_share("studio", 20, 300) > 0.6
    assert spectrum_share("beach", 500, 3000) > 2 * spectrum_share("studio", 500, 3000)
    # Places heard through their recipe: a river washes like a lake, a savanna has the
    # field's birds (kHz chirps), neither sounds like an empty room.
    assert spectrum_share("river", 500, 3000) > 2 * spectrum_share("studio", 500, 3000)
    assert spectrum_share("savanna", 2000, 8000) > 2 * spectrum_share("studio", 2000, 8000)


def test_sound_cues_are_heard() -> None:
    quiet = mix_audio(make_plan(dialogue=(), sound_cues=()), make_sim(), (), 10.0)
    siren = mix_audio(make_plan(dialogue=(), sound_cues=("police siren",)), make_sim(), (), 10.0)
    share_quiet = band_energy(quiet.mean(1), SR, 550, 1250) / band_energy(
        quiet.mean(1), SR, 20, 2e4
    )
    share_siren = band_energy(siren.mean(1), SR, 550, 1250) / band_energy(
        siren.mean(1), SR, 20, 2e4
    )
    assert share_siren > 5 * share_quiet


def test_dialogue_is_placed_and_panned_to_the_speaker() -> None:
    plan = make_plan(setting="studio")
    (line,) = speech.synthesize_dialogue(plan, 5.0, 24)
    right = Event("speech", line.start, 14, "girl", pan=1.0, duration=line.duration)
    mix = mix_audio(plan, make_sim((right,)), (line,), 5.0)
    inside = mix[int(line.start * SR) : int((line.start + line.duration) * SR)]
    before = mix[: int(line.start * SR) - 2400]

    def speech_band(x: np.ndarray) -> float:
        return band_energy(x, SR, 300, 3400) / x.size

    # Speech stands well above the room tone (>= 20 dB in the voice band) and is panned right.
    assert speech_band(inside.mean(axis=1)) > 100 * speech_band(before.mean(axis=1))
    assert rms(inside[:, 1]) > 2 * rms(inside[:, 0])


def test_mix_is_deterministic() -> None:
    """The mix's speed is measured by bench/engine.py (its "audio" stage), not timed here."""
    plan = make_plan(setting="city street", weather="rain", sound_cues=("thunder", "dog bark"))
    spoken = speech.synthesize_dialogue(plan, 10.0, 24)
    events = tuple(_impact(0.2 + 0.3 * i, ("rubber", "wood", "metal")[i % 3]) for i in range(30))
    sim = make_sim(events, seconds=10)
    first = mix_audio(plan, sim, spoken, 10.0)
    again = mix_audio(plan, sim, spoken, 10.0)
    assert np.array_equal(first, again)
    assert np.abs(first).max() > 0.01  # not trivially equal: there is sound in it


def test_silent_plan_and_tiny_duration_do_not_break_mastering() -> None:
    spoken: tuple[SpokenLine, ...] = ()
    mix = mix_audio(make_plan(dialogue=(), setting="space"), make_sim(), spoken, 0.3)
    assert mix.shape == (round(0.3 * SR), 2)
    assert np.isfinite(mix).all() and np.abs(mix).max() < 1.0


@pytest.mark.parametrize(
    ("prompt", "cue", "low", "high"),
    [("a frog croaks by the pond", "croaking", 100, 1500),
     ("a cow moos on a farm", "mooing", 80, 1100),
     ("an owl hoots at night", "hooting", 300, 900),
     ("a bird sings in a tree", "birdsong", 2500, 9000)],
)  # fmt: skip
def test_creatures_are_heard_in_their_own_voice(prompt: str, cue: str, low: float,
                                                high: float) -> None:  # fmt: skip
    """The director hears the verb as the creature's call and the mixer voices it: energy in
    the call's band rises well above the same scene without it."""
    from gen_engine.director import plan_scene

    assert cue in plan_scene(prompt).sound_cues
    quiet = mix_audio(make_plan(setting="studio", dialogue=(), sound_cues=()), make_sim(), (), 5.0)
    call = mix_audio(make_plan(setting="studio", dialogue=(), sound_cues=(cue,)), make_sim(), (),
                     5.0)  # fmt: skip

    def share(mix: np.ndarray) -> float:
        mono = mix.mean(axis=1)
        return band_energy(mono, SR, low, high) / band_energy(mono, SR, 20, 20000)

    assert share(call) > 2 * share(quiet)
