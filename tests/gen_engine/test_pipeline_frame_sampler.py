"""The frame sampler: one marked, downscaled frame per second of output, handed over while the
engine renders (the site's output moderation check reads these instead of decoding the MP4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from conftest import decode_clip

from gen_engine import GenerationError, GenerationSpec
from gen_engine.pipeline import (
    FRAME_SAMPLE_LONG_SIDE,
    _render_frames,
    _Run,
    _Sampling,
    downscale,
    generate_unchecked,
)

PROMPT = 'a boy says "here we go" and kicks a ball at a wooden box in a park'


def test_the_sampler_gets_one_frame_a_second_of_the_expected_size(tmp_path: Path) -> None:
    sampled: list[tuple[int, npt.NDArray[np.uint8]]] = []
    spec = GenerationSpec(prompt=PROMPT, duration=3, resolution=360)  # 360x640
    result = generate_unchecked(
        spec, tmp_path, frame_sampler=lambda index, frame: sampled.append((index, frame))
    )
    assert [index for index, _ in sampled] == [0, 24, 48]
    for _, frame in sampled:
        assert frame.shape == (320, 180, 3) and frame.dtype == np.uint8
    assert result.timings["frame_sample"] < 0.5

    # They are the frames of the file (as marked and encoded), scaled down.
    clip = decode_clip(result.video_path, keep_frames=True)
    assert clip.frames is not None
    for index, frame in sampled:
        from_file = downscale(clip.frames[index], FRAME_SAMPLE_LONG_SIDE).astype(np.int16)
        assert np.abs(from_file - frame).mean() < 4.0


def test_frames_no_larger_than_the_detector_input_are_copied_unscaled(tmp_path: Path) -> None:
    sampled: list[tuple[int, npt.NDArray[np.uint8]]] = []
    spec = GenerationSpec(prompt=PROMPT, duration=1, resolution=144)  # 144x256
    generate_unchecked(spec, tmp_path, frame_sampler=lambda i, f: sampled.append((i, f)))
    assert [(index, frame.shape) for index, frame in sampled] == [(0, (256, 144, 3))]


class _Encoder:
    def __init__(self) -> None:
        self.submitted: list[npt.NDArray[np.uint8]] = []

    def submit(self, frames: npt.NDArray[np.uint8]) -> None:
        self.submitted.append(frames.copy())


class _Renderer:
    """Frames of 1280x720 whose every pixel is the frame index (mod 200)."""

    def poster_frame_index(self) -> int:
        return 0

    def render(self, start: int, stop: int) -> npt.NDArray[np.uint8]:
        values = np.arange(start, stop, dtype=np.uint8) % 200
        return np.broadcast_to(values[:, None, None, None], (stop - start, 1280, 720, 3)).copy()


class _Marker:
    """Stands in for the watermark: adds 50 to every pixel, so a marked frame is recognisable."""

    def mark(self, frames: npt.NDArray[np.uint8], first_index: int) -> npt.NDArray[np.uint8]:
        frames += 50
        return frames


def test_the_sampler_sees_frames_after_the_marks_once_per_second_across_batches() -> None:
    sampled: list[tuple[int, npt.NDArray[np.uint8]]] = []
    frame_count = 24 * 5 + 7  # batches of 11 never line up with the seconds
    _render_frames(
        _Run(None, None),
        _Renderer(),
        _Marker(),
        _Encoder(),  # type: ignore[arg-type]
        frame_count,
        _Sampling(lambda index, frame: sampled.append((index, frame)), fps=24),
    )
    assert [index for index, _ in sampled] == [0, 24, 48, 72, 96, 120]
    for index, frame in sampled:
        assert frame.shape == (320, 180, 3)
        assert np.all(frame == index % 200 + 50)  # marked


def test_a_failing_sampler_fails_the_run_cleanly(tmp_path: Path) -> None:
    def broken(index: int, frame: Any) -> None:
        raise RuntimeError("sampler is full")

    spec = GenerationSpec(prompt=PROMPT, duration=1, resolution=144)
    with pytest.raises(GenerationError) as caught:
        generate_unchecked(spec, tmp_path / "out", frame_sampler=broken)
    assert caught.value.code == "engine_failure" and "sampler is full" in caught.value.message
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("shape", "expected"),
    [((1280, 720), (320, 180)), ((854, 480), (320, 180)), ((1080, 1920), (180, 320))],
)
def test_downscale_averages_boxes_to_a_long_side_of_320(
    shape: tuple[int, int], expected: tuple[int, int]
) -> None:
    rng = np.random.default_rng(7)
    frame = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    small = downscale(frame, FRAME_SAMPLE_LONG_SIDE)
    assert small.shape == (*expected, 3) and small.dtype == np.uint8
    assert abs(float(small.mean()) - float(frame.mean())) < 1.0
    if shape == (1280, 720):  # a whole-number factor: exactly the 4x4 block means
        blocks = frame.reshape(320, 4, 180, 4, 3).mean(axis=(1, 3))
        assert np.abs(small - blocks).max() <= 0.5
