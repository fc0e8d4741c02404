"""Scene geometry on the delivered file (issue 18): bodies collide with the fixtures the
prompt names, and the sound of each contact starts on the frame that draws it.

Both clips go through the real pipeline, director included; the ball and the car are found in
the decoded frames by colour, and heights are read against the ground line the renderer uses.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from gen_engine.physics.fixtures import STEPS
from gen_engine.physics.layout import GROUND_FRACTION, world_width
from gen_engine.pipeline import generate_unchecked
from gen_engine.types import Framing, GenerationSpec, Result
from tests.gen_engine.conftest import band_energy
from tests.gen_engine.test_physics_decoded import decode

FPS = 24
RATE = 48000


def _clip(tmp: Path, prompt: str, seconds: int = 5) -> tuple[Result, np.ndarray, np.ndarray]:
    result = generate_unchecked(
        GenerationSpec(prompt, duration=seconds, resolution=360, seed=2), tmp
    )
    frames, audio = decode(Path(result.video_path))
    return result, frames, audio


def onsets(audio: np.ndarray, rate: int, around: float) -> float:
    """When a hit starts near `around`: the first millisecond whose level climbs half way from
    the bed before it (engine hum, ambience) to the hit's peak."""
    lo, hi = int((around - 0.12) * rate), int((around + 0.12) * rate)
    hop = rate // 1000
    segment = np.abs(audio[lo:hi])
    level = segment[: len(segment) // hop * hop].reshape(-1, hop).max(axis=1)
    bed = float(np.median(level[:50]))
    first = int(np.argmax(level > bed + 0.5 * (float(level.max()) - bed)))
    return (lo + first * hop) / rate


def _red(frames: np.ndarray) -> np.ndarray:
    px = frames.astype(int)
    return (px[..., 0] > 90) & (px[..., 0] - px[..., 1] > 50) & (px[..., 0] - px[..., 2] > 50)


def _heights(
    mask: np.ndarray, frames: np.ndarray, framing: Framing | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: metres above the ground of the blob's lowest row, and its centre x in metres,
    read through the camera the clip was rendered with."""
    height_px, width_px = frames.shape[1:3]
    framing = framing or Framing()
    ppm = framing.pixels_per_metre(world_width("9:16"), width_px)
    _, ground_row = framing.to_pixel(0.0, 0.0, world_width("9:16"), (width_px, height_px))
    rows = np.arange(height_px)[None, :, None]
    cols = np.arange(width_px)[None, None, :]
    count = mask.sum(axis=(1, 2))
    assert (count > 0).all(), "the body is visible in every frame"
    lowest = np.where(mask, rows, -1).max(axis=(1, 2))
    centre = (mask * cols).sum(axis=(1, 2)) / count
    return (ground_row - lowest - 0.5) / ppm, (centre - width_px / 2) / ppm + framing.centre_x


@pytest.fixture(scope="module")
def stairs_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, np.ndarray, np.ndarray]:
    return _clip(tmp_path_factory.mktemp("stairs"), "A red ball bounces down stone stairs")


def test_the_plan_has_stone_stairs_and_a_red_ball(stairs_clip) -> None:
    result, _, _ = stairs_clip
    (stairs,) = result.plan.fixtures
    assert (stairs.name, stairs.material) == ("stairs", "stone")
    (ball,) = result.plan.subjects
    assert (ball.kind, ball.color_name, ball.material) == ("ball", "red", "rubber")


def test_the_ball_drops_one_step_per_bounce(stairs_clip) -> None:
    result, frames, _ = stairs_clip
    heights, xs = _heights(_red(frames), frames, result.framing)
    # the lowest point of each bounce: the lowest frame of the three either side (a bounce is a
    # sharp V; a flat top, read a pixel apart from frame to frame, is not one)
    dips = [
        k
        for k in range(3, len(heights) - 3)
        if heights[k] == heights[k - 3 : k + 4].min() and heights[k] < heights[k + 1]
    ]
    assert len(dips) >= STEPS + 1
    rise = 1.0 / STEPS  # the catalogue's stairs: 1 m high
    # Heights against the last dip, on the floor, read the same way: the colour mask stops a
    # few pixels short of the ball's soft edge, the same few pixels on every frame.
    floor = float(heights[dips[STEPS]])
    landed = [float(heights[k]) - floor for k in dips[: STEPS + 1]]
    expected = [rise * (STEPS - i) for i in range(STEPS)] + [0.0]
    assert np.allclose(landed, expected, atol=0.03), (landed, expected)
    steps_x = [float(xs[k]) for k in dips[:STEPS]]
    assert all(b > a + 0.25 for a, b in itertools.pairwise(steps_x))  # moving on down


def test_each_step_sounds_on_the_frame_that_draws_it(stairs_clip) -> None:
    result, frames, audio = stairs_clip
    heights, _ = _heights(_red(frames), frames, result.framing)
    floor = float(heights[-1])  # at rest on the floor by the end
    hits = [e for e in result.events if e.kind == "impact" and e.other == "stairs"]
    assert len(hits) == STEPS
    rise = 1.0 / STEPS
    for step, event in enumerate(hits):
        assert abs(onsets(audio, RATE, event.time) - event.frame / FPS) <= 1 / FPS
        # on that frame the ball is drawn on the top of step `step` (counting from the top)
        assert abs(float(heights[event.frame]) - floor - rise * (STEPS - step)) < 0.04


def test_a_toy_car_rolls_off_the_desk_and_lands_on_the_rug(tmp_path: Path) -> None:
    prompt = "a yellow toy car rolls off a desk and lands on a rug"
    result, frames, audio = _clip(tmp_path, prompt)
    assert [f.name for f in result.plan.fixtures] == ["desk", "rug"]
    assert result.plan.subjects[0].color_name == "yellow"
    px = frames.astype(int)
    yellow = (px[..., 0] > 150) & (px[..., 1] > 120) & (px[..., 0] - px[..., 2] > 100)
    heights, xs = _heights(yellow, frames, result.framing)
    landing = next(e for e in result.events if e.kind == "impact" and e.other == "rug")
    on_rug = float(np.median(heights[landing.frame + 6 :]))
    desk_top = 0.76 - 0.02  # the catalogue's desk, above the rug it lands on
    # It starts on the desk and ends on the rug: nose-first off the edge, it may land on its
    # roof, which puts its body a few centimetres lower than on its wheels.
    assert abs(float(heights[0]) - on_rug - desk_top) < 0.1
    assert on_rug < 0.08
    assert float(xs[-1]) > float(xs[0]) + 0.8  # having rolled off to the right
    assert abs(onsets(audio, RATE, landing.time) - landing.frame / FPS) <= 1 / FPS


def test_a_shot_rebounds_off_the_backboard_at_a_plausible_angle(tmp_path: Path) -> None:
    result, frames, audio = _clip(tmp_path, "a boy shoots a basketball at the hoop in the gym")
    assert [f.name for f in result.plan.fixtures] == ["basketball hoop"]
    hit = next(e for e in result.events if e.kind == "impact" and e.other == "basketball hoop")
    height_px, width_px = frames.shape[1:3]
    ppm = width_px / world_width("9:16")
    above_floor = np.arange(height_px)[None, :, None] < GROUND_FRACTION * height_px - 1.5 * ppm
    px = frames.astype(int)
    orange = (px[..., 0] > 150) & (px[..., 1] > 50) & (px[..., 1] < 150) & (px[..., 2] < 90)
    ball = orange & above_floor
    cols = np.arange(width_px)[None, None, :]
    rows = np.arange(height_px)[None, :, None]
    k = hit.frame
    window = range(k - 3, k + 4)
    assert all(ball[i].sum() > 10 for i in window), "the ball is in the air around the hit"
    x = {i: float((ball[i] * cols).sum() / ball[i].sum()) / ppm for i in window}
    y = {i: -float((ball[i] * rows).sum() / ball[i].sum()) / ppm for i in window}
    dt = 2 / FPS
    vx_in, vx_out = (x[k - 1] - x[k - 3]) / dt, (x[k + 3] - x[k + 1]) / dt
    vy_in, vy_out = (y[k - 1] - y[k - 3]) / dt, (y[k + 3] - y[k + 1]) / dt
    assert vx_in > 1.0 and vx_out < 0  # towards the board, then back off it
    # leather on a hard board gives back about half its speed across the board (0.62 x 0.8)
    assert 0.3 < -vx_out / vx_in < 0.75, (vx_in, vx_out)
    # along the board the ball keeps its motion, less what gravity takes in 4 frames
    assert abs((vy_out - vy_in) + 9.81 * 4 / FPS) < 1.2, (vy_in, vy_out)
    assert abs(onsets(audio, RATE, hit.time) - hit.frame / FPS) <= 1 / FPS


def _unwrapped_turn(angles: list[float]) -> float:
    return float(np.unwrap(np.array(angles))[-1] - angles[0])


def test_a_backflip_on_a_paddleboard_turns_once_and_lands_on_the_rocking_board(
    tmp_path: Path,
) -> None:
    prompt = "a man in a red shirt does a backflip on a yellow paddleboard on a lake"
    result, frames, _ = _clip(tmp_path, prompt)
    assert result.plan.setting == "lake"
    kinds = [(s.kind, s.action) for s in result.plan.subjects]
    assert kinds == [("person", "flip"), ("paddleboard", "idle")]
    whoosh = next(e for e in result.events if e.kind == "whoosh")
    landing = next(e for e in result.events if e.kind == "land")
    assert landing.other == result.plan.subjects[1].id  # lands on the board, not in the water
    height_px, width_px = frames.shape[1:3]
    ppm = width_px / world_width("9:16")
    px = frames.astype(int)
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    shirt = (r > 120) & (g < 0.35 * r) & (b < 0.35 * r)
    skin = (r > 100) & (g > 0.5 * r) & (g < 0.85 * r) & (b > 0.3 * r) & (b < 0.8 * r) & (r - b > 30)
    board = (r > 150) & (g > 0.7 * r) & (b < 0.4 * r)
    rows = np.arange(height_px)[:, None]
    cols = np.arange(width_px)[None, :]

    def centre(mask: np.ndarray) -> tuple[float, float]:
        return float((mask * cols).sum() / mask.sum()), float((mask * rows).sum() / mask.sum())

    def up(k: int) -> float:
        """The torso's long axis (the shirt's principal axis), pointing to the head's end."""
        ys, xs = np.nonzero(shirt[k])
        x0, y0 = xs.mean(), ys.mean()
        axis = np.linalg.eigh(np.cov(np.stack([xs - x0, -(ys - y0)])))[1][:, 1]
        hx, hy = centre(skin[k])
        if axis @ np.array([hx - x0, -(hy - y0)]) < 0:
            axis = -axis
        return math.atan2(axis[1], axis[0])

    # Over the flip the torso turns one full circle, head over heels.
    start = max(0, whoosh.frame - 10)
    angles = [up(k) for k in range(start, landing.frame + 6)]
    turn = abs(_unwrapped_turn(angles))
    assert abs(turn - 2 * math.pi) < 0.6, turn
    # It comes down standing where it took off, over the board.
    before, after = centre(shirt[0]), centre(shirt[landing.frame + 18])  # standing, both
    assert abs(after[1] - before[1]) / ppm < 0.08 and abs(after[0] - before[0]) / ppm < 0.15
    board_cols = np.nonzero(board[landing.frame].any(axis=0))[0]
    assert board_cols.min() < after[0] < board_cols.max()

    def tilt(mask: np.ndarray) -> float:  # the board's slope: its left half against its right
        mid = int(np.median(np.nonzero(mask.any(axis=0))[0]))
        left, right = mask.copy(), mask.copy()
        left[:, mid:] = False
        right[:, :mid] = False
        (lx, ly), (rx, ry) = centre(left), centre(right)
        return math.degrees(math.atan2(-(ry - ly), rx - lx))

    still = [tilt(board[k]) for k in range(0, whoosh.frame - 4)]
    rocking = [tilt(board[k]) for k in range(landing.frame, landing.frame + 24)]
    # Flat on the water before (the rider's feet hide a few of its pixels: under half a
    # degree of apparent tilt), then it rocks by degrees once the rider lands.
    assert max(abs(a) for a in still) < 0.5
    assert max(rocking) - min(rocking) > 4 * max(abs(a) for a in still)


def test_a_plate_pushed_off_a_table_breaks_on_the_floor(tmp_path: Path) -> None:
    from scipy import ndimage

    result, frames, audio = _clip(tmp_path, "a red plate slides off a table in a kitchen")
    (plate,) = result.plan.subjects
    assert (plate.kind, plate.material) == ("plate", "ceramic")
    crash = next(e for e in result.events if e.kind == "break")
    hit = next(e for e in result.events if e.kind == "impact" and e.subject == plate.id)
    assert hit.other == "ground" and hit.frame == crash.frame  # it breaks on the floor
    px = frames.astype(int)
    red = (px[..., 0] > 130) & (px[..., 1] < 0.45 * px[..., 0]) & (px[..., 2] < 0.45 * px[..., 0])
    assert result.framing is not None
    ppm = result.framing.pixels_per_metre(world_width("9:16"), frames.shape[2])

    def pieces(k: int) -> list[int]:
        """Separate red blobs (the plate's lit band and its body count as one)."""
        joined = ndimage.binary_dilation(red[k], iterations=2)
        labels, count = ndimage.label(joined)
        sizes = ndimage.sum(red[k], labels, range(1, count + 1))
        return [int(s) for s in sizes if s >= 4]

    def extent(k: int) -> float:  # metres across that the red pixels span
        cols = np.nonzero(red[k].any(axis=0))[0]
        return float(cols.max() - cols.min() + 1) / ppm

    # Whole until the hit: its red never spans more than one plate (a thin disc moving 14 px a
    # frame can come out of the encoder in two strokes, so blobs are not counted here).
    assert all(extent(k) < 1.2 * plate.size for k in range(2, crash.frame - 1))
    after = crash.frame + 30  # settled: tumbling pieces can hide one another edge-on before
    assert len(pieces(after)) >= 3  # in pieces on the floor, spread wider than the plate was
    spread = np.nonzero(red[after].any(axis=0))[0]
    assert (spread.max() - spread.min()) / ppm > 1.5 * plate.size
    # and the shatter is heard with the frame that shows the hit: a bright burst (2-9 kHz)
    assert abs(onsets(audio, RATE, crash.time) - crash.frame / FPS) <= 1 / FPS
    quiet = audio[: int(0.4 * RATE)]
    burst = audio[int(crash.frame / FPS * RATE) : int((crash.frame / FPS + 0.25) * RATE)]
    high = [band_energy(x, RATE, 2000, 9000) / max(band_energy(x, RATE, 20, 20000), 1e-12)
            for x in (quiet, burst)]  # fmt: skip
    assert high[1] > 2 * high[0]


def test_what_broke_leaves_no_shadow_behind(tmp_path: Path) -> None:
    """After the plate breaks, nothing of it is drawn where it is not: frames of the floor at
    the frame centre (where off-stage bodies are parked) stay as light as before the break."""
    result, frames, _ = _clip(tmp_path, "a red plate slides off a table in a kitchen")
    crash = next(e for e in result.events if e.kind == "break")
    height_px, width_px = frames.shape[1:3]
    assert result.framing is not None
    col, row = (int(v) for v in result.framing.to_pixel(0.0, 0.0, world_width("9:16"),
                                                       (width_px, height_px)))  # fmt: skip
    assert 8 <= col < width_px - 8 and 3 <= row < height_px - 3, "the parking spot is in view"
    centre = frames[:, row - 3 : row + 3, col - 8 : col + 8]
    light = centre.astype(float).mean(axis=(1, 2, 3))
    assert abs(float(light[crash.frame + 30]) - float(light[2])) < 6
