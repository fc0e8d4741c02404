"""Checking a verification clip by its content, and extracting face references from it.

Pure functions over a local file path (no models, no storage): the services hand in a temporary
copy. The face detector is OpenCV's Haar cascades bundled with opencv-python-headless 4.x
(`cv2.data.haarcascades`: frontal face and profile face); it can be injected for tests.

What a clip must be: a real container PyAV opens, with a video stream and an audio stream;
7-15 s long; each side 240-4096 px and at most 40 MP; a face in most sampled frames (about two
a second); the head turning - seen from the front, then in profile, then from the front again
(a photo slid or scaled about stays frontal); the three numbers spoken while each was shown
(the recorder shows them one at a time on SCHEDULE: speech energy in each window); and one take,
not a recording looped to fill the time (the picture does not come back to itself).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils import timezone

from sora_site.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

MAX_CLIP_BYTES = 50 * 1024 * 1024
MIN_SECONDS = 7.0
MAX_SECONDS = 15.0
MIN_SIDE = 240
MAX_SIDE = 4096
MAX_PIXELS = 40_000_000
SAMPLES_PER_SECOND = 2.0
DETECT_LONG_SIDE = 640  # frames are scaled down to this before detection (speed)
MIN_FACE_RATIO = 0.6
# The recording's script, in seconds from its start, as the recorder shows it (cameos.js):
# each number on screen for NUMBER_SECONDS from NUMBERS_AT, then the head turn until the end.
NUMBERS_AT = 1.0
NUMBER_SECONDS = 1.5
TURN_AT = NUMBERS_AT + 3 * NUMBER_SECONDS
WINDOW_SLACK = 0.25  # people start a beat late and trail off: the window is this much wider
MIN_WINDOW_VOICED = 0.2  # of a number's window that must be voiced
LOOP_MOTION = 1.5  # grey levels (of 255) a 16x16 thumbnail must change by to count as motion
LOOP_MATCH = 0.3  # a repeat: frames a lag apart differ by less than this share of the motion
LOOP_MIN_SECONDS = 0.5
LOOP_MIN_MOTION_FRAMES = 5
AUDIO_RATE = 16000
AUDIO_WINDOW_S = 0.05
SPEECH_FLOOR_DBFS = -45.0
MIN_VOICED_RATIO = 0.1
MIN_DYNAMIC_DB = 6.0
CHALLENGE_TTL = dt.timedelta(minutes=15)
HEAD_TURN_TEXT = "Turn your head slowly to the left, then to the right."
REFERENCE_COUNT = 3
REFERENCE_MAX_SIDE = 512


class ClipRejected(ValidationFailed):
    default_code = "clip_rejected"


@dataclass(frozen=True)
class Face:
    x: int
    y: int
    w: int
    h: int
    pose: Literal["frontal", "profile_left", "profile_right"]

    @property
    def area(self) -> int:
        return self.w * self.h


# A detector gets a grayscale uint8 frame (numpy) and returns the faces in it.
FaceDetector = Callable[[Any], list[Face]]


@dataclass
class ClipReport:
    checks: dict[str, Any] = field(default_factory=dict)
    container: str = ""


# --- challenge -----------------------------------------------------------------------------------


def challenge_new() -> dict[str, Any]:
    """Three random two-digit numbers to read aloud as each is shown, and the head turn."""
    numbers = [secrets.randbelow(90) + 10 for _ in range(3)]
    return {
        "numbers": numbers,
        "head_turn": HEAD_TURN_TEXT,
        "schedule": {"numbers_at": NUMBERS_AT, "number_seconds": NUMBER_SECONDS,
                     "turn_at": TURN_AT},
        "issued_at": timezone.now().isoformat(),
    }  # fmt: skip


def number_windows() -> list[tuple[float, float]]:
    """When each number is on screen, in seconds from the start of the recording."""
    return [(NUMBERS_AT + i * NUMBER_SECONDS, NUMBERS_AT + (i + 1) * NUMBER_SECONDS)
            for i in range(3)]  # fmt: skip


def challenge_is_fresh(challenge: dict[str, Any] | None) -> bool:
    if not challenge or len(challenge.get("numbers") or []) != 3:
        return False
    try:
        issued = dt.datetime.fromisoformat(str(challenge["issued_at"]))
    except (KeyError, ValueError):
        return False
    return timezone.now() - issued <= CHALLENGE_TTL


# --- the detector --------------------------------------------------------------------------------

_cascades: dict[str, Any] = {}
_cascade_lock = threading.Lock()


def _cascade(name: str) -> Any:
    with _cascade_lock:
        if name not in _cascades:
            import cv2

            classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)  # type: ignore[attr-defined]
            if classifier.empty():
                raise RuntimeError(f"OpenCV cascade {name} is missing")
            _cascades[name] = classifier
        return _cascades[name]


def haar_detector(gray: Any) -> list[Face]:
    """Frontal faces, else profiles facing either way (the cascade knows one side; the mirrored
    frame gives the other)."""
    import cv2

    width = gray.shape[1]
    min_size = (max(24, width // 12), max(24, width // 12))
    frontal = _cascade("haarcascade_frontalface_default.xml")
    found = frontal.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=6, minSize=min_size)
    if len(found):
        return [Face(int(x), int(y), int(w), int(h), "frontal") for x, y, w, h in found]
    profile = _cascade("haarcascade_profileface.xml")
    faces = [
        Face(int(x), int(y), int(w), int(h), "profile_left")
        for x, y, w, h in profile.detectMultiScale(gray, 1.1, 5, minSize=min_size)
    ]
    mirrored = cv2.flip(gray, 1)
    faces += [
        Face(int(width - x - w), int(y), int(w), int(h), "profile_right")
        for x, y, w, h in profile.detectMultiScale(mirrored, 1.1, 5, minSize=min_size)
    ]
    return faces


# --- reading the clip ---------------------------------------------------------------------------


def _open(path: str) -> Any:
    import av

    try:
        return av.open(path, mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise ClipRejected(
            "That file is not a video we can read. Record again, or upload a WebM or MP4 clip.",
            code="not_video",
        ) from exc


def _duration_seconds(container: Any, stream: Any) -> float:
    """From the packets themselves: browser recordings (MediaRecorder WebM) carry no duration."""
    end = 0.0
    first: float | None = None
    for packet in container.demux(stream):
        if packet.pts is None or packet.time_base is None:
            continue
        start = float(packet.pts * packet.time_base)
        stop = start + float((packet.duration or 0) * packet.time_base)
        first = start if first is None else min(first, start)
        end = max(end, stop, start)
        if end - (first or 0.0) > MAX_SECONDS * 4:  # clearly too long: stop reading
            break
    return max(0.0, end - (first or 0.0))


def _sampled_frames(
    container: Any, stream: Any, thumbs: list[tuple[float, Any]]
) -> Iterator[tuple[float, Any]]:
    """(time, RGB frame) about SAMPLES_PER_SECOND times a second, decoding sequentially
    (MediaRecorder WebM files have no index to seek in); a 16x16 grey thumbnail of every frame
    goes into `thumbs` for the loop check."""
    import cv2

    container.seek(0)
    stream.thread_type = "AUTO"
    next_at = 0.0
    base: float | None = None
    for frame in container.decode(stream):
        t = float(frame.time or 0.0)
        base = t if base is None else base
        gray = frame.to_ndarray(format="gray")
        thumbs.append((t - base, cv2.resize(gray, (16, 16), interpolation=cv2.INTER_AREA)))
        if t - base + 1e-6 >= next_at:
            next_at += 1.0 / SAMPLES_PER_SECOND
            yield t - base, frame.to_ndarray(format="rgb24")


def _scaled_gray(rgb: Any) -> tuple[Any, float]:
    import cv2

    height, width = rgb.shape[:2]
    scale = min(1.0, DETECT_LONG_SIDE / max(height, width))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        gray = cv2.resize(gray, (round(width * scale), round(height * scale)))
    return cv2.equalizeHist(gray), scale


def _audio_levels(container: Any, stream: Any) -> dict[str, Any]:
    import av
    import numpy as np

    container.seek(0)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
    chunks: list[Any] = []
    for frame in container.decode(stream):
        for out in resampler.resample(frame):
            chunks.append(out.to_ndarray().reshape(-1))
    for out in resampler.resample(None):
        chunks.append(out.to_ndarray().reshape(-1))
    silent = {"audio_seconds": 0.0, "rms_dbfs": -120.0, "voiced_ratio": 0.0, "dynamic_db": 0.0,
              "voiced_in_windows": [0.0, 0.0, 0.0]}  # fmt: skip
    if not chunks:
        return silent
    samples = np.concatenate(chunks).astype(np.float64)
    window = int(AUDIO_RATE * AUDIO_WINDOW_S)
    count = len(samples) // window
    if count == 0:
        return silent
    frames = samples[: count * window].reshape(count, window)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    db = 20 * np.log10(np.maximum(rms, 1e-6))
    overall = 20 * np.log10(max(float(np.sqrt(np.mean(samples**2))), 1e-6))
    voiced_in = []
    for start, stop in number_windows():  # each number, spoken while it was on screen
        lo = max(int((start - WINDOW_SLACK) / AUDIO_WINDOW_S), 0)
        hi = min(int((stop + WINDOW_SLACK) / AUDIO_WINDOW_S), count)
        voiced_in.append(
            round(float(np.mean(db[lo:hi] > SPEECH_FLOOR_DBFS)), 3) if hi > lo else 0.0
        )
    return {
        "voiced_in_windows": voiced_in,
        "audio_seconds": round(len(samples) / AUDIO_RATE, 2),
        "rms_dbfs": round(float(overall), 1),
        "voiced_ratio": round(float(np.mean(db > SPEECH_FLOOR_DBFS)), 3),
        "dynamic_db": round(float(np.percentile(db, 90) - np.percentile(db, 10)), 1),
    }


def _head_turn(faces: list[tuple[float, Face]]) -> tuple[bool, str]:
    """Frontal, then a profile, then frontal again: a face that turns. A photo slid, scaled or
    tilted in front of the camera stays frontal however far it moves."""
    poses = [face.pose for _, face in sorted(faces, key=lambda item: item[0])]
    first_profile = next((i for i, p in enumerate(poses) if p != "frontal"), None)
    if first_profile is None:
        return False, "seen only from the front"
    if "frontal" not in poses[:first_profile]:
        return False, "not seen from the front before turning"
    if "frontal" not in poses[first_profile:]:
        return False, "did not turn back to the front"
    return True, "front, profile, front"


def _looped(thumbs: list[tuple[float, Any]]) -> tuple[bool, str]:
    """Does the picture come back to itself? In one take a moving head never returns to the
    same frames; a clip looped to fill the time does, a loop's length later."""
    import numpy as np

    if len(thumbs) < 8:
        return False, "too few frames to tell"
    times = np.array([t for t, _ in thumbs])
    stack = np.stack([thumb for _, thumb in thumbs]).astype(np.float32)
    step = np.abs(np.diff(stack, axis=0)).mean(axis=(1, 2))
    moving = np.nonzero(step > LOOP_MOTION)[0]
    if len(moving) < LOOP_MIN_MOTION_FRAMES:
        return False, "too little motion to tell"
    typical = float(np.median(step[moving]))
    fps = (len(times) - 1) / max(float(times[-1] - times[0]), 1e-6)
    for lag in range(max(1, round(LOOP_MIN_SECONDS * fps)), len(stack) // 2 + 1):
        frames = moving[moving + lag < len(stack)]
        if len(frames) < LOOP_MIN_MOTION_FRAMES:
            break
        apart = np.abs(stack[frames + lag] - stack[frames]).mean(axis=(1, 2))
        if float(np.median(apart)) < LOOP_MATCH * typical:
            return True, f"repeats after {lag / fps:.1f} s"
    return False, "one take"


def clip_check(path: str, *, detector: FaceDetector | None = None) -> ClipReport:
    """Check a verification clip at `path`. Raises ClipRejected with a message for the person;
    returns the measurements (stored with the attempt for the moderator) when it passes."""
    detect = detector or haar_detector
    report = ClipReport()
    checks = report.checks
    with _open(path) as container:
        report.container = container.format.name or ""
        checks["container"] = report.container
        if not container.streams.video:
            raise ClipRejected("That file has no picture. Record a video clip.", code="no_video")
        if not container.streams.audio:
            raise ClipRejected(
                "That clip has no sound. Allow the microphone and read the numbers aloud.",
                code="no_audio",
            )
        video, audio = container.streams.video[0], container.streams.audio[0]
        checks["video_codec"] = video.codec_context.name
        checks["audio_codec"] = audio.codec_context.name
        width, height = int(video.codec_context.width or 0), int(video.codec_context.height or 0)
        checks["width"], checks["height"] = width, height
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE) or (
            width * height > MAX_PIXELS
        ):
            raise ClipRejected(
                f"The picture must be between {MIN_SIDE} and {MAX_SIDE} pixels on each side "
                f"(this one is {width}x{height}).",
                code="bad_size",
            )
        try:
            seconds = _duration_seconds(container, video)
            checks["duration_s"] = round(seconds, 2)
            if seconds < MIN_SECONDS:
                raise ClipRejected(
                    f"The clip is too short ({seconds:.1f} s): record {MIN_SECONDS:.0f} to "
                    "10 seconds.",
                    code="too_short",
                )
            if seconds > MAX_SECONDS:
                raise ClipRejected(
                    f"The clip is too long ({seconds:.1f} s): keep it under "
                    f"{MAX_SECONDS:.0f} seconds.",
                    code="too_long",
                )
            faces: list[tuple[float, Face]] = []
            thumbs: list[tuple[float, Any]] = []
            sampled = 0
            for t, rgb in _sampled_frames(container, video, thumbs):
                sampled += 1
                gray, _ = _scaled_gray(rgb)
                found = detect(gray)
                if found:
                    faces.append((t, max(found, key=lambda f: f.area)))
            levels = _audio_levels(container, audio)
        except ClipRejected:
            raise
        except Exception as exc:  # a corrupt stream in the middle of the file
            import av

            if isinstance(exc, av.error.FFmpegError | ValueError):
                raise ClipRejected(
                    "That video could not be decoded. Record again.", code="corrupt"
                ) from exc
            raise
    ratio = len(faces) / sampled if sampled else 0.0
    turned, evidence = _head_turn(faces)
    looped, loop_evidence = _looped(thumbs)
    checks.update(
        {
            "frames_sampled": sampled,
            "frames_with_face": len(faces),
            "face_ratio": round(ratio, 2),
            "poses": sorted({f.pose for _, f in faces}),
            "head_turn": turned,
            "head_turn_evidence": evidence,
            "looped": looped,
            "loop_evidence": loop_evidence,
            **levels,
        }
    )
    if ratio < MIN_FACE_RATIO:
        raise ClipRejected(
            "We could not see a face in most of the clip. Face the camera in good light, with "
            "your whole face in the frame.",
            code="no_face",
        )
    if looped:
        raise ClipRejected(
            "The recording repeats itself. Record it again in one take.", code="looped"
        )
    if not turned:
        raise ClipRejected(
            "We could not see your head turn: we need to see your face from the front, then "
            "from the side, then from the front again. Turn your head when the recorder asks.",
            code="no_head_turn",
        )
    speech = levels["voiced_ratio"] >= MIN_VOICED_RATIO and levels["dynamic_db"] >= MIN_DYNAMIC_DB
    checks["speech"] = speech
    if not speech:
        raise ClipRejected(
            "We could not hear you. Read the three numbers aloud, close to the microphone.",
            code="no_speech",
        )
    heard = [v >= MIN_WINDOW_VOICED for v in levels["voiced_in_windows"]]
    checks["numbers_heard"] = heard
    if not all(heard):
        missing = ", ".join(str(i + 1) for i, ok in enumerate(heard) if not ok)
        raise ClipRejected(
            f"We did not hear number {missing} while it was on screen. Read each number aloud "
            "as it appears.",
            code="numbers_not_heard",
        )
    logger.info("cameos.verification.clip_passed", extra={"checks": checks})
    return report


def references_extract(
    path: str, *, detector: FaceDetector | None = None, count: int = REFERENCE_COUNT
) -> list[tuple[bytes, int, int]]:
    """Face crops (PNG bytes, width, height) from `count` frames spread over the clip, the
    largest frontal face in each, with a margin. Empty when no frontal face is found."""
    import numpy as np
    from PIL import Image

    detect = detector or haar_detector
    candidates: list[tuple[float, Any, Face]] = []
    with _open(path) as container:
        if not container.streams.video:
            return []
        for t, rgb in _sampled_frames(container, container.streams.video[0], []):
            gray, scale = _scaled_gray(rgb)
            frontal = [f for f in detect(gray) if f.pose == "frontal"]
            if frontal:
                best = max(frontal, key=lambda f: f.area)
                face = Face(
                    round(best.x / scale),
                    round(best.y / scale),
                    round(best.w / scale),
                    round(best.h / scale),
                    "frontal",
                )
                candidates.append((t, rgb, face))
    if not candidates:
        return []
    picks = [candidates[round(i * (len(candidates) - 1) / max(1, count - 1))] for i in range(count)]
    out: list[tuple[bytes, int, int]] = []
    seen: set[int] = set()
    for _, rgb, face in picks:
        if id(rgb) in seen:
            continue
        seen.add(id(rgb))
        height, width = rgb.shape[:2]
        margin = int(face.w * 0.3)
        x0, y0 = max(0, face.x - margin), max(0, face.y - margin)
        x1, y1 = min(width, face.x + face.w + margin), min(height, face.y + face.h + margin)
        crop = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
        crop.thumbnail((REFERENCE_MAX_SIDE, REFERENCE_MAX_SIDE))
        buffer = io.BytesIO()
        crop.save(buffer, format="PNG")
        out.append((buffer.getvalue(), crop.width, crop.height))
    return out


def video_frames_extract(path: str, *, count: int = 3) -> list[tuple[bytes, int, int]]:
    """PNG stills from a short character clip (no face check), spread over its length."""
    import numpy as np
    from PIL import Image

    with _open(path) as container:
        if not container.streams.video:
            raise ClipRejected("That file has no picture.", code="no_video")
        stream = container.streams.video[0]
        frames = [rgb for _, rgb in _sampled_frames(container, stream, [])]
    if not frames:
        raise ClipRejected("That video has no frames we could read.", code="corrupt")
    picks = [frames[round(i * (len(frames) - 1) / max(1, count - 1))] for i in range(count)]
    out = []
    for rgb in {id(p): p for p in picks}.values():
        image = Image.fromarray(np.ascontiguousarray(rgb))
        image.thumbnail((1024, 1024))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        out.append((buffer.getvalue(), image.width, image.height))
    return out


def clip_probe(path: str) -> dict[str, Any]:
    """Container, streams, size and duration of a character clip (3-15 s not required: up to
    MAX_SECONDS). Raises ClipRejected."""
    with _open(path) as container:
        if not container.streams.video:
            raise ClipRejected("That file has no picture.", code="no_video")
        video = container.streams.video[0]
        width, height = int(video.codec_context.width or 0), int(video.codec_context.height or 0)
        if not (64 <= width <= MAX_SIDE and 64 <= height <= MAX_SIDE) or (
            width * height > MAX_PIXELS
        ):
            raise ClipRejected("That video's picture size is not supported.", code="bad_size")
        try:
            seconds = _duration_seconds(container, video)
        except Exception as exc:
            import av

            if isinstance(exc, av.error.FFmpegError | ValueError):
                raise ClipRejected("That video could not be read.", code="corrupt") from exc
            raise
        if seconds > MAX_SECONDS:
            raise ClipRejected(
                f"Keep character clips under {MAX_SECONDS:.0f} seconds.", code="too_long"
            )
        return {
            "container": container.format.name,
            "width": width,
            "height": height,
            "duration_s": round(seconds, 2),
        }
