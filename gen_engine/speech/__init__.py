"""Dialogue through eSpeak NG, via ctypes on the library that the espeakng-loader wheel ships.

The library runs in synchronous mode: `espeak_Synth` returns after the callback has received
every int16 chunk together with the WORD and PHONEME events, whose `audio_position` (ms) drives
lip sync. It runs in a short-lived child process (see `_espeak_child`): eSpeak NG carries hidden
state from one utterance to the next, so only a fresh library gives the same samples for the
same lines every time. That also makes speaking thread-safe without holding a process-wide lock
(each call has its own process); one child speaks all of a clip's lines (~30 ms start-up).

Timeline rules for `synthesize_dialogue`:
- lines are spoken in plan order, one after another: the first starts at FIRST_LINE_START,
  each next one LINE_GAP after the previous ends; every start falls on a frame;
- a line that would start later than END_MARGIN + MIN_LINE before the end is dropped, with
  every line after it;
- a line that would run past `duration - END_MARGIN` is cut at the last word boundary that fits
  (or hard-cut when no word fits) and faded out over FADE_SECONDS, so no voice ends in a click.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gen_engine.types import MOUTH_RATE, ScenePlan, SpokenLine, Subject

FIRST_LINE_START = 0.6
LINE_GAP = 0.35
END_MARGIN = 0.15
MIN_LINE = 0.4
FADE_SECONDS = 0.06
MAX_LINE_CHARS = 400  # ~25 s of speech: more than any clip can hold
MAX_LINES = 24  # at MIN_LINE + LINE_GAP each, more never fit in the longest clip
DEFAULT_VOICE = "en-us"
DEFAULT_RATE = 165  # words per minute
NEUTRAL_PITCH = 50  # eSpeak's 0..100 scale
CHILD_TIMEOUT = 30.0

_CHILD = Path(__file__).with_name("_espeak_child.py")
_VOWELS = set("aeiouyɑɐɒæɛɪɔʊʌəɜɝɚøœɨʉɯɤʏɘɵɞɶ")  # noqa: RUF001 (IPA vowels)
_LIP_CLOSURES = set("mbpw")


@dataclass(frozen=True)
class Utterance:
    """Raw synthesis of one text: mono samples plus timed word and phoneme marks."""

    samples: npt.NDArray[np.float32]
    sample_rate: int
    words: tuple[float, ...]  # start of each word, seconds
    phonemes: tuple[tuple[float, str], ...]  # (start seconds, IPA)


@dataclass(frozen=True)
class VoiceRequest:
    text: str
    voice: str = DEFAULT_VOICE
    rate: int = DEFAULT_RATE
    pitch: int = NEUTRAL_PITCH


def speak_many(requests: list[VoiceRequest]) -> list[Utterance]:
    """Synthesize each request (in order, in one fresh eSpeak NG process)."""
    import espeakng_loader

    cleaned = [
        {"text": clean_text(r.text), "voice": r.voice, "rate": r.rate, "pitch": r.pitch}
        for r in requests
    ]
    if not cleaned:
        return []
    command = [
        sys.executable, "-I", "-S", str(_CHILD),
        espeakng_loader.get_library_path(), espeakng_loader.get_data_path(),
    ]  # fmt: skip
    # S603: the command is this interpreter and a file of this package; the text goes via stdin.
    completed = subprocess.run(  # noqa: S603
        command,
        input=json.dumps({"lines": cleaned}).encode("utf-8"),
        capture_output=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip()[-500:]
        raise RuntimeError(f"eSpeak NG failed (exit {completed.returncode}): {detail}")
    header, _, pcm = completed.stdout.partition(b"\n")
    meta: dict[str, Any] = json.loads(header)
    rate = int(meta["sample_rate"])
    audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    utterances: list[Utterance] = []
    offset = 0
    for item in meta["utterances"]:
        count = int(item["samples"])
        utterances.append(
            Utterance(
                samples=audio[offset : offset + count].copy(),
                sample_rate=rate,
                words=tuple(float(w) for w in item["words"]),
                phonemes=tuple((float(t), str(ipa)) for t, ipa in item["phonemes"]),
            )
        )
        offset += count
    return utterances


def speak(
    text: str, voice: str = DEFAULT_VOICE, rate: int = DEFAULT_RATE, pitch: int = NEUTRAL_PITCH
) -> Utterance:
    """Synthesize `text` with eSpeak NG; unknown voices fall back to en-us. Thread-safe."""
    return speak_many([VoiceRequest(text, voice, rate, pitch)])[0]


def clean_text(text: str) -> str:
    """Printable text only (no control or format characters), whitespace collapsed, capped."""
    kept = [
        " " if unicodedata.category(ch)[0] in "CZ" else ch
        for ch in text[: MAX_LINE_CHARS * 4]  # bound the work before the cap below
    ]
    return " ".join("".join(kept).split())[:MAX_LINE_CHARS]


def mouth_envelope(utterance: Utterance, seconds: float) -> npt.NDArray[np.float32]:
    """Openness 0..1 at MOUTH_RATE Hz from the phoneme timings: vowels open, closures shut, the
    mouth closes briefly between words."""
    count = max(1, int(np.ceil(seconds * MOUTH_RATE)))
    shape = np.zeros(count, np.float32)
    marks = list(utterance.phonemes)
    for index, (start, ipa) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else seconds
        first = int(start * MOUTH_RATE)
        last = min(count, max(first + 1, int(end * MOUTH_RATE)))
        shape[first:last] = _openness(ipa)
    # Shapes only, not the audio's loudness: eSpeak NG's voice variants add noise that is not
    # repeatable from run to run (the samples differ slightly, the phoneme timings do not), and
    # the frames drawn from this envelope must be identical for the same spec and seed.
    mouth = shape
    # Between words the mouth closes: a word boundary shuts it for ~30 ms.
    for start in utterance.words[1:]:
        index = int(start * MOUTH_RATE)
        mouth[max(0, index - 1) : index + 2] *= 0.15
    smoothed = np.convolve(mouth, np.array([0.25, 0.5, 0.25], np.float32), mode="same")
    return np.clip(smoothed, 0.0, 1.0).astype(np.float32)


def _openness(ipa: str) -> float:
    letters = [ch for ch in ipa if ch not in "ˈˌːˑ" and (ch.isalpha() or ch in _VOWELS)]
    if not letters:
        return 0.0
    if any(ch in _VOWELS for ch in letters):
        if any(ch in "aɑæɐɒ" for ch in letters):  # noqa: RUF001 (open IPA vowels)
            return 1.0
        if any(ch in "oɔʌɛeɜə" for ch in letters):
            return 0.75
        return 0.5  # close vowels (i, u, y and their lax forms)
    if letters[0] in _LIP_CLOSURES:
        return 0.0
    return 0.2


def voices_for(subjects: tuple[Subject, ...], speakers: list[str]) -> dict[str, tuple[str, int]]:
    """(voice, pitch) per speaking subject; characters sharing a voice get distinct pitches."""
    by_id = {s.id: s for s in subjects}
    assigned: dict[str, tuple[str, int]] = {}
    seen: dict[str, int] = {}
    for speaker in speakers:
        if speaker in assigned:
            continue
        voice = by_id[speaker].voice if speaker in by_id else DEFAULT_VOICE
        voice = voice or DEFAULT_VOICE
        repeat = seen.get(voice, 0)
        seen[voice] = repeat + 1
        # 50 is eSpeak's neutral pitch; each repeat of a voice moves further away from it.
        offset = (repeat + 1) // 2 * 18 * (1 if repeat % 2 else -1)
        assigned[speaker] = (voice, int(np.clip(50 + offset, 5, 95)))
    return assigned


def synthesize_dialogue(plan: ScenePlan, duration: float, fps: int) -> tuple[SpokenLine, ...]:
    """Speak the dialogue lines of `plan` in their speakers' voices, placed on the clip timeline
    by the rules in this module's docstring. Each line starts on a frame of `fps`."""
    lines = [line for line in plan.dialogue if clean_text(line.text)][:MAX_LINES]
    voices = voices_for(plan.subjects, [line.speaker for line in lines])
    requests = [
        VoiceRequest(line.text, voices[line.speaker][0], DEFAULT_RATE, voices[line.speaker][1])
        for line in lines
    ]
    limit = duration - END_MARGIN
    cursor = FIRST_LINE_START
    spoken: list[SpokenLine] = []
    for line, utterance in zip(lines, speak_many(requests), strict=True):
        start = round(cursor * fps) / fps
        if start + MIN_LINE > limit:
            break
        samples = _trim_silence_tail(utterance.samples)
        if samples.size == 0:
            continue
        length = samples.size / utterance.sample_rate
        if start + length > limit:
            samples = _cut_to_fit(samples, utterance, limit - start)
            length = samples.size / utterance.sample_rate
        mouth = mouth_envelope(utterance, length)
        spoken.append(
            SpokenLine(
                speaker=line.speaker,
                text=clean_text(line.text),
                start=start,
                duration=length,
                samples=samples,
                sample_rate=utterance.sample_rate,
                mouth=mouth,
            )
        )
        cursor = start + length + LINE_GAP
    return tuple(spoken)


def _trim_silence_tail(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    loud = np.flatnonzero(np.abs(samples) > 1e-3)
    if loud.size == 0:
        return np.zeros(0, np.float32)
    return samples[: loud[-1] + 1]


def _cut_to_fit(
    samples: npt.NDArray[np.float32], utterance: Utterance, seconds: float
) -> npt.NDArray[np.float32]:
    boundaries = [w for w in utterance.words if MIN_LINE <= w <= seconds]
    cut_at = boundaries[-1] if boundaries else seconds
    kept = samples[: int(cut_at * utterance.sample_rate)].copy()
    fade = min(kept.size, int(FADE_SECONDS * utterance.sample_rate))
    if fade:
        kept[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return kept
