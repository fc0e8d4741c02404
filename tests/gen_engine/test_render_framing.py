"""The camera moves in on scenes of small things (issue 18): a cup on a shelf fills the frame
instead of being a few pixels wide, without showing anything past the neutral frame; scenes with
people keep the neutral framing the rest of the engine composes for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gen_engine.physics import simulate
from gen_engine.physics.fixtures import place_fixtures
from gen_engine.physics.layout import object_shape, world_width
from gen_engine.pipeline import generate_unchecked
from gen_engine.render.framing import MOST_ZOOM, frame_action, neutral
from gen_engine.types import GenerationSpec
from tests.gen_engine._render_helpers import plan, subject
from tests.gen_engine.test_physics_decoded import decode

ASPECT = 16 / 9  # height over width of a 9:16 frame


def test_a_cup_on_a_shelf_is_framed_close_and_whole(tmp_path: Path) -> None:
    spec = GenerationSpec("a blue cup sits on a shelf in a kitchen", duration=2, resolution=360)
    result = generate_unchecked(spec, tmp_path)
    assert result.framing is not None and result.framing.zoom > 2
    frames, _ = decode(Path(result.video_path))
    px = frames.astype(int)
    blue = (px[..., 2] > 110) & (px[..., 2] - px[..., 0] > 50) & (px[..., 2] - px[..., 1] > 30)
    width = frames.shape[2]
    cols = np.nonzero(blue[0].any(axis=0))[0]
    (cup,) = result.plan.subjects
    neutral_px = object_shape(cup).width / world_width("9:16") * width  # the neutral camera's
    assert cols.max() - cols.min() + 1 > 2 * neutral_px
    # the whole shelf the cup stands on is in the picture
    (shelf,) = place_fixtures(result.plan.fixtures, world_width("9:16"))
    for x in shelf.extent:
        col, _ = result.framing.to_pixel(x, 1.0, world_width("9:16"), (width, frames.shape[1]))
        assert 0 <= col <= width


def test_people_keep_the_neutral_frame() -> None:
    s = GenerationSpec("a girl waves", duration=2, resolution=360)
    scene = plan(subject("a", action="wave"), subject("b", "ball", size=0.2))
    sim = simulate(scene, s)
    assert frame_action(scene, sim, [], ASPECT) == neutral(sim.world_width, ASPECT)


@pytest.mark.parametrize("size,action", [(0.1, "idle"), (0.3, "idle"), (0.6, "roll")])
def test_the_closer_frame_stays_inside_the_neutral_one(size: float, action: str) -> None:
    s = GenerationSpec("a ball", duration=2, resolution=360)
    scene = plan(subject("b", "ball", size=size, action=action))
    sim = simulate(scene, s)
    framing = frame_action(scene, sim, [], ASPECT)
    rest = neutral(sim.world_width, ASPECT)
    assert 1 < framing.zoom <= MOST_ZOOM
    seen_w = sim.world_width / framing.zoom
    seen_h = seen_w * ASPECT
    assert abs(framing.centre_x) + seen_w / 2 <= sim.world_width / 2 + 1e-9
    assert framing.top <= rest.top + 1e-9
    assert framing.top - seen_h >= rest.top - sim.world_width * ASPECT - 1e-9
    # and the ball is in it over the whole clip
    (track,) = sim.tracks
    xs, ys = track.position[:, 0], track.position[:, 1]
    assert (abs(xs - framing.centre_x) < seen_w / 2).all()
    assert ((ys < framing.top) & (ys > framing.top - seen_h)).all()
