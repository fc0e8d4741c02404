"""Issue 18: every planned subject is visible and stands out from its background, in every
style, including the hard cases (a black cat in a dark cave at night, a black dress on a city
street at night, a white dog in the snow, a green frog in a forest).

Measured on rendered frames with a render mask: the same frame drawn with and without the
subject; the pixels that differ are the subject, and the colour distance between the two frames
there is how much it stands out from what is behind it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gen_engine.director import plan_scene
from gen_engine.physics.simulate import simulate
from gen_engine.render.contrast import readable_colour
from gen_engine.render.look import light_for
from gen_engine.render.renderer import Renderer
from gen_engine.types import Fixture, GenerationSpec, ScenePlan, Simulation

STYLES = ("cinematic", "anime", "claymation", "watercolor", "neon", "noir", "pixel", "cartoon",
          "sketch")  # fmt: skip
HARD_CASES = (
    "a black cat walks in a dark cave at night",
    "a woman in a black dress walks down a city street at night",
    "a white dog runs in the snow",
    "a green frog sits in a forest",
)
FRAMES = (12, 48, 84, 108)
MIN_DISTANCE = 24.0  # mean RGB distance between the subject and what it covers


def _frames(renderer: Renderer) -> np.ndarray:
    return np.stack([renderer.render(k, k + 1)[0] for k in FRAMES]).astype(np.float32)


def _distance_without(plan: ScenePlan, sim: Simulation, spec: GenerationSpec, full: np.ndarray,
                      subject_id: str) -> np.ndarray:  # fmt: skip
    """Per pixel of FRAMES: how far the full frame is from the same frame drawn without the
    subject (the render mask is where this is large)."""
    without = dataclasses.replace(plan, subjects=tuple(s for s in plan.subjects
                                                        if s.id != subject_id))  # fmt: skip
    tracks = tuple(t for t in sim.tracks if t.subject_id != subject_id)
    behind = _frames(Renderer(without, dataclasses.replace(sim, tracks=tracks), spec))
    distance: np.ndarray = np.sqrt(((full - behind) ** 2).sum(-1))
    return distance


@pytest.mark.parametrize("prompt", HARD_CASES)
def test_each_subject_is_visible_and_stands_out_in_every_style(prompt: str) -> None:
    base = plan_scene(prompt)
    spec = GenerationSpec(prompt=prompt, duration=5, resolution=480, seed=0)
    failures = []
    for style in STYLES:
        plan = dataclasses.replace(base, style=style)
        sim = simulate(plan, spec)
        full = _frames(Renderer(plan, sim, spec))
        for subject in plan.subjects:
            distance = _distance_without(plan, sim, spec, full, subject.id)
            mask = distance > 20
            shown = [bool(m.sum() >= 30) for m in mask]  # at least a few dozen pixels
            if sum(shown) < len(FRAMES) / 2:
                failures.append(f"{style}: {subject.name} visible in {sum(shown)}/{len(FRAMES)}")
                continue
            stands_out = float(np.mean([distance[i][mask[i]].mean()
                                        for i in range(len(FRAMES)) if shown[i]]))  # fmt: skip
            if stands_out < MIN_DISTANCE:
                failures.append(f"{style}: {subject.name} stands out by {stands_out:.1f}")
    assert not failures, failures


def test_an_explicit_colour_is_only_nudged_and_a_rim_does_the_rest() -> None:
    light = light_for("night")
    # black on a dark background: lifted towards grey but not turned white, and given a rim
    dark = np.array([25.0, 25.0, 28.0], dtype=np.float32)
    colour, rim = readable_colour((20, 20, 22), dark, "noir", light, "clear", 0.0)
    assert max(colour) < 130 and rim
    # a red ball on a mid-grey studio already stands out: left alone
    grey = np.array([160.0, 160.0, 165.0], dtype=np.float32)
    colour, rim = readable_colour((215, 40, 40), grey, "cinematic", light_for("day"), "clear", 0.0)
    assert colour == (215, 40, 40) and not rim


def test_the_styles_look_different_from_one_another() -> None:
    """Every pair of styles differs visibly on the same frame of the same scene (mean absolute
    difference of at least 10 levels), and claymation moves on twos."""
    prompt = "a girl in a red jacket walks a dog in a park"
    base = plan_scene(prompt)
    spec = GenerationSpec(prompt=prompt, duration=5, resolution=480, seed=0)
    looks = {}
    for style in STYLES:
        plan = dataclasses.replace(base, style=style)
        renderer = Renderer(plan, simulate(plan, spec), spec)
        looks[style] = renderer.render(40, 44).astype(np.float32)
    close = [
        (a, b, round(float(np.abs(looks[a] - looks[b]).mean()), 1))
        for i, a in enumerate(STYLES) for b in STYLES[i + 1 :]
        if float(np.abs(looks[a] - looks[b]).mean()) < 10.0
    ]  # fmt: skip
    assert not close, close
    clay = looks["claymation"]
    assert np.array_equal(clay[1], clay[0]) and np.array_equal(clay[3], clay[2])  # frames 41, 43
    assert not np.array_equal(clay[2], clay[0])
    cinematic = looks["cinematic"]
    assert not np.array_equal(cinematic[1], cinematic[0])


@pytest.mark.parametrize(
    "prompt",
    ["a bee buzzes around a sunflower in the garden", "ants march across a picnic table",
     "a snail crawls along a leaf after the rain", "a ladybug sits on a rock"],
)  # fmt: skip
def test_tiny_creatures_are_drawn_big_enough_to_see(prompt: str) -> None:
    base = plan_scene(prompt)
    spec = GenerationSpec(prompt=prompt, duration=5, resolution=480, seed=0)
    sim = simulate(base, spec)
    full = _frames(Renderer(base, sim, spec))
    for subject in base.subjects:
        pixels = (_distance_without(base, sim, spec, full, subject.id) > 20).sum(axis=(1, 2))
        assert (pixels >= 30).sum() >= len(FRAMES) / 2, (subject.name, pixels.tolist())


FIXTURE_CASES = (
    ("a kitchen", Fixture("table", "table", "wood", (175, 135, 95), "brown"), "cinematic"),
    ("a dark cave at night", Fixture("table", "table", "stone", (40, 35, 40), "black"), "noir"),
    ("a studio", Fixture("stairs", "stairs", "stone", (160, 160, 165), "grey"), "sketch"),
)


@pytest.mark.parametrize("place,fixture,style", FIXTURE_CASES)
def test_a_fixture_the_colour_of_its_background_is_still_seen(
    place: str, fixture: Fixture, style: str
) -> None:
    """A table the colour of the kitchen floor, a black one in a dark cave in noir: drawn and not
    drawn, the pixels that differ (the fixture) stand out from what they cover as far as a
    subject must."""
    spec = GenerationSpec("a fixture", duration=1, resolution=360, style=style)
    scene = dataclasses.replace(plan_scene(place, seed=1), subjects=())
    shown = _render_empty(dataclasses.replace(scene, fixtures=(fixture,)), spec)
    bare = _render_empty(dataclasses.replace(scene, fixtures=()), spec)
    differs = np.abs(shown - bare).max(axis=2) > 8
    assert differs.sum() > 200, "the fixture is drawn"
    distance = np.linalg.norm(shown - bare, axis=2)[differs].mean()
    assert distance >= MIN_DISTANCE, distance


def _render_empty(plan: ScenePlan, spec: GenerationSpec) -> np.ndarray:
    return Renderer(plan, simulate(plan, spec), spec).render(0, 1)[0].astype(np.float32)
