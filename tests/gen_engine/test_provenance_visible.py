"""The visible moving watermark, found in decoded frames by differencing with an unmarked clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from gen_engine.provenance import FrameMarker
from gen_engine.provenance.visible import MAX_AREA_SHARE
from tests.gen_engine._provenance_helpers import decode_rgb, encode, scene_frames, spec_for

FPS = 12
SECONDS = 5


@pytest.fixture(scope="module")
def decoded_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, np.ndarray]:
    folder = tmp_path_factory.mktemp("visible")
    clean = scene_frames(FPS * SECONDS)
    marked = clean.copy()
    FrameMarker(spec_for(fps=FPS, handle="night_owl")).mark(marked, 0)
    clean_path = encode(clean, folder / "clean.mp4", crf=18, fps=FPS)
    marked_path = encode(marked, folder / "marked.mp4", crf=18, fps=FPS)
    return decode_rgb(clean_path), decode_rgb(marked_path)


def _mark_box(clean: np.ndarray, marked: np.ndarray) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of the largest region the visible mark changed clearly.

    The largest connected region, because re-encoding also flips a few isolated pixels at
    moving edges differently in the two files.
    """
    changed = np.abs(marked.astype(int) - clean.astype(int)).sum(axis=2) > 60
    labels, count = ndimage.label(changed)
    assert count > 0, "no visible mark found"
    sizes = ndimage.sum(changed, labels, index=range(1, count + 1))
    biggest = int(np.argmax(sizes)) + 1
    assert sizes[biggest - 1] > 200, "no visible mark found"
    rows, cols = ndimage.find_objects((labels == biggest).astype(int))[0]
    return cols.start, rows.start, cols.stop, rows.stop


def test_mark_moves_between_start_middle_and_end(
    decoded_pair: tuple[np.ndarray, np.ndarray],
) -> None:
    clean, marked = decoded_pair
    count, height, width = clean.shape[:3]
    centres = []
    for index in (0, count // 2, count - 1):
        x0, y0, x1, y1 = _mark_box(clean[index], marked[index])
        assert (x1 - x0) * (y1 - y0) <= MAX_AREA_SHARE * width * height
        centres.append(np.array([(x0 + x1) / 2 / width, (y0 + y1) / 2 / height]))
    for a in range(3):
        for b in range(a + 1, 3):
            assert np.abs(centres[a] - centres[b]).max() > 0.25, centres


def test_decoded_mark_is_where_the_marker_says(
    decoded_pair: tuple[np.ndarray, np.ndarray],
) -> None:
    clean, marked = decoded_pair
    marker = FrameMarker(spec_for(fps=FPS, handle="night_owl"))
    for index in (0, 20, 41):
        x, y, w, h = marker.position(index, clean.shape[2], clean.shape[1])
        x0, y0, x1, y1 = _mark_box(clean[index], marked[index])
        assert abs(x0 - x) <= 4 and abs(y0 - y) <= 4
        assert abs(x1 - (x + w)) <= 4 and abs(y1 - (y + h)) <= 4


@pytest.mark.parametrize("level", [0, 128, 255])
def test_mark_reads_on_dark_and_light_content(level: int) -> None:
    frames = np.full((1, 640, 360, 3), level, dtype=np.uint8)
    marker = FrameMarker(spec_for(handle="@someone"))
    marker.mark(frames, 0)
    x, y, w, h = marker.position(0, 360, 640)
    luma = frames[0, y : y + h, x : x + w].astype(float) @ [0.299, 0.587, 0.114]
    # white text and a dark pill/outline both present, whatever the background
    assert (luma > 200).mean() > 0.04
    assert (luma < 110).mean() > 0.3


def test_mark_is_deterministic_from_frame_index() -> None:
    frames = scene_frames(24)
    whole, split = frames.copy(), frames.copy()
    marker = FrameMarker(spec_for())
    marker.mark(whole, 100)
    for start in (0, 5, 17):
        end = {0: 5, 5: 17, 17: 24}[start]
        FrameMarker(spec_for()).mark(split[start:end], 100 + start)
    assert np.array_equal(whole, split)


def test_mark_stays_small_on_every_frame_size() -> None:
    for width, height in ((144, 256), (360, 640), (720, 1280), (1280, 720), (480, 480)):
        marker = FrameMarker(spec_for(handle="x" * 40))
        _, _, w, h = marker.position(0, width, height)
        assert w * h <= MAX_AREA_SHARE * width * height, (width, height)


def test_long_handles_are_shortened(tmp_path: Path) -> None:
    short = FrameMarker(spec_for(handle="ab")).position(0, 720, 1280)
    long = FrameMarker(spec_for(handle="a" * 200)).position(0, 720, 1280)
    assert long[2] < 720 * 0.6 and long[2] > short[2]
