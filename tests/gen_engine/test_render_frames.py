"""The renderer on small frames: shapes, determinism, looks, camera, cameo faces, mouths."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gen_engine.physics import JOINT, simulate
from gen_engine.render import Renderer
from gen_engine.render.scenery import SKYLINE_DEPTH
from gen_engine.types import CameoRef, GenerationSpec, ScenePlan, SpokenLine
from tests.gen_engine._render_helpers import plan, spec, subject


def frames(p: ScenePlan, s: GenerationSpec, start: int = 0, stop: int = 1,
           spoken: tuple[SpokenLine, ...] = ()) -> np.ndarray:  # fmt: skip
    return Renderer(p, simulate(p, s, spoken), s).render(start, stop)


def luma(img: np.ndarray) -> float:
    return float((img[..., :3].astype(np.float64) @ [0.299, 0.587, 0.114]).mean())


SCENE = (subject("a", action="walk", color=(30, 160, 60)), subject("b", "ball", action="bounce"))


@pytest.mark.parametrize("aspect,size", [("9:16", (256, 144)), ("16:9", (144, 256)),
                                         ("1:1", (144, 144))])  # fmt: skip
def test_frames_have_the_spec_size_and_dtype(aspect: str, size: tuple[int, int]) -> None:
    out = frames(plan(*SCENE), spec(aspect=aspect), 3, 8)
    assert out.shape == (5, *size, 3) and out.dtype == np.uint8


def test_rendering_is_deterministic_and_batches_agree() -> None:
    p, s = plan(*SCENE, weather="rain", style="cinematic", camera="handheld"), spec()
    sim = simulate(p, s)
    whole = Renderer(p, sim, s).render(0, 30)
    again = Renderer(p, sim, s).render(0, 30)
    pieces = np.concatenate([Renderer(p, sim, s).render(a, a + 7) for a in range(0, 30, 7)])
    assert np.array_equal(whole, again)
    assert np.array_equal(whole, pieces[:30])
    assert not np.array_equal(whole[0], whole[20])  # things move


def test_night_is_darker_than_day_and_settings_differ() -> None:
    day = frames(plan(*SCENE, setting="park"), spec())[0]
    night = frames(plan(*SCENE, setting="park", time_of_day="night"), spec())[0]
    assert luma(night) < 0.6 * luma(day)
    beach = frames(plan(*SCENE, setting="beach"), spec())[0]
    city = frames(plan(*SCENE, setting="city street"), spec())[0]
    assert np.abs(beach.astype(int) - city.astype(int)).mean() > 20


def test_noir_is_grayscale_and_styles_differ() -> None:
    looks = {st: frames(plan(*SCENE, setting="beach", style=st), spec())[0]
             for st in ("noir", "cinematic", "anime", "watercolor", "neon", "pixel")}  # fmt: skip
    noir = looks["noir"].astype(int)
    assert np.abs(noir[..., 0] - noir[..., 1]).max() <= 2
    assert np.abs(noir[..., 1] - noir[..., 2]).max() <= 2
    colour = looks["cinematic"].astype(int)
    assert np.abs(colour[..., 0] - colour[..., 2]).mean() > 10
    assert luma(looks["neon"]) < 0.6 * luma(looks["cinematic"])
    names = list(looks)
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            diff = np.abs(looks[x].astype(int) - looks[y].astype(int)).mean()
            assert diff > 4, (x, y)


def test_weather_adds_particles_and_fog_flattens_contrast() -> None:
    clear = frames(plan(setting="city street"), spec(), 5, 7).astype(int)
    rain = frames(plan(setting="city street", weather="rain"), spec(), 5, 7).astype(int)
    snow = frames(plan(setting="city street", weather="snow"), spec(), 5, 20)[::14].astype(int)
    fog = frames(plan(setting="city street", weather="fog"), spec(), 5, 6)[0]
    assert fog.astype(float).std() < 0.8 * clear[0].astype(float).std()
    assert np.array_equal(clear[0], clear[1])  # an empty static scene does not change
    for falling in (rain, snow):
        moved = np.abs(falling[1] - falling[0]).max(axis=-1) > 12
        assert 0.005 < moved.mean() < 0.3  # sparse particles, moving frame to frame


def test_camera_pan_shifts_the_background() -> None:
    p = plan(setting="city street", camera="pan")
    s = spec(duration=2)
    r = Renderer(p, simulate(p, s), s)
    out = r.render(0, s.frame_count)
    first, last = out[0].astype(float), out[-1].astype(float)
    row = slice(40, 150)  # buildings
    a, b = first[row].mean(axis=(0, 2)), last[row].mean(axis=(0, 2))
    ground = r.world_to_pixel(0, [0.0, 0.0])[0] - r.world_to_pixel(len(out) - 1, [0.0, 0.0])[0]
    expected = SKYLINE_DEPTH * ground  # the skyline stands farther back than the street
    assert expected > 10
    errors = {k: np.abs(a[k:] - b[: len(b) - k]).mean() for k in range(0, 60)}
    assert min(errors, key=errors.__getitem__) == pytest.approx(expected, abs=2)
    static = frames(plan(setting="city street"), s, 0, s.frame_count)
    assert np.array_equal(static[0], static[-1])


def head_box(r: Renderer, joints: np.ndarray, frame: int, radius_px: float) -> tuple[slice, ...]:
    cx, cy = r.world_to_pixel(frame, joints[frame, JOINT["head"]])
    return (slice(int(cy - radius_px), int(cy + radius_px) + 1),
            slice(int(cx - radius_px), int(cx + radius_px) + 1))  # fmt: skip


def test_cameo_face_is_drawn_on_the_head(tmp_path) -> None:
    face = np.zeros((60, 80, 3), np.uint8)
    face[...] = (255, 0, 255)  # magenta, nowhere else in a studio scene
    face[35:42, 25:55] = (255, 255, 255)
    path = tmp_path / "face.png"
    Image.fromarray(face).save(path)
    s = spec(cameos=(CameoRef("c1", "Cam", face_image=str(path)),), resolution=360)
    for cameo_id, expect in (("c1", True), (None, False)):
        p = plan(subject("a", action="wave", cameo_id=cameo_id, color=(40, 90, 200)))
        sim = simulate(p, s)
        r = Renderer(p, sim, s)
        img = r.render(10, 11)[0].astype(int)
        assert sim.tracks[0].joints is not None
        box = head_box(r, sim.tracks[0].joints, 10, 0.075 * 1.7 * r.ppm * 0.8)
        head = img[box]
        magenta = (head[..., 0] > 150) & (head[..., 2] > 150) & (head[..., 1] < 90)
        assert (magenta.mean() > 0.3) == expect
        everywhere = (img[..., 0] > 150) & (img[..., 2] > 150) & (img[..., 1] < 90)
        around = head_box(r, sim.tracks[0].joints, 10, 0.075 * 1.7 * r.ppm * 1.3)
        assert everywhere.sum() == everywhere[around].sum()  # only on the head


def test_mouth_opens_with_speech() -> None:
    p = plan(subject("a", action="idle"))
    s = spec(resolution=360)
    line = SpokenLine("a", "Ah", 0.0, 2.0, np.zeros(4, np.float32), 22050,
                      np.ones(200, np.float32))  # fmt: skip
    quiet_sim, talk_sim = simulate(p, s), simulate(p, s, [line])
    quiet = Renderer(p, quiet_sim, s)
    talk = Renderer(p, talk_sim, s)
    assert talk_sim.tracks[0].joints is not None
    box = head_box(quiet, talk_sim.tracks[0].joints, 12, 0.075 * 1.7 * quiet.ppm)
    a = quiet.render(12, 13)[0][box].astype(int)
    b = talk.render(12, 13)[0][box].astype(int)
    changed = np.abs(a - b).max(axis=-1) > 40
    assert changed.sum() > 15
    assert np.array_equal(quiet.render(12, 13), talk.render(12, 13)) is False


def test_poster_frame_is_inside_the_clip() -> None:
    p, s = plan(*SCENE), spec()
    r = Renderer(p, simulate(p, s), s)
    assert 0 <= r.poster_frame_index() < s.frame_count


@pytest.mark.parametrize("kind,action", [("dog", "run"), ("cat", "jump"), ("car", "drive"),
                                         ("board", "slide"), ("box", "fall"), ("person", "flip"),
                                         ("person", "fall"), ("person", "dance")])  # fmt: skip
def test_every_body_plan_draws_in_its_colour(kind: str, action: str) -> None:
    p = plan(subject("x", kind, action=action, color=(250, 200, 0), size=1.0
                     if kind not in ("person",) else 1.7))  # fmt: skip
    img = frames(p, spec(), 12, 13)[0].astype(int)
    yellow = (img[..., 0] > 150) & (img[..., 1] > 110) & (img[..., 2] < 80)
    assert yellow.sum() > 60
