"""eSpeak NG through ctypes: real synthesis, timing on the clip, voices, lip-sync envelope."""

from __future__ import annotations

import threading

import numpy as np
from conftest import make_plan, make_subject, rms

from gen_engine import speech
from gen_engine.types import MOUTH_RATE, DialogueLine


def _pitch_hz(samples: np.ndarray, sample_rate: int) -> float:
    """Median fundamental of voiced 40 ms windows by autocorrelation (60-400 Hz)."""
    size = int(0.04 * sample_rate)
    estimates = []
    for start in range(0, samples.size - size, size):
        window = samples[start : start + size]
        if rms(window) < 0.05:
            continue
        corr = np.correlate(window, window, mode="full")[size - 1 :]
        low, high = sample_rate // 400, sample_rate // 60
        lag = low + int(np.argmax(corr[low:high]))
        estimates.append(sample_rate / lag)
    return float(np.median(estimates))


def test_speak_returns_audible_speech_with_word_and_phoneme_marks() -> None:
    utterance = speech.speak("Watch this, I can bounce three balls.")
    assert utterance.sample_rate == 22050
    seconds = utterance.samples.size / utterance.sample_rate
    assert 1.0 < seconds < 4.0
    assert rms(utterance.samples) > 0.03
    assert len(utterance.words) == 7
    assert list(utterance.words) == sorted(utterance.words)
    vowels = [ipa for _, ipa in utterance.phonemes if any(c in "aeiouæʊɔʌə" for c in ipa)]
    assert len(vowels) >= 5


def test_hostile_text_is_cleaned_and_bounded() -> None:
    text = "\x00\x07<speak>hi</speak> \u202eabc \U0001f389" + "la " * 7000
    cleaned = speech.clean_text(text)
    assert "\x00" not in cleaned and "\u202e" not in cleaned
    assert len(cleaned) <= speech.MAX_LINE_CHARS
    utterance = speech.speak(text, voice="no-such-voice")  # falls back to en-us
    assert utterance.samples.size > 0
    blank = speech.speak(" \n\t ").samples
    assert blank.size == 0 or np.max(np.abs(blank)) < 1e-3


def test_lines_are_sequential_from_first_start_with_gaps() -> None:
    plan = make_plan(
        subjects=(make_subject("a", voice="en-us"), make_subject("b", voice="en-us+f3")),
        dialogue=(DialogueLine("a", "Hello there."), DialogueLine("b", "Hi, how are you?")),
    )
    lines = speech.synthesize_dialogue(plan, 10.0, 24)
    assert [line.speaker for line in lines] == ["a", "b"]
    assert abs(lines[0].start - speech.FIRST_LINE_START) <= 1 / 24
    gap = lines[1].start - (lines[0].start + lines[0].duration)
    assert speech.LINE_GAP - 1 / 24 <= gap <= speech.LINE_GAP + 1 / 24
    for line in lines:
        assert round(line.start * 24) == line.start * 24  # starts on a frame
        assert line.samples.size / line.sample_rate == line.duration
        assert line.mouth.size == int(np.ceil(line.duration * MOUTH_RATE))


def test_lines_that_overrun_are_cut_at_a_word_and_late_ones_dropped() -> None:
    long_text = (
        "This sentence keeps going and going and going, on and on, far past the end of the clip."
    )
    plan = make_plan(dialogue=(DialogueLine("girl", long_text), DialogueLine("girl", "Too late.")))
    lines = speech.synthesize_dialogue(plan, 5.0, 24)
    full = speech.speak(long_text, voice="en-us+f3")
    # The line really would overrun the 5 s clip.
    assert speech.FIRST_LINE_START + full.samples.size / full.sample_rate > 5.5
    assert len(lines) == 1  # the second line has no room and is dropped
    end = lines[0].start + lines[0].duration
    assert end <= 5.0 - speech.END_MARGIN
    # Cut on a word boundary and faded: the last samples are near silent.
    assert np.max(np.abs(lines[0].samples[-20:])) < 0.05


def test_characters_sharing_a_voice_get_distinct_pitches() -> None:
    plan = make_plan(
        subjects=(make_subject("a", voice="en-us"), make_subject("b", voice="en-us")),
        dialogue=(DialogueLine("a", "I am speaking now."), DialogueLine("b", "I am speaking now.")),
    )
    first, second = speech.synthesize_dialogue(plan, 10.0, 24)
    pitch_a = _pitch_hz(first.samples, first.sample_rate)
    pitch_b = _pitch_hz(second.samples, second.sample_rate)
    assert abs(pitch_a - pitch_b) / min(pitch_a, pitch_b) > 0.1


def test_mouth_opens_on_vowels_and_closes_in_silence() -> None:
    plan = make_plan(dialogue=(DialogueLine("girl", "Mama, look at that!"),))
    (line,) = speech.synthesize_dialogue(plan, 5.0, 24)
    hop = line.sample_rate // MOUTH_RATE
    energy = np.array([rms(line.samples[i * hop : (i + 1) * hop]) for i in range(line.mouth.size)])
    assert line.mouth.max() > 0.8
    voiced = np.flatnonzero(energy >= 0.005)
    first, last = int(voiced[0]), int(voiced[-1])
    # Shut before the voice starts and after it ends (the envelope follows the phoneme timings,
    # not the samples, which eSpeak NG does not repeat exactly from run to run).
    assert line.mouth[: max(first - 2, 0)].max(initial=0.0) < 0.2
    assert line.mouth[last + 4 :].max(initial=0.0) < 0.2
    # Open while the voice is loud: most loud windows have the mouth visibly open.
    loud = energy > 0.3 * energy.max()
    assert np.mean(line.mouth[loud] > 0.3) > 0.7


def test_speak_is_deterministic_across_threads() -> None:
    texts = ["One two three.", "The quick brown fox.", "Bounce the ball!", "Good night."]
    expected = {text: speech.speak(text).samples for text in texts}
    results: dict[str, list[np.ndarray]] = {text: [] for text in texts}

    def worker(text: str) -> None:
        for _ in range(3):
            results[text].append(speech.speak(text).samples)

    threads = [threading.Thread(target=worker, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for text in texts:
        for samples in results[text]:
            assert np.array_equal(samples, expected[text])
