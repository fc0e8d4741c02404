"""Physics checked on the delivered file: a red ball dropped in a studio, decoded with PyAV.

The clip goes through the real pipeline (physics, render, audio, watermark, encode); only the
director is replaced by the plan it makes for "a red ball falls onto the ground" so the test
does not load the sentence-embedding model and the scene stays neutral (grey studio).
"""

from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np
import pytest

import gen_engine.director
from gen_engine.physics.layout import GROUND_FRACTION, world_width
from gen_engine.pipeline import generate_unchecked
from gen_engine.types import GenerationSpec, Result
from tests.gen_engine._render_helpers import plan, subject

G = 9.81
PROMPT = "a red ball falls onto the ground"
BALL = 0.22


@pytest.fixture(scope="module")
def dropped_ball(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, np.ndarray, np.ndarray]:
    scene = plan(subject("s0", "ball", action="fall", color=(215, 40, 40), size=BALL),
                 prompt=PROMPT, setting="studio")  # fmt: skip
    spec = GenerationSpec(PROMPT, duration=3, resolution=360, seed=1)
    patch = pytest.MonkeyPatch()
    patch.setattr(gen_engine.director, "plan_scene", lambda *a, **k: scene)
    try:
        result = generate_unchecked(spec, tmp_path_factory.mktemp("drop"))
    finally:
        patch.undo()
    frames, audio = decode(Path(result.video_path))
    return result, frames, audio


def decode(path: Path) -> tuple[np.ndarray, np.ndarray]:
    frames, audio = [], []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0, audio=0):
            if isinstance(frame, av.VideoFrame):
                frames.append(frame.to_ndarray(format="rgb24"))
            else:
                audio.append(frame.to_ndarray())
    return np.stack(frames), np.concatenate(audio, axis=1).mean(axis=0)


def ball_bottoms(frames: np.ndarray) -> np.ndarray:
    """Image row of the ball's lowest point per frame: the red blob's centroid plus its radius
    (the centroid is robust to the chroma blur of yuv420 at the blob's edge)."""
    px = frames.astype(int)
    red = (px[..., 0] > 50) & (px[..., 0] - px[..., 1] > 35) & (px[..., 0] - px[..., 2] > 35)
    ppm = frames.shape[2] / world_width("9:16")
    rows = np.arange(frames.shape[1])[None, :, None]
    count = red.sum(axis=(1, 2))
    assert (count > 0).all()
    centre = (red * rows).sum(axis=(1, 2)) / count
    return centre + BALL / 2 * ppm


def test_first_contact_on_screen_matches_free_fall(dropped_ball) -> None:
    _, frames, _ = dropped_ball
    height_px, width_px = frames.shape[1:3]
    ground_row = GROUND_FRACTION * height_px
    ppm = width_px / world_width("9:16")
    bottoms = ball_bottoms(frames)
    drop_m = (ground_row - bottoms[0]) / ppm
    assert drop_m > 1.0
    touching = np.nonzero(bottoms >= ground_row - 3)[0]
    first = int(touching[0])
    expected = math.sqrt(2 * drop_m / G)
    assert abs(first / 24 - expected) <= 1 / 24
    assert first == math.ceil(expected * 24 - 0.5) or first == math.ceil(expected * 24)
    assert (np.diff(bottoms[: first + 1]) >= 0).all()  # falling until then, then rebounds
    assert bottoms[first + 3] < bottoms[first]


def onsets(audio: np.ndarray, rate: int, around: float) -> float:
    """Time of the first sample near `around` where the level jumps well above the bed."""
    lo, hi = int((around - 0.15) * rate), int((around + 0.15) * rate)
    window = np.abs(audio[lo:hi])
    bed = float(np.percentile(np.abs(audio[lo : lo + int(0.05 * rate)]), 99))
    loud = np.nonzero(window > max(4 * bed, 0.2 * float(window.max())))[0]
    return (lo + int(loud[0])) / rate


def test_impact_sound_starts_with_the_frame_that_draws_the_contact(dropped_ball) -> None:
    result, frames, audio = dropped_ball
    rate = 48000
    bottoms = ball_bottoms(frames)
    ground_row = GROUND_FRACTION * frames.shape[1]
    impacts = [e for e in result.events if e.kind == "impact"]
    assert len(impacts) >= 2
    for event in impacts[:2]:
        assert bottoms[event.frame] >= ground_row - 3  # the contact is drawn on event.frame
        assert abs(onsets(audio, rate, event.time) - event.frame / 24) < 0.010
