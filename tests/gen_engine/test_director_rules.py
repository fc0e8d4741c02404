"""Director rules: determinism, defaults, overrides, dialogue, cameos, numbers, colours, sizes,
lazy model loading, the vocabulary document and per-prompt speed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gen_engine.director import plan_scene
from gen_engine.director.text import MAX_LINE_CHARS, MAX_LINES
from gen_engine.director.vocabulary import DOC_PATH, color_term, names, vocabulary_markdown
from gen_engine.types import CameoRef, DialogueLine, GenerationError, ScenePlan
from tests.gen_engine._director_helpers import load_model

REPO = Path(__file__).resolve().parents[2]
ANA = CameoRef(id="ana", display_name="Ana Silva", voice_preset="en-us+f2")
LEO = CameoRef(id="leo_k", display_name="Leo", voice_preset="en+m3")


@pytest.fixture(scope="module", autouse=True)
def _model() -> None:
    load_model()


def test_same_prompt_and_seed_give_identical_plans() -> None:
    prompt = 'two kids and a red ball on the beach at sunset; a girl says "catch!"'
    first, second = plan_scene(prompt, seed=7), plan_scene(prompt, seed=7)
    assert first == second
    assert first.to_dict() == second.to_dict()


def test_plan_round_trips_through_dict() -> None:
    plan = plan_scene('@ana walks a dog in the rain and says "hi"', seed=3, cameos=[ANA])
    assert ScenePlan.from_dict(plan.to_dict()) == plan


def test_seed_picks_default_colours_but_not_what_the_prompt_says() -> None:
    colours = {plan_scene("a dog", seed=seed).subjects[0].color_name for seed in range(12)}
    assert len(colours) > 1  # the seed chooses among the dog palette
    assert {plan_scene("a brown dog", seed=s).subjects[0].color_name for s in range(6)} == {"brown"}


def test_defaults_when_the_prompt_is_silent() -> None:
    plan = plan_scene("something happens")
    assert [(s.kind, s.action) for s in plan.subjects] == [("person", "idle")]
    assert (plan.setting, plan.time_of_day, plan.weather, plan.style, plan.camera) == (
        "studio",
        "day",
        "clear",
        "cinematic",
        "static",
    )


def test_subject_ids_follow_order_of_mention() -> None:
    plan = plan_scene("a cat, a dog and a horse")
    assert [(s.id, s.kind) for s in plan.subjects] == [
        ("s0", "cat"),
        ("s1", "dog"),
        ("s2", "horse"),
    ]


def test_explicit_style_and_camera_override_the_prompt() -> None:
    plan = plan_scene("an anime cat, the camera orbits", style="noir", camera="Pan")
    assert (plan.style, plan.camera) == ("noir", "pan")
    assert plan_scene("a cat", style="film noir").style == "noir"  # synonyms accepted


def test_unknown_style_argument_is_a_clear_error() -> None:
    with pytest.raises(GenerationError) as caught:
        plan_scene("a cat", style="qwzx")
    assert caught.value.code == "unknown_style"
    assert "claymation" in caught.value.message


def test_dialogue_goes_to_its_speaker() -> None:
    plan = plan_scene(
        'a boy and a girl in the park. The girl says "hello there" and the boy replies "hi"'
    )
    by_id = {s.id: s for s in plan.subjects}
    assert [(by_id[d.speaker].name, d.text) for d in plan.dialogue] == [
        ("girl", "hello there"),
        ("boy", "hi"),
    ]
    assert by_id[plan.dialogue[0].speaker].action == "talk"


def test_quote_before_its_speaker() -> None:
    plan = plan_scene('"Watch this!" shouts the boy as he does a backflip')
    boy = plan.subjects[0]
    assert (boy.name, boy.action) == ("boy", "flip")
    assert plan.dialogue == (DialogueLine(speaker=boy.id, text="Watch this!"),)


def test_unattributed_quote_goes_to_the_first_character() -> None:
    plan = plan_scene('a ball rolls past a dog and a man. "nice"')
    assert plan.dialogue == (DialogueLine(speaker="s1", text="nice"),)


def test_quote_without_any_character_creates_a_person() -> None:
    plan = plan_scene('a red ball bouncing in the kitchen: "boing boing"')
    assert [s.kind for s in plan.subjects] == ["ball", "person"]
    assert plan.dialogue == (DialogueLine(speaker="s1", text="boing boing"),)


def test_dialogue_is_printable_and_bounded() -> None:
    long_line = "la " * 75  # over MAX_LINE_CHARS once joined, while the prompt stays in bounds
    quotes = " ".join(f'"line {i}\x07\u200f {long_line}"' for i in range(8))
    plan = plan_scene(f"a woman says {quotes}")
    assert len(plan.dialogue) == MAX_LINES
    for line in plan.dialogue:
        assert line.text.isprintable() and len(line.text) <= MAX_LINE_CHARS


def test_characters_get_distinct_voices_and_women_female_ones() -> None:
    plan = plan_scene("a man, a woman, a girl, a boy and a robot dance")
    voices = [s.voice for s in plan.subjects]
    assert len(set(voices)) == len(voices)
    by_name = {s.name: s.voice for s in plan.subjects}
    assert "+f" in by_name["woman"] and "+f" in by_name["girl"]
    assert "+f" not in by_name["man"] and "+f" not in by_name["boy"]


def test_cameo_mentions_by_handle_and_by_name() -> None:
    plan = plan_scene("@ana and leo dance on the beach", cameos=[ANA, LEO])
    people = [(s.name, s.cameo_id, s.voice, s.action) for s in plan.subjects]
    assert people == [("Ana Silva", "ana", "en-us+f2", "dance"), ("Leo", "leo_k", "en+m3", "dance")]
    assert plan_scene("ANA SILVA waves", cameos=[ANA]).subjects[0].cameo_id == "ana"
    assert plan_scene("@Leo_K waves", cameos=[LEO]).subjects[0].cameo_id == "leo_k"


def test_unmatched_cameo_is_recorded_never_invented() -> None:
    plan = plan_scene("@stranger waves at a dog", cameos=[ANA])
    assert all(s.cameo_id is None for s in plan.subjects)
    assert "@stranger" in plan.unrecognized
    assert [s.kind for s in plan.subjects] == ["dog"]


def test_numbers_make_several_subjects_capped() -> None:
    assert [s.kind for s in plan_scene("three balls bounce").subjects] == ["ball"] * 3
    assert [s.kind for s in plan_scene("2 dogs and a cat").subjects] == ["dog", "dog", "cat"]
    assert len(plan_scene("99 red balloons").subjects) == 8
    assert len(plan_scene("ten dogs, ten cats and ten horses").subjects) == 8


def test_colours_from_words() -> None:
    plan = plan_scene("a teal car, a crimson ball and a white horse")
    assert [(s.kind, s.color_name, s.color) for s in plan.subjects] == [
        ("car", "teal", color_term("teal").rgb),
        ("ball", "red", color_term("red").rgb),
        ("horse", "white", color_term("white").rgb),
    ]
    assert plan_scene("the ball is yellow").subjects[0].color_name == "yellow"
    assert plan_scene("a dog in a green forest").subjects[0].color_name != "green"


def test_sizes_scale_the_kind_default() -> None:
    def size(prompt: str) -> float:
        return plan_scene(prompt).subjects[0].size

    assert size("a tiny dog") < size("a small dog") < size("a dog") < size("a big dog")
    assert size("a big dog") < size("a giant dog")
    assert size("a ball") < size("a dog") < size("a man") < size("a car")


def test_materials_default_per_kind_and_follow_words() -> None:
    plan = plan_scene("a ball, a box, a car, a dog and a glass ball")
    assert [s.material for s in plan.subjects] == ["rubber", "wood", "metal", "flesh", "glass"]


def test_sound_cues_from_a_small_vocabulary() -> None:
    plan = plan_scene("a dog barks during a thunderstorm while the crowd applauds and sirens wail")
    assert set(plan.sound_cues) == {"barking", "thunder", "crowd", "applause", "sirens"}
    assert plan.weather == "rain"
    assert set(plan.sound_cues) <= set(names("sound"))


def test_every_plan_value_is_in_the_vocabulary() -> None:
    plan = plan_scene("a pup sprinting along the seaside at dusk, watercolor, slow motion")
    assert plan.setting in names("setting") and plan.time_of_day in names("time")
    assert plan.style in names("style") and plan.camera in names("camera")
    assert all(s.action in names("action") for s in plan.subjects)


def test_import_does_not_load_torch() -> None:
    code = "import sys, gen_engine.director; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_vocabulary_document_is_current() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == vocabulary_markdown()
