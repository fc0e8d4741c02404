"""The default output: 720x1280, 10 s, 24 fps - the one full-size clip in this test set."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from conftest import decode_clip

from gen_engine import GenerationSpec, generate
from gen_engine.audio import master

PROMPT = (
    'a girl in a red jacket says "watch this!" and bounces three rubber balls on a city street '
    "at sunset"
)


@pytest.mark.slow
def test_default_clip_is_720x1280_10s_h264_aac_and_mastered(tmp_path: Path) -> None:
    spec = GenerationSpec(prompt=PROMPT)
    assert (spec.size, spec.duration, spec.fps) == ((720, 1280), 10, 24)
    started = time.perf_counter()
    result = generate(spec, tmp_path)
    elapsed = time.perf_counter() - started
    clip = decode_clip(result.video_path)
    assert (clip.width, clip.height) == (720, 1280)
    assert (clip.video_codec, clip.profile, clip.pix_fmt) == ("h264", "High", "yuv420p")
    assert clip.frame_count == 240 and abs(clip.video_duration - 10.0) <= 1 / 24
    assert (clip.audio_codec, clip.sample_rate, clip.channels) == ("aac", 48000, 2)
    assert abs(clip.audio_duration - 10.0) <= 1 / 24
    assert abs(master.integrated_loudness(clip.audio, 48000) + 16.0) <= 1.5
    assert np.abs(clip.audio).max() < 10 ** (-1.0 / 20)
    # A 10 s clip of this scene stays small enough to stream on a phone.
    assert Path(result.video_path).stat().st_size < 12_000_000
    # Generous bound for a shared 2-core test machine; bench/engine.py measures the real figure.
    assert elapsed < 120, f"default clip took {elapsed:.1f} s"
