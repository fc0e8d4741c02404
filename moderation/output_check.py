"""The output check: sampled frames through NudeNet, dialogue through the prompt check.

Frames are sampled at least once a second (MODERATION_OUTPUT_FPS, default 1), scaled down by
PyAV's swscale while decoding (NudeNet looks at 320x320 anyway) and run through the ONNX
detector that the nudenet wheel ships, in one batch. Pure: no Django model imports.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from moderation import classifier, policy

if TYPE_CHECKING:
    from numpy.typing import NDArray

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
# Frames are scaled by swscale while decoding so their long side is the detector's input side;
# padding to a square then gives exactly the tensor NudeNet's own reader builds (it pads, then
# resizes to 320), without the cost of resizing full frames in Python.
SAMPLE_LONG_SIDE = DETECTOR_SIZE

HELD = "held"
ALLOWED = "allowed"


@dataclass(frozen=True)
class FrameScore:
    time: float
    score: float  # best exposed-class score on the frame
    label: str


@dataclass(frozen=True)
class OutputDecision:
    verdict: str  # "held" or "allowed"
    category: str = ""
    reason: str = ""
    nudity_score: float = 0.0
    frames_checked: int = 0
    frames: tuple[FrameScore, ...] = ()
    dialogue: tuple[classifier.ModerationDecision, ...] = ()
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


def _labels() -> list[str]:
    from nudenet import nudenet as nn

    return list(nn.__labels)


def _blob(frame_rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Pad to a square (bottom/right, black) and bring to 320x320, as NudeNet's reader does."""
    h, w = frame_rgb.shape[:2]
    side = max(h, w)
    padded = np.zeros((side, side, 3), dtype=np.uint8)
    padded[:h, :w] = frame_rgb
    if side != DETECTOR_SIZE:
        import cv2

        padded = cv2.resize(padded, (DETECTOR_SIZE, DETECTOR_SIZE), interpolation=cv2.INTER_AREA)
    return (padded.astype(np.float32) / 255.0).transpose(2, 0, 1)


def detect_frames(frames_rgb: Sequence[NDArray[np.uint8]]) -> list[tuple[float, str]]:
    """Best exposed-class (score, label) per frame. Frames are RGB uint8 arrays."""
    if not frames_rgb:
        return []
    session = get_detector()
    input_name = session.get_inputs()[0].name
    with _run_lock:
        # (n, 4 + classes, anchors); one frame a run was faster than a batch (measured).
        output = [session.run(None, {input_name: _blob(f)[None]})[0][0] for f in frames_rgb]
    labels = _labels()
    exposed_idx = [i for i, name in enumerate(labels) if name in EXPOSED_CLASSES]
    results: list[tuple[float, str]] = []
    for item in output:
        class_scores = item[4:]  # (classes, anchors)
        exposed = class_scores[exposed_idx]
        flat = int(np.argmax(exposed))
        row, _ = divmod(flat, exposed.shape[1])
        score = float(exposed.reshape(-1)[flat])
        results.append((score, labels[exposed_idx[row]]))
    return results


def sample_frames(
    video_path: str, *, fps: float = DEFAULT_SAMPLE_FPS
) -> list[tuple[float, NDArray[np.uint8]]]:
    """(time, RGB frame) at `fps` samples a second, plus the first frame; decodes with PyAV."""
    import av

    out: list[tuple[float, NDArray[np.uint8]]] = []
    step = 1.0 / max(fps, 0.1)
    with av.open(video_path) as container:
        if not container.streams.video:
            return out
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
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
            out.append((t, np.asarray(rgb, dtype=np.uint8)))
            next_t = t + step
    return out


def check_output(video_path: str, dialogue: Iterable[str], *, teen: bool = False) -> OutputDecision:
    """Hold a generated video for review if a sampled frame shows nudity or a dialogue line
    would be refused or reviewed as a prompt."""
    started = time.perf_counter()
    threshold = _settings_value("MODERATION_NUDITY_THRESHOLD", DEFAULT_NUDITY_THRESHOLD)
    if teen:
        threshold *= _settings_value("MODERATION_TEEN_FACTOR", classifier.DEFAULT_TEEN_FACTOR)
    fps = max(1.0, _settings_value("MODERATION_OUTPUT_FPS", DEFAULT_SAMPLE_FPS))

    sampled = sample_frames(video_path, fps=fps)
    detections = detect_frames([f for _, f in sampled])
    frames = tuple(
        FrameScore(time=round(t, 3), score=round(s, 4), label=label)
        for (t, _), (s, label) in zip(sampled, detections, strict=True)
    )
    worst = max(frames, key=lambda f: f.score, default=None)
    nudity = worst.score if worst else 0.0

    lines = tuple(
        classifier.check_prompt(line, teen=teen, context="dialogue")
        for line in dialogue
        if line and line.strip()
    )
    bad_lines = [d for d in lines if not d.allowed]

    scores: dict[str, Any] = {
        "nudity": round(nudity, 4),
        "nudity_label": worst.label if worst else "",
        "nudity_threshold": round(threshold, 4),
        "frames_checked": len(frames),
        "flagged_frames": [f.time for f in frames if f.score >= threshold],
        "dialogue": [
            {"verdict": d.verdict, "category": d.category, "score": d.score} for d in bad_lines
        ],
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
            nudity_score=nudity,
            frames_checked=len(frames),
            frames=frames,
            dialogue=lines,
            elapsed=elapsed,
            scores=scores,
        )
    if bad_lines:
        worst_line = max(bad_lines, key=lambda d: (d.blocked, policy.severity_of(d.category)))
        return OutputDecision(
            verdict=HELD,
            category=worst_line.category,
            reason=f"Held for review: a line of dialogue. {worst_line.reason}",
            nudity_score=nudity,
            frames_checked=len(frames),
            frames=frames,
            dialogue=lines,
            elapsed=elapsed,
            scores=scores,
        )
    return OutputDecision(
        verdict=ALLOWED,
        nudity_score=nudity,
        frames_checked=len(frames),
        frames=frames,
        dialogue=lines,
        elapsed=elapsed,
        scores=scores,
    )


def dialogue_from_plan(plan: dict[str, Any] | None) -> list[str]:
    """The dialogue lines of a stored ScenePlan dict (`{"dialogue": [{"text": ...}, ...]}`)."""
    lines: list[str] = []
    for item in (plan or {}).get("dialogue", ()) or ():
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            lines.append(item["text"])
        elif isinstance(item, str):
            lines.append(item)
    return lines
