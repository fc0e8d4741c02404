"""The output check: sampled frames through NudeNet, dialogue through the prompt check, and what
is said in a model-made sound track through the same check as dialogue.

Frames are sampled at least once a second (MODERATION_OUTPUT_FPS, default 1) and run through the
ONNX detector that the nudenet wheel ships (one session per process). Two ways to get them:
- from the engine while it renders (`FrameCollector` is its `frame_sampler`; `check_output_frames`
  then checks them): marked frames, already scaled to a long side of 320, no decoding at all;
- from the finished file (`check_output`), for anything that has no such frames (re-checks, an
  engine callable without the keyword, a policy rate above the engine's): scaled down by PyAV's
  swscale while decoding, in a thread while the frames already decoded are being detected.
The plan's dialogue lines are everything the default engine says (eSpeak NG speaks them). A
result whose sound a model made (`Result.audio_source` "model" or "mix") may say anything, so
`hear` transcribes the file (gen_engine.transcribe, a Whisper checkpoint the operator provides)
and its sentences are checked as dialogue; without a checkpoint the decision says plainly that
the audio was not transcribed, and a transcription that fails holds the draft for review.
Pure: no Django model imports.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gen_engine import transcribe
from gen_engine.types import GenerationError
from moderation import classifier, policy

if TYPE_CHECKING:
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

# Detector classes that mean nudity. Covered parts, faces and feet do not count.
EXPOSED_CLASSES = frozenset(
    {
        "FEMALE_BREAST_EXPOSED",
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "BUTTOCKS_EXPOSED",
        "ANUS_EXPOSED",
    }
)
DEFAULT_NUDITY_THRESHOLD = 0.45
DEFAULT_SAMPLE_FPS = 1.0
DETECTOR_SIZE = 320  # the input side of the 320n model
# Frames are scaled by swscale while decoding so their long side is the detector's input side,
# without the cost of resizing full frames in Python.
SAMPLE_LONG_SIDE = DETECTOR_SIZE
# The model's input height and width are dynamic: padding only up to its stride (32) instead of
# to NudeNet's 320x320 square feeds a 9:16 or 16:9 frame as 320x192, about 40% less work, with
# scores within 0.005 of the square's on the test drawings (measured, docs/PERFORMANCE.md).
DETECTOR_STRIDE = 32
# Deblocking only smooths the edges of 16x16 blocks, which a 4x downscale averages away: skipping
# it saved ~15% of the decoder's CPU on an engine clip, changing sampled pixels by 0.1 on average.
DECODER_OPTIONS = {"skip_loop_filter": "all"}

HELD = "held"
ALLOWED = "allowed"

# Where a result's sound came from (gen_engine.types.Result.audio_source): only the engine's own
# sound is fully described by the plan's dialogue.
AUDIO_FROM_ENGINE = "engine"
# What the check knows of a model-made sound track (HeardAudio.status).
AUDIO_TRANSCRIBED = "transcribed"
AUDIO_NOT_TRANSCRIBED = "not_transcribed"
AUDIO_FAILED = "failed"
# A transcript is checked a sentence at a time, as dialogue is a line at a time: the classifier
# embeds a text's first few clauses only, so one harmful sentence in a minute of speech would
# otherwise be diluted or cut off. Run-on text without punctuation is cut every this many words.
HEARD_LINE_WORDS = 30
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|\n+")


@dataclass(frozen=True)
class FrameScore:
    time: float
    score: float  # best exposed-class score on the frame
    label: str


@dataclass(frozen=True)
class HeardAudio:
    """What the check knows of what is said in a sound track that a model made."""

    source: str  # Result.audio_source: "model" or "mix"
    status: str  # AUDIO_TRANSCRIBED, AUDIO_NOT_TRANSCRIBED or AUDIO_FAILED
    model: str = ""  # the model that made the sound (Result.audio_model)
    text: str = ""
    seconds: float = 0.0
    asr_model: str = ""  # the speech-recognition checkpoint's folder name
    error: str = ""

    @property
    def transcribed(self) -> bool:
        return self.status == AUDIO_TRANSCRIBED

    @property
    def note(self) -> str:
        """One plain sentence for moderators: was what is said checked, and how."""
        maker = self.model or "a model"
        if self.status == AUDIO_TRANSCRIBED:
            return (
                f"The audio ({maker}) was transcribed by {self.asr_model} "
                f"({self.seconds:.1f} s) and what is said was checked as dialogue."
            )
        if self.status == AUDIO_FAILED:
            return (
                f"The audio ({maker}) could not be transcribed, so what is said in it was not "
                f"checked: {self.error}"
            )
        return (
            f"The audio was not transcribed: {maker} wrote its own sound track and "
            "GEN_ENGINE_ASR_DIR is not set, so what is said in it was not checked (only the "
            "plan's dialogue lines were)."
        )


@dataclass(frozen=True)
class OutputDecision:
    verdict: str  # "held" or "allowed"
    category: str = ""
    reason: str = ""
    nudity_score: float = 0.0
    frames_checked: int = 0
    frames: tuple[FrameScore, ...] = ()
    dialogue: tuple[classifier.ModerationDecision, ...] = ()
    heard: tuple[classifier.ModerationDecision, ...] = ()  # the transcript's sentences
    audio: HeardAudio | None = None  # None: the engine's own sound, described by the dialogue
    elapsed: float = 0.0
    scores: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def held(self) -> bool:
        return self.verdict == HELD


def _settings_value(name: str, default: float) -> float:
    try:
        from django.conf import settings

        if settings.configured:
            return float(getattr(settings, name, default))
    except ImportError:
        pass
    return default


_detector_lock = threading.Lock()
_run_lock = threading.Lock()
_detector: Any = None


def get_detector() -> Any:
    """The NudeNet detector, loaded once per process (its ONNX model ships in the wheel)."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                import onnxruntime
                from nudenet import nudenet as nn

                options = onnxruntime.SessionOptions()
                # One thread: measured faster than two on a busy 2-core machine (frames are
                # run one by one), and it leaves the other core to the generation worker.
                options.intra_op_num_threads = int(os.environ.get("MODERATION_ONNX_THREADS", "1"))
                options.inter_op_num_threads = 1
                path = os.path.join(os.path.dirname(nn.__file__), "320n.onnx")
                _detector = onnxruntime.InferenceSession(
                    path, sess_options=options, providers=["CPUExecutionProvider"]
                )
    return _detector


@functools.cache
def _labels() -> tuple[str, ...]:
    from nudenet import nudenet as nn

    return tuple(nn.__labels)


@functools.cache
def _exposed_indices() -> tuple[int, ...]:
    return tuple(i for i, name in enumerate(_labels()) if name in EXPOSED_CLASSES)


def _blob(frame_rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Scale so the long side is 320 and pad (bottom/right, black) up to the model's stride."""
    h, w = frame_rgb.shape[:2]
    if max(h, w) != DETECTOR_SIZE:
        import cv2

        scale = DETECTOR_SIZE / max(h, w)
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
        frame_rgb = np.asarray(
            cv2.resize(frame_rgb, (w, h), interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
    padded_h = -(-h // DETECTOR_STRIDE) * DETECTOR_STRIDE
    padded_w = -(-w // DETECTOR_STRIDE) * DETECTOR_STRIDE
    padded = np.zeros((padded_h, padded_w, 3), dtype=np.uint8)
    padded[:h, :w] = frame_rgb
    return (padded.astype(np.float32) / 255.0).transpose(2, 0, 1)


def _best_exposed(output: NDArray[np.float32]) -> tuple[float, str]:
    """The best exposed-class (score, label) in one frame's raw output (4 + classes, anchors)."""
    labels, exposed_idx = _labels(), list(_exposed_indices())
    exposed = output[4:][exposed_idx]
    flat = int(np.argmax(exposed))
    row, _ = divmod(flat, exposed.shape[1])
    return float(exposed.reshape(-1)[flat]), labels[exposed_idx[row]]


def detect_frame(frame_rgb: NDArray[np.uint8]) -> tuple[float, str]:
    """Best exposed-class (score, label) on one RGB uint8 frame."""
    session = get_detector()
    input_name = session.get_inputs()[0].name
    blob = _blob(frame_rgb)[None]
    with _run_lock:
        # One frame a run: as fast as a batch of 10 (measured), and it can start while the
        # decoder is still producing the next frames.
        output = session.run(None, {input_name: blob})[0][0]
    return _best_exposed(output)


def detect_frames(frames_rgb: Sequence[NDArray[np.uint8]]) -> list[tuple[float, str]]:
    """Best exposed-class (score, label) per frame. Frames are RGB uint8 arrays."""
    return [detect_frame(frame) for frame in frames_rgb]


def iter_sample_frames(
    video_path: str, *, fps: float = DEFAULT_SAMPLE_FPS
) -> Iterator[tuple[float, NDArray[np.uint8]]]:
    """(time, RGB frame) at `fps` samples a second, from the first frame on; decodes with PyAV.

    Every frame is decoded (H.264 frames depend on each other), but only the sampled ones are
    converted, scaled to a long side of 320 by swscale.
    """
    import av

    step = 1.0 / max(fps, 0.1)
    with av.open(video_path) as container:
        if not container.streams.video:
            return
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.options = dict(DECODER_OPTIONS)
        next_t = 0.0
        for frame in container.decode(stream):
            t = float(frame.time or 0.0)
            if t + 1e-6 < next_t:
                continue
            w, h = frame.width, frame.height
            scale = min(1.0, SAMPLE_LONG_SIDE / max(w, h))
            rgb = frame.to_ndarray(
                format="rgb24", width=max(2, int(w * scale)), height=max(2, int(h * scale))
            )
            yield t, np.asarray(rgb, dtype=np.uint8)
            next_t = t + step


def sample_frames(
    video_path: str, *, fps: float = DEFAULT_SAMPLE_FPS
) -> list[tuple[float, NDArray[np.uint8]]]:
    """All of `iter_sample_frames` as a list."""
    return list(iter_sample_frames(video_path, fps=fps))


_DONE = object()


def sample_and_detect(
    video_path: str, *, fps: float = DEFAULT_SAMPLE_FPS
) -> list[tuple[float, float, str]]:
    """(time, score, label) per sampled frame, decoding in a thread while detecting here.

    PyAV and ONNX Runtime both release the GIL, so the decoder's work on later frames overlaps
    the detector's on earlier ones; the queue is short so few frames wait in memory.
    """
    frames: queue.Queue[Any] = queue.Queue(maxsize=4)
    stop = threading.Event()
    failure: list[Exception] = []

    def decode() -> None:
        try:
            for item in iter_sample_frames(video_path, fps=fps):
                if stop.is_set():
                    return
                frames.put(item)
        except Exception as exc:  # raised again in the caller's thread below
            failure.append(exc)
        finally:
            frames.put(_DONE)

    decoder = threading.Thread(target=decode, name="output-check-decode", daemon=True)
    decoder.start()
    results: list[tuple[float, float, str]] = []
    try:
        while (item := frames.get()) is not _DONE:
            t, frame = item
            results.append((t, *detect_frame(frame)))
    finally:
        # Also on an error here (or a worker time limit): unblock the decoder and wait for it.
        stop.set()
        while decoder.is_alive():
            with contextlib.suppress(queue.Empty):
                frames.get(timeout=0.05)
        decoder.join()
    if failure:
        raise failure[0]
    return results


def policy_sample_fps() -> float:
    """Frames a second the check must see: MODERATION_OUTPUT_FPS, never under one."""
    return max(1.0, _settings_value("MODERATION_OUTPUT_FPS", DEFAULT_SAMPLE_FPS))


# Slack on frame times when judging coverage (frame times are index / fps, exact to ~1e-15).
_COVERAGE_SLACK = 1e-3


class FrameCollector:
    """The engine's `frame_sampler`: keeps (time in seconds, RGB frame) as frames are rendered.

    `covering(duration)` gives them back only when they sample the whole clip at the policy
    rate (frame 0, then no gap longer than 1/fps, the last within 1/fps of the end), so a caller
    that gets None falls back to decoding the file instead of checking too few frames.
    """

    def __init__(self, fps: float) -> None:
        self.fps = float(fps)
        self.frames: list[tuple[float, NDArray[np.uint8]]] = []

    def __call__(self, frame_index: int, frame: NDArray[np.uint8]) -> None:
        self.frames.append((frame_index / self.fps, frame))

    def covering(self, duration: float) -> list[tuple[float, NDArray[np.uint8]]] | None:
        frames = sorted(self.frames, key=lambda item: item[0])
        if not frames:
            return None
        step = 1.0 / policy_sample_fps() + _COVERAGE_SLACK
        times = [t for t, _ in frames]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        if times[0] > _COVERAGE_SLACK or any(gap > step for gap in gaps):
            return None
        if duration - times[-1] > step:
            return None
        return frames


def _nudity_threshold(teen: bool) -> float:
    threshold = _settings_value("MODERATION_NUDITY_THRESHOLD", DEFAULT_NUDITY_THRESHOLD)
    if teen:
        threshold *= _settings_value("MODERATION_TEEN_FACTOR", classifier.DEFAULT_TEEN_FACTOR)
    return threshold


def check_output(
    video_path: str,
    dialogue: Iterable[str],
    *,
    teen: bool = False,
    heard: HeardAudio | None = None,
) -> OutputDecision:
    """Hold a generated video for review if a frame sampled from the file shows nudity, or a
    dialogue line or a sentence `heard` in its sound track (see `hear`) would be refused or
    reviewed as a prompt, or its model-made sound track could not be transcribed."""
    started = time.perf_counter()
    scored = sample_and_detect(video_path, fps=policy_sample_fps())
    return _decide(scored, dialogue, teen=teen, started=started, source="file", heard=heard)


def check_output_frames(
    frames: Sequence[tuple[float, NDArray[np.uint8]]],
    dialogue: Iterable[str],
    *,
    teen: bool = False,
    heard: HeardAudio | None = None,
) -> OutputDecision:
    """`check_output` on frames the engine handed over while rendering ((time in s, RGB uint8
    frame), e.g. `FrameCollector.covering`): the same verdicts, without decoding the file."""
    started = time.perf_counter()
    scored = [(t, *detect_frame(frame)) for t, frame in frames]
    return _decide(scored, dialogue, teen=teen, started=started, source="engine", heard=heard)


def hear(
    video_path: str, *, audio_source: str, audio_model: str = "", asr_dir: str = ""
) -> HeardAudio | None:
    """What is said in the sound track of `video_path`, when a model made it.

    None for the engine's own sound (the plan's dialogue is all it says, so nothing runs).
    Otherwise the transcript from the Whisper checkpoint in `asr_dir`, or, without one, a
    record that it was not transcribed. A checkpoint or file that fails is reported as
    AUDIO_FAILED (the check then holds the draft for review) instead of raising, so the draft
    is kept and the worker does not retry a failure that would only repeat.
    """
    if audio_source == AUDIO_FROM_ENGINE:
        return None
    if not asr_dir:
        return HeardAudio(source=audio_source, status=AUDIO_NOT_TRANSCRIBED, model=audio_model)
    try:
        heard = transcribe.transcribe(video_path, asr_dir)
    except GenerationError as error:
        logger.warning(
            "moderation.output.transcribe_failed",
            extra={"code": error.code, "error": error.message, "asr_dir": asr_dir},
        )
        return HeardAudio(
            source=audio_source,
            status=AUDIO_FAILED,
            model=audio_model,
            error=f"{error.message} ({error.code})",
        )
    return HeardAudio(
        source=audio_source,
        status=AUDIO_TRANSCRIBED,
        model=audio_model,
        text=heard.text,
        seconds=heard.seconds,
        asr_model=heard.model,
    )


def heard_lines(text: str) -> list[str]:
    """A transcript as the lines the classifier checks: its sentences, a long run-on one cut
    every HEARD_LINE_WORDS words."""
    lines: list[str] = []
    for sentence in _SENTENCE_END.split(text or ""):
        words = sentence.split()
        for first in range(0, len(words), HEARD_LINE_WORDS):
            lines.append(" ".join(words[first : first + HEARD_LINE_WORDS]))
    return lines


def _audio_scores(
    heard: HeardAudio, bad: Sequence[classifier.ModerationDecision]
) -> dict[str, Any]:
    return {
        "source": heard.source,
        "model": heard.model,
        "transcribed": heard.transcribed,
        "status": heard.status,
        "note": heard.note,
        "asr_model": heard.asr_model,
        "seconds": heard.seconds,
        # What a moderator reads beside the player; the classifier reads the same first 4000.
        "transcript": heard.text[: classifier.MAX_TEXT],
        "flagged": [{"verdict": d.verdict, "category": d.category, "score": d.score} for d in bad],
    }


def _decide(
    scored: Iterable[tuple[float, float, str]],
    dialogue: Iterable[str],
    *,
    teen: bool,
    started: float,
    source: str,
    heard: HeardAudio | None = None,
) -> OutputDecision:
    threshold = _nudity_threshold(teen)
    frames = tuple(
        FrameScore(time=round(t, 3), score=round(s, 4), label=label) for t, s, label in scored
    )
    worst = max(frames, key=lambda f: f.score, default=None)
    nudity = worst.score if worst else 0.0

    lines = tuple(
        classifier.check_prompt(line, teen=teen, context="dialogue")
        for line in dialogue
        if line and line.strip()
    )
    bad_lines = [d for d in lines if not d.allowed]
    heard_checks = (
        tuple(
            classifier.check_prompt(line, teen=teen, context="dialogue")
            for line in heard_lines(heard.text)
        )
        if heard is not None and heard.transcribed
        else ()
    )
    bad_heard = [d for d in heard_checks if not d.allowed]

    scores: dict[str, Any] = {
        "nudity": round(nudity, 4),
        "nudity_label": worst.label if worst else "",
        "nudity_threshold": round(threshold, 4),
        "frames_checked": len(frames),
        "frames_from": source,  # "engine" (handed over while rendering) or "file" (decoded)
        "flagged_frames": [f.time for f in frames if f.score >= threshold],
        "dialogue": [
            {"verdict": d.verdict, "category": d.category, "score": d.score} for d in bad_lines
        ],
    }
    if heard is not None:
        scores["audio"] = _audio_scores(heard, bad_heard)
    # Everything but the verdict and reason is the same on every return below.
    common: dict[str, Any] = {
        "nudity_score": nudity,
        "frames_checked": len(frames),
        "frames": frames,
        "dialogue": lines,
        "heard": heard_checks,
        "audio": heard,
        "scores": scores,
    }
    elapsed = time.perf_counter() - started
    scores["elapsed_s"] = round(elapsed, 3)
    if nudity >= threshold:
        return OutputDecision(
            verdict=HELD,
            category=policy.SEXUAL,
            reason=(
                "Held for review: the video may show nudity "
                f"({worst.label.lower() if worst else ''} at {worst.time if worst else 0:.1f} s)."
            ),
            elapsed=elapsed,
            **common,
        )
    # A line of the plan and a sentence heard in the sound are judged alike; the worst names
    # the category, and the reason says which of the two it was.
    said = [(d, "a line of dialogue") for d in bad_lines]
    said += [(d, "what is said in the audio") for d in bad_heard]
    if said:
        worst_said, where = max(
            said, key=lambda item: (item[0].blocked, policy.severity_of(item[0].category))
        )
        return OutputDecision(
            verdict=HELD,
            category=worst_said.category,
            reason=f"Held for review: {where}. {worst_said.reason}",
            elapsed=elapsed,
            **common,
        )
    if heard is not None and heard.status == AUDIO_FAILED:
        return OutputDecision(
            verdict=HELD,
            reason=f"Held for review: {heard.note}",
            elapsed=elapsed,
            **common,
        )
    return OutputDecision(verdict=ALLOWED, elapsed=elapsed, **common)


def dialogue_from_plan(plan: dict[str, Any] | None) -> list[str]:
    """The dialogue lines of a stored ScenePlan dict (`{"dialogue": [{"text": ...}, ...]}`)."""
    lines: list[str] = []
    for item in (plan or {}).get("dialogue", ()) or ():
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            lines.append(item["text"])
        elif isinstance(item, str):
            lines.append(item)
    return lines
