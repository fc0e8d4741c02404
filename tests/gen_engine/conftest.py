"""Shared helpers for the engine's tests: decode MP4s with PyAV, build small plans and specs.

Everything about output is checked on what PyAV decodes from the written file, not on the
engine's intermediate arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from gen_engine.types import DialogueLine, Event, ScenePlan, Simulation, Subject


@dataclass
class DecodedClip:
    format_name: str
    video_codec: str
    profile: str
    pix_fmt: str
    width: int
    height: int
    frame_count: int
    video_duration: float
    fps: float
    audio_codec: str
    sample_rate: int
    channels: int
    audio: np.ndarray  # (N, 2) float32
    audio_duration: float
    frames: np.ndarray | None  # (F, H, W, 3) uint8 when asked for


def decode_clip(path: str | Path, keep_frames: bool = False) -> DecodedClip:
    """Decode every video frame and audio sample of an MP4 with PyAV."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        frames: list[np.ndarray] = []
        pieces: list[np.ndarray] = []
        count = 0
        last_pts = 0.0
        for frame in container.decode(video=0, audio=0):
            if isinstance(frame, av.VideoFrame):
                count += 1
                last_pts = float(frame.pts * frame.time_base)
                if keep_frames:
                    frames.append(frame.to_ndarray(format="rgb24"))
            else:
                pieces.append(frame.to_ndarray())  # fltp: (channels, n)
        samples = np.concatenate(pieces, axis=1).T.astype(np.float32)
        fps = float(video.average_rate) if video.average_rate else 0.0
        return DecodedClip(
            format_name=container.format.name,
            video_codec=video.codec_context.name,
            profile=str(video.codec_context.profile),
            pix_fmt=str(video.codec_context.pix_fmt),
            width=video.codec_context.width,
            height=video.codec_context.height,
            frame_count=count,
            video_duration=last_pts + 1.0 / fps if fps else 0.0,
            fps=fps,
            audio_codec=audio.codec_context.name,
            sample_rate=audio.codec_context.sample_rate,
            channels=audio.codec_context.channels,
            audio=samples,
            audio_duration=samples.shape[0] / audio.codec_context.sample_rate,
            frames=np.stack(frames) if keep_frames and frames else None,
        )


def make_subject(subject_id: str, **overrides: Any) -> Subject:
    fields: dict[str, Any] = {
        "id": subject_id,
        "kind": "person",
        "category": "character",
        "color": (200, 40, 40),
        "color_name": "red",
        "size": 1.6,
        "action": "stand",
        "voice": "en-us",
    }
    fields.update(overrides)
    return Subject(**fields)


def make_plan(**overrides: Any) -> ScenePlan:
    fields: dict[str, Any] = {
        "prompt": "test scene",
        "seed": 3,
        "subjects": (make_subject("girl", voice="en-us+f3"),),
        "setting": "studio",
        "time_of_day": "day",
        "weather": "clear",
        "style": "cinematic",
        "camera": "static",
        "dialogue": (DialogueLine("girl", "Watch this!"),),
        "sound_cues": (),
    }
    fields.update(overrides)
    return ScenePlan(**fields)


def make_sim(events: tuple[Event, ...] = (), fps: int = 24, seconds: int = 5) -> Simulation:
    return Simulation(fps=fps, frame_count=fps * seconds, world_width=6.0, tracks=(), events=events)


def band_energy(x: np.ndarray, sample_rate: int, low: float, high: float) -> float:
    """Energy of a mono signal between `low` and `high` Hz."""
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1.0 / sample_rate)
    return float(spectrum[(freqs >= low) & (freqs < high)].sum())


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


@pytest.fixture
def decoded() -> Callable[..., DecodedClip]:
    return decode_clip
