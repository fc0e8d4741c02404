"""The physics stage: free fall, bounces, materials, gaits, speech timing, determinism, speed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gen_engine.director import plan_scene
from gen_engine.physics import JOINT, MATERIALS, SKELETON, simulate, world_width
from gen_engine.physics.biped import THROW_RELEASE
from gen_engine.physics.layout import SLOW_MOTION_FACTOR
from gen_engine.types import MOUTH_RATE, BodyTrack, Simulation, SpokenLine
from tests.gen_engine._render_helpers import plan, spec, subject

G = 9.81


def drop(
    camera: str = "static", setting: str = "studio", kind: str = "ball", **extra: object
) -> tuple[Simulation, BodyTrack]:
    p = plan(subject("ball", kind, action="fall", **extra), setting=setting, camera=camera)
    s = spec(duration=5, camera=camera)
    sim = simulate(p, s)
    return sim, sim.tracks[0]


def test_dropped_ball_first_touches_ground_at_free_fall_time() -> None:
    sim, track = drop()
    radius = 0.15
    height = float(track.position[0, 1]) - radius
    expected = math.sqrt(2 * height / G)
    first = next(e for e in sim.events if e.kind == "impact" and e.other == "ground")
    assert abs(first.time - expected) < 0.003  # exact instant, not a frame time
    assert first.frame == math.ceil(first.time * sim.fps - 1e-9)
    assert abs(first.frame / sim.fps - expected) < 1 / sim.fps
    bottoms = track.position[:, 1] - radius
    assert abs(bottoms[first.frame]) < 0.01  # the contact frame shows the ball on the ground
    assert np.all(bottoms[: first.frame] > 0.01)  # and no frame before it does
    assert first.speed == pytest.approx(G * expected, rel=0.02)
    assert first.material == "rubber"


def test_bounce_apexes_follow_restitution_squared() -> None:
    _, track = drop()
    y = track.position[:, 1] - 0.15
    peaks = [y[i] for i in range(1, len(y) - 1) if y[i] > y[i - 1] and y[i] >= y[i + 1]]
    e = MATERIALS["rubber"].restitution * MATERIALS["concrete"].restitution
    ratios = [peaks[i + 1] / peaks[i] for i in range(2)]
    assert peaks[0] / y[0] == pytest.approx(e * e, rel=0.05)
    for ratio in ratios:
        assert ratio == pytest.approx(e * e, rel=0.06)


def test_wood_box_lands_with_little_bounce_and_sand_damps_a_ball() -> None:
    _, box = drop(kind="box", material="wood", size=0.3)
    _, ball = drop()
    _, on_sand = drop(setting="beach")

    def rebound(track: BodyTrack, half: float) -> float:
        y = track.position[:, 1] - half
        touch = int(np.argmax(y < 0.01))
        return float(y[touch:].max())

    assert rebound(box, 0.15) < 0.25 * rebound(ball, 0.15)
    assert rebound(on_sand, 0.15) < 0.5 * rebound(ball, 0.15)


def test_slow_motion_stretches_physics_time() -> None:
    sim, track = drop(camera="slow motion")
    height = float(track.position[0, 1]) - 0.15
    first = next(e for e in sim.events if e.kind == "impact")
    assert first.time == pytest.approx(math.sqrt(2 * height / G) / SLOW_MOTION_FACTOR, abs=0.01)


def test_water_setting_splashes() -> None:
    p = plan(subject("ball", "ball", action="fall"), setting="pool")
    sim = simulate(p, spec(duration=3))
    kinds = {e.kind for e in sim.events}
    assert "splash" in kinds and "impact" not in kinds


def test_walker_plants_feet_and_makes_footsteps_on_the_setting_material() -> None:
    p = plan(subject("w", action="walk"), setting="beach")
    sim = simulate(p, spec(duration=4))
    track = sim.tracks[0]
    assert track.joints is not None and track.joints.shape == (sim.frame_count, len(SKELETON), 2)
    steps = [e for e in sim.events if e.kind == "footstep"]
    assert len(steps) >= 5 and all(e.material == "sand" for e in steps)
    feet = track.joints[:, [JOINT["l_foot"], JOINT["r_foot"]]]
    ankle = feet[:, :, 1].min()
    for e in steps[1:-1]:
        # the foot that just landed is on the ground and stays put while the body passes over
        later = min(e.frame + 4, sim.frame_count - 1)
        down = (feet[e.frame, :, 1] < ankle + 0.01) & (feet[later, :, 1] < ankle + 0.01)
        still = np.abs(feet[later, :, 0] - feet[e.frame, :, 0]) < 0.03
        assert np.any(down & still)
        assert abs(e.pan - feet[e.frame, down & still, 0][0] / (sim.world_width / 2)) < 0.05
    assert np.ptp(track.position[:, 0]) > 1.0  # and the body travels


def test_jump_lands_on_its_feet() -> None:
    p = plan(subject("j", action="jump"))
    sim = simulate(p, spec(duration=4))
    lands = [e for e in sim.events if e.kind == "land"]
    assert lands
    track = sim.tracks[0]
    assert track.joints is not None
    feet_y = track.joints[:, [JOINT["l_foot"], JOINT["r_foot"]], 1].min(axis=1)
    assert feet_y.max() > feet_y.min() + 0.2  # it leaves the ground
    for e in lands:
        assert feet_y[e.frame] < feet_y.min() + 0.05


def test_thrown_box_leaves_the_hand_and_lands() -> None:
    p = plan(subject("t", action="throw"), subject("box", "box", action="thrown", material="wood"))
    sim = simulate(p, spec(duration=4))
    thrower, box = sim.tracks
    assert thrower.joints is not None
    hand = thrower.joints[:, JOINT["r_hand"]]
    assert np.allclose(box.position[:10, 0], hand[:10, 0], atol=1e-6)  # held before release
    hits = [e for e in sim.events if e.kind == "impact" and e.subject == "box"]
    assert hits and hits[0].material == "wood" and hits[0].time > 1.0
    assert abs(box.position[-1, 0] - hand[0, 0]) > 0.5  # it flew away from the thrower


def test_speech_event_and_mouth_follow_spoken_lines() -> None:
    p = plan(subject("a", action="talk"), subject("b", action="idle"))
    curve = np.abs(np.sin(np.linspace(0, 12, 150))).astype(np.float32)
    line = SpokenLine("a", "Hello there", 0.5, 1.5, np.zeros(10, np.float32), 22050, curve)
    sim = simulate(p, spec(duration=3), [line])
    speech = [e for e in sim.events if e.kind == "speech"]
    assert len(speech) == 1
    e = speech[0]
    assert (e.subject, e.text, e.time, e.duration) == ("a", "Hello there", 0.5, 1.5)
    a, b = sim.tracks
    assert a.mouth_open is not None and b.mouth_open is not None
    assert not b.mouth_open.any()  # silent characters keep the mouth closed
    assert not a.mouth_open[: math.floor(0.5 * sim.fps)].any()
    for k in range(13, 48):
        idx = (k / sim.fps - 0.5) * MOUTH_RATE
        assert a.mouth_open[k] == pytest.approx(np.interp(idx, np.arange(150), curve), abs=1e-6)


@pytest.mark.parametrize("aspect", ["9:16", "16:9", "1:1"])
def test_subjects_start_inside_the_frame(aspect: str) -> None:
    kinds = ["person", "dog", "ball", "box", "person"]
    p = plan(*(subject(f"s{i}", k) for i, k in enumerate(kinds)))
    sim = simulate(p, spec(duration=1, aspect=aspect))
    assert sim.world_width == world_width(aspect)
    for track in sim.tracks:
        assert abs(track.position[0, 0]) < sim.world_width / 2 - 0.2


def test_simulation_is_deterministic() -> None:
    kinds = [("person", "walk"), ("dog", "run"), ("ball", "bounce"), ("person", "throw"),
             ("box", "thrown"), ("person", "flip"), ("car", "drive")]  # fmt: skip
    p = plan(*(subject(f"s{i}", k, action=a) for i, (k, a) in enumerate(kinds)), setting="park")
    s = spec(duration=10)
    first = simulate(p, s)
    second = simulate(p, s)
    assert first.events == second.events
    for a, b in zip(first.tracks, second.tracks, strict=True):
        assert np.array_equal(a.position, b.position) and np.array_equal(a.angle, b.angle)
        if a.joints is not None:
            assert b.joints is not None and np.array_equal(a.joints, b.joints)


def test_skeleton_lists_parents_before_children() -> None:
    seen: set[str] = set()
    for name, parent in SKELETON:
        assert parent is None or parent in seen
        seen.add(name)


def test_a_tossed_pancake_turns_over_once_and_comes_back_to_the_hand() -> None:
    from gen_engine.director import plan_scene
    from gen_engine.physics.biped import THROW_RELEASE
    from gen_engine.physics.simulate import TOSS_HEIGHT

    p = plan_scene("a cook tosses a pancake in a busy kitchen")
    assert [s.action for s in p.subjects] == ["throw", "flip"]
    sim = simulate(p, spec(duration=3))
    cook, pancake = sim.tracks
    assert cook.joints is not None
    release = math.ceil(THROW_RELEASE * sim.fps)
    heights = pancake.position[:, 1]
    top = int(np.argmax(heights))
    assert heights[top] - heights[release] > 0.8 * TOSS_HEIGHT  # it leaves the pan
    assert abs(pancake.position[top, 0] - pancake.position[release, 0]) < 0.02  # straight up
    landed = top + (top - release) + 2
    assert abs(pancake.angle[landed] - pancake.angle[release]) == pytest.approx(2 * math.pi, 0.05)
    # once down it rides in the hand again: it moves as the hand moves
    drift = np.abs(
        np.diff(pancake.position[landed:], axis=0)
        - np.diff(cook.joints[landed:, JOINT["r_hand"]], axis=0)
    ).max()
    assert drift < 1e-6


def test_a_balloon_floats_up_and_a_kite_swoops_on_the_wind() -> None:
    balloon = plan(subject("b", "balloon", category="object", action="fly", size=0.35))
    kite = plan(subject("k", "kite", category="object", action="fly", size=0.9, form="kite"))
    up = simulate(balloon, spec(duration=4)).tracks[0].position
    assert np.all(np.diff(up[:, 1]) >= -1e-9) and up[-1, 1] - up[0, 1] > 0.8  # only rises
    flying = simulate(kite, spec(duration=4)).tracks[0].position
    assert np.any(np.diff(flying[:, 1]) < -1e-3)  # a kite dips as well as climbs
    assert np.ptp(flying[:, 0]) > 0.5  # and swings across the sky


def test_a_rider_goes_up_and_down_with_the_floating_board() -> None:
    """Standing on a paddleboard that bobs after a landing, the rider's feet stay on its top:
    the gap between them holds to a few millimetres while the board moves by centimetres."""
    prompt = "a man does a backflip on a paddleboard on a lake"
    sim = simulate(plan_scene(prompt, seed=2), spec(duration=5))
    rider, board = sim.tracks
    assert rider.joints is not None
    lowest = rider.joints[:, :, 1].argmin(axis=1)
    feet = rider.joints[np.arange(len(lowest)), lowest]  # (F, 2)
    # the board's top under the feet, as it floats and rocks
    under = board.position[:, 1] + np.tan(board.angle) * (feet[:, 0] - board.position[:, 0])
    gap = feet[:, 1] - under
    landed = next(e.frame for e in sim.events if e.kind == "land")
    again = next(e.frame for e in sim.events if e.kind == "whoosh" and e.frame > landed)
    on_board = slice(landed + 2, again - 8)  # between the landing and the next takeoff
    assert np.ptp(board.position[on_board, 1]) > 0.03  # the landing set it bobbing
    assert np.ptp(gap[on_board]) < 0.01
    assert abs(float(np.median(gap[on_board])) - float(gap[0])) < 0.01  # as before the flip


def test_a_dog_runs_after_the_frisbee_thrown_to_it() -> None:
    """Still until the throw, then off to where the frisbee comes down, and it stops there."""
    p = plan_scene("a girl throws a frisbee to her dog in the park", seed=0)
    kinds = [s.kind for s in p.subjects]
    sim = simulate(p, spec(duration=5))
    frisbee = sim.tracks[kinds.index("frisbee")]
    dog = sim.tracks[kinds.index("dog")]
    thrown = math.ceil(THROW_RELEASE * sim.fps)  # the frame it leaves the hand
    down = next(e for e in sim.events if e.subject == p.subjects[kinds.index("frisbee")].id
                and e.kind == "impact")  # fmt: skip
    x = dog.position[:, 0]
    assert np.ptp(x[:thrown]) < 0.01  # waiting
    landing_x = float(frisbee.position[down.frame, 0])
    assert abs(float(x[-1]) - landing_x) < 0.5 < abs(float(x[0]) - landing_x) + 0.3
    assert abs(float(x[-1]) - float(x[thrown])) > 0.2  # it ran
    steps = [e for e in sim.events if e.kind == "footstep" and e.subject == dog.subject_id]
    assert steps and all(thrown <= e.frame for e in steps)  # heard running, not before
