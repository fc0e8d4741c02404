"""Depth in the default engine's pictures (issue 18): parallax planes, atmospheric perspective,
and shadows on whatever holds a thing up.

A panning camera is measured on the frames: the ground moves by the whole pan, the hills by less
and the far range by less still, each by its plane's depth. Haze and the per-frame compositing
are checked against a plain reference.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gen_engine.physics import simulate
from gen_engine.physics.layout import GROUND_FRACTION, object_shape, world_width
from gen_engine.render import Renderer
from gen_engine.render import renderer as renderer_module
from gen_engine.render.backdrop import Backdrop, make_layer
from gen_engine.render.camera import camera_path, view_at
from gen_engine.render.painter import Painter, flatten_planes
from gen_engine.render.scenery import FAR_RANGE_DEPTH, HILL_DEPTH, HORIZON
from gen_engine.types import Fixture, GenerationSpec
from tests.gen_engine._render_helpers import plan, subject

PAN_SHARE = 0.3  # camera.py: a pan moves the view by 0.3 of the frame's width over the clip


@pytest.fixture(scope="module")
def pan_frames() -> np.ndarray:
    """The mountains panned across with nothing in front (a body standing still would move
    with the ground and read as one more plane)."""
    s = GenerationSpec("the mountains", duration=5, resolution=360, seed=2, camera="pan")
    scene = plan(setting="mountains", camera="pan")
    renderer = Renderer(scene, simulate(scene, s), s)
    assert renderer.framing.zoom == 1
    return renderer.render(0, s.frame_count)


def _shift(first: np.ndarray, last: np.ndarray, rows: slice, most: int) -> int:
    """How many pixels to the left the band of rows moved from `first` to `last`."""
    a, b = first[rows].astype(float), last[rows].astype(float)
    width = a.shape[1]
    errors = [np.abs(a[:, d:] - b[:, : width - d]).mean() for d in range(most + 1)]
    return int(np.argmin(errors))


def _band(frames: np.ndarray, above: float, below: float) -> slice:
    """Rows from `above` to `below` metres over the horizon line."""
    height, width = frames.shape[1:3]
    ppm = width / world_width("9:16")
    horizon = GROUND_FRACTION * height - HORIZON * ppm
    return slice(int(horizon - above * ppm), int(horizon - below * ppm))


def test_a_pan_moves_far_planes_by_their_depth(pan_frames: np.ndarray) -> None:
    first, last = pan_frames[0], pan_frames[-1]
    pan = PAN_SHARE * first.shape[1]
    most = int(pan) + 20
    ground = _shift(first, last, _band(pan_frames, -0.2, -2.0), most)
    hills = _shift(first, last, _band(pan_frames, 0.5, 0.05), most)  # below the lowest peak
    far_range = _shift(first, last, _band(pan_frames, 3.3, 1.3), most)  # above the hills
    assert abs(ground - pan) <= 2, (ground, pan)
    assert abs(hills - HILL_DEPTH * pan) <= 3, (hills, HILL_DEPTH * pan)
    assert abs(far_range - FAR_RANGE_DEPTH * pan) <= 3, (far_range, FAR_RANGE_DEPTH * pan)
    assert far_range < hills < ground


def _painter(width: int = 120, height: int = 90) -> Painter:
    xs = (np.arange(width) + 0.5) / 10 - width / 20
    ys = height / 20 - (np.arange(height) + 0.5) / 10
    return Painter(np.zeros((height, width, 3), np.float32), xs.astype(np.float32),
                   ys.astype(np.float32), 10.0, depth=0.04)  # fmt: skip


def test_far_planes_fade_toward_the_sky_at_the_horizon() -> None:
    sky = (170.0, 200.0, 235.0)
    p = _painter()
    p.vgradient(-10, 10, sky, sky)
    p.haze = sky
    dark = (40.0, 60.0, 50.0)
    p.layer(FAR_RANGE_DEPTH)
    p.disc(-3.0, 0.0, 1.0, dark)
    p.layer(1.0)
    p.disc(3.0, 0.0, 1.0, dark)
    image = flatten_planes(p.planes())
    far, near = image[45, 30], image[45, 90]  # the two discs' centres
    distance = lambda colour: float(np.linalg.norm(colour - np.asarray(sky)))  # noqa: E731
    assert distance(near) == pytest.approx(distance(np.asarray(dark)), abs=1)
    assert distance(far) < 0.6 * distance(near)
    indoors = _painter()  # no sky, no haze: a room's far wall is as clear as the near things
    indoors.vgradient(-10, 10, sky, sky)
    indoors.layer(0.8)
    indoors.disc(-3.0, 0.0, 1.0, dark)
    assert np.allclose(flatten_planes(indoors.planes())[45, 30], dark, atol=1)


def _reference(layers, camera, k: int, size: tuple[int, int], ppm: float, origin) -> torch.Tensor:
    """Every plane sampled over the whole frame and laid over the last, no rows skipped."""
    w, h = size
    x0, top = origin
    out = torch.zeros((h, w, 3))
    for layer in layers:
        v = view_at(camera, k, w, h, ppm, layer.depth)
        cols = (((torch.arange(w) + 0.5 - v.ax) / v.s - x0) * ppm).long()
        rows = ((top - (v.ay - (torch.arange(h) + 0.5)) / v.s) * ppm).long()
        if abs(v.s - ppm) < 1e-6:
            u0 = round((-v.ax / v.s - x0) * ppm)
            v0 = round((top - v.ay / v.s) * ppm)
            cols, rows = torch.arange(u0, u0 + w), torch.arange(v0, v0 + h)
        rgb = layer.rgb[rows][:, cols].float()
        alpha = torch.ones((h, w, 1)) if layer.alpha is None else layer.alpha[rows][:, cols]
        out = out + (rgb - out) * alpha
    return out


@pytest.mark.parametrize("move", ["pan", "dolly in", "tilt", "orbit"])
def test_drawing_only_the_rows_that_show_matches_laying_every_plane(move: str) -> None:
    w, h, ppm, frames = 72, 128, 12.0, 12
    camera = camera_path(move, frames, w / ppm, w, seed=1)
    rows, cols = 200, 110
    origin = (-cols / ppm / 2, 10.5)  # the canvas reaches past every view of these moves
    rng = np.random.default_rng(3)
    layers = [make_layer(0.04, torch.from_numpy(rng.integers(0, 255, (rows, cols, 3), np.uint8)),
                         None)]  # fmt: skip
    # Planes over rows [first, stop), fully covered from `solid` on, as hills and the ground are;
    # the ground's cover reaches the bottom of every frame, so nothing behind it is drawn there.
    for depth, first, solid, stop in ((0.3, 40, 90, 110), (0.6, 60, 100, 130), (1.0, 90, 110, 200)):
        alpha = np.zeros((rows, cols, 1), np.float32)
        alpha[first:stop] = rng.uniform(0, 1, (stop - first, cols, 1))
        alpha[solid:stop] = 1.0
        rgb = torch.from_numpy(rng.integers(0, 255, (rows, cols, 3), np.uint8))
        layers.append(make_layer(depth, rgb, torch.from_numpy(alpha)))
    backdrop = Backdrop(layers, origin, ppm, camera, (w, h))
    for k in (0, frames // 2, frames - 1):
        frame = torch.zeros((h, w, 3), dtype=torch.uint8)
        backdrop.draw(frame, k)
        expected = _reference(layers, camera, k, (w, h), ppm, origin)
        # each plane is rounded to whole levels as it is laid: half a level each, at most
        assert (frame.float() - expected).abs().max() <= 1.5, (move, k)


def test_a_shadow_falls_on_the_desk_that_holds_the_thing_not_on_the_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The picture with a box on a desk against the same picture without it, seen by the same
    camera: what differs below the box is its shadow, along the desk's top, none on the floor."""
    desk = Fixture("desk", "table", "wood", (150, 105, 60), "brown")
    box = subject("b", "box", color=(40, 90, 220), color_name="blue", material="wood")
    s = GenerationSpec("a box on a desk", duration=5, resolution=360)
    with_box = plan(box, setting="kitchen", fixtures=(desk,))
    empty = plan(setting="kitchen", fixtures=(desk,))
    sim = simulate(with_box, s)
    renderer = Renderer(with_box, sim, s)
    shown = renderer.render(0, 1)[0].astype(float)
    monkeypatch.setattr(renderer_module, "frame_action", lambda *args: renderer.framing)
    bare = Renderer(empty, simulate(empty, s), s).render(0, 1)[0].astype(float)
    (track,) = sim.tracks
    x, y = (float(v) for v in track.position[0])
    half = object_shape(box).height / 2
    assert y - half > 0.6, "the box starts on the desk, high above the floor"
    _, desk_top = renderer.world_to_pixel(0, [x, y - half])
    _, floor = renderer.world_to_pixel(0, [x, 0.0])
    assert floor < shown.shape[0] - 15, "the floor is in the picture"
    darker = (bare - shown).mean(axis=2) > 6  # the box, and the shadow it casts
    rows = np.nonzero(darker.any(axis=1))[0]
    below = rows[rows > desk_top + 1]
    assert len(below), "a shadow under the box"
    assert below.max() < desk_top + 0.1 * renderer.ppm, "the shadow stays on the desk"
