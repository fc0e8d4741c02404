"""Remix: an edit changes only what it asks; everything else in the parent plan stays put."""

from __future__ import annotations

from typing import Any

import pytest

from gen_engine.director import plan_scene
from gen_engine.types import CameoRef, DialogueLine, GenerationError, RemixOf, ScenePlan
from tests.gen_engine._director_helpers import load_model

ANA = CameoRef(id="ana", display_name="Ana", voice_preset="en-us+f2")
LEO = CameoRef(id="leo", display_name="Leo", voice_preset="en+m3")
PARENT_PROMPT = (
    '@ana walks her red dog along the beach at sunset and says "what a day"; waves crash'
)


@pytest.fixture(scope="module", autouse=True)
def _model() -> None:
    load_model()


@pytest.fixture(scope="module")
def parent() -> ScenePlan:
    plan = plan_scene(PARENT_PROMPT, seed=11, cameos=[ANA, LEO])
    # The parent itself is what the prompt says; the remix checks build on it.
    assert [(s.id, s.kind, s.cameo_id, s.action) for s in plan.subjects] == [
        ("s0", "person", "ana", "walk"),
        ("s1", "dog", None, "idle"),
    ]
    assert plan.subjects[1].color_name == "red"
    assert (plan.setting, plan.time_of_day) == ("beach", "sunset")
    assert plan.dialogue == (DialogueLine("s0", "what a day"),)
    assert plan.sound_cues == ("waves",)
    return plan


def remix(parent: ScenePlan, edit: str, **kwargs: Any) -> ScenePlan:
    return plan_scene("", remix_of=RemixOf(parent_plan=parent, edit_prompt=edit), **kwargs)


def changed_fields(before: ScenePlan, after: ScenePlan) -> dict[str, Any]:
    """Top-level plan fields that differ (subjects compared one by one by id)."""
    old, new = before.to_dict(), after.to_dict()
    changes = {k: new[k] for k in old if k != "subjects" and old[k] != new[k]}
    old_subjects = {s["id"]: s for s in old["subjects"]}
    new_subjects = {s["id"]: s for s in new["subjects"]}
    for sid in sorted(old_subjects.keys() | new_subjects.keys()):
        a, b = old_subjects.get(sid), new_subjects.get(sid)
        if a is None or b is None:
            changes[sid] = b
        else:
            diff = {k: b[k] for k in a if a[k] != b[k]}
            if diff:
                changes[sid] = diff
    return changes


def test_style_edit_changes_only_the_style(parent: ScenePlan) -> None:
    plan = remix(parent, "make it claymation", cameos=[ANA, LEO])
    assert changed_fields(parent, plan) == {
        "style": "claymation",
        "edit_prompt": "make it claymation",
    }
    assert plan.prompt == parent.prompt and plan.seed == parent.seed


def test_time_and_setting_edit(parent: ScenePlan) -> None:
    plan = remix(parent, "at night in the snow")
    assert changed_fields(parent, plan) == {
        "setting": "snow",
        "time_of_day": "night",
        "edit_prompt": "at night in the snow",
    }


def test_weather_and_camera_edit(parent: ScenePlan) -> None:
    plan = remix(parent, "add heavy rain, and the camera slowly orbits around them")
    changes = changed_fields(parent, plan)
    assert changes.pop("weather") == "rain"
    assert changes.pop("camera") == "orbit"
    changes.pop("edit_prompt")
    assert changes.pop("unrecognized", ()) in ((), ("heavy",))
    assert changes == {}


def test_swap_a_cameo_for_another(parent: ScenePlan) -> None:
    plan = remix(parent, "swap @ana for @leo", cameos=[ANA, LEO])
    changes = changed_fields(parent, plan)
    s0 = changes.pop("s0")
    assert (s0["cameo_id"], s0["name"], s0["voice"]) == ("leo", "Leo", "en+m3")
    assert "action" not in s0  # Leo keeps walking where Ana walked
    assert plan.dialogue == parent.dialogue  # and says her line
    changes.pop("edit_prompt")
    assert changes == {}


def test_swap_for_an_unknown_cameo_changes_nothing_but_records_it(parent: ScenePlan) -> None:
    plan = remix(parent, "swap @ana for @zed", cameos=[ANA, LEO])
    assert plan.subjects == parent.subjects
    assert "@zed" in plan.unrecognized


def test_replace_the_dog_with_a_cat(parent: ScenePlan) -> None:
    plan = remix(parent, "replace the dog with a cat")
    changes = changed_fields(parent, plan)
    s1 = changes.pop("s1")
    assert s1["kind"] == "cat" and s1["name"] == "cat"
    assert plan.subjects[1].id == "s1" and plan.subjects[1].action == "idle"
    changes.pop("edit_prompt")
    assert changes == {}


def test_add_a_subject_continues_ids_and_adds_its_sound(parent: ScenePlan) -> None:
    plan = remix(parent, "add a dog that barks")
    changes = changed_fields(parent, plan)
    assert changes.pop("s2")["kind"] == "dog"
    assert changes.pop("sound_cues") == ("waves", "barking")
    changes.pop("edit_prompt")
    assert changes == {}


def test_remove_a_subject(parent: ScenePlan) -> None:
    plan = remix(parent, "remove the dog")
    assert [s.id for s in plan.subjects] == ["s0"]
    assert plan.subjects[0] == parent.subjects[0]
    changes = changed_fields(parent, plan)
    assert changes.pop("s1") is None
    changes.pop("edit_prompt")
    assert changes == {}


def test_new_dialogue_replaces_that_speakers_line(parent: ScenePlan) -> None:
    plan = remix(parent, '@ana says "goodbye, sun"', cameos=[ANA])
    assert plan.dialogue == (DialogueLine("s0", "goodbye, sun"),)
    assert plan.subjects[1] == parent.subjects[1]


def test_change_a_subject_in_place(parent: ScenePlan) -> None:
    plan = remix(parent, "make the dog blue and have it jump")
    changes = changed_fields(parent, plan)
    s1 = changes.pop("s1")
    assert s1["color_name"] == "blue" and s1["action"] == "jump"
    changes.pop("edit_prompt")
    assert changes == {}


def test_several_steps_in_one_edit(parent: ScenePlan) -> None:
    edit = "make it anime, remove the dog and add two balls"
    plan = remix(parent, edit, cameos=[ANA])
    assert plan.style == "anime"
    assert [(s.id, s.kind) for s in plan.subjects] == [
        ("s0", "person"),
        ("s2", "ball"),
        ("s3", "ball"),
    ]
    assert plan.subjects[0] == parent.subjects[0]


def test_remix_is_deterministic_and_round_trips(parent: ScenePlan) -> None:
    first = remix(parent, "replace the dog with a horse, at dawn")
    assert first == remix(parent, "replace the dog with a horse, at dawn")
    assert ScenePlan.from_dict(first.to_dict()) == first
    assert first.time_of_day == "dawn"


def test_remix_of_a_remix_keeps_the_id_sequence(parent: ScenePlan) -> None:
    once = remix(parent, "add a cat")
    twice = remix(once, "add a bird")
    assert [s.id for s in twice.subjects] == ["s0", "s1", "s2", "s3"]
    assert twice.subjects[:3] == once.subjects


def test_empty_edit_is_an_error(parent: ScenePlan) -> None:
    with pytest.raises(GenerationError) as caught:
        remix(parent, "   ")
    assert caught.value.code == "empty_prompt"
