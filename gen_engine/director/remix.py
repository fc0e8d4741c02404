"""Remix: apply an edit prompt to a parent plan, changing only what the edit asks.

An edit is split into steps ("make it claymation and add a dog that barks" is two). Each step
is a swap ("swap @ana for @leo", "replace the dog with a cat"), a removal ("remove the ball"),
an addition ("add a dog that barks") or a change read against the existing subjects ("make the
dog jump", "at night in the snow", "the girl says \"bye\""). Parent subjects keep their ids and
every field the edit does not touch; new subjects continue the id sequence. The remixed plan
keeps the parent's prompt and seed; `edit_prompt` records the edit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from gen_engine.director.build import DEFAULTS, plan_from_reading
from gen_engine.director.classify import classify
from gen_engine.director.parse import lift_mentions, read_text
from gen_engine.director.reader import Draft, FixtureDraft, Reading, _matches
from gen_engine.director.terms import (
    CAMERA,
    COLOR,
    FIXTURE,
    KIND,
    SETTING,
    SOUND,
    STYLE,
    TIME,
    WEATHER,
    FixtureTerm,
    KindTerm,
)
from gen_engine.director.text import lift_quotes, strip_markup_and_controls, tokenize
from gen_engine.director.vocabulary import TERMS_BY_CATEGORY
from gen_engine.types import CameoRef, Fixture, GenerationError, ScenePlan, Subject

_EDIT_VERBS = (
    r"swap|replace|switch|substitute|exchange|change|turn|remove|delete|drop|erase|get rid of|"
    r"take out|take away|add|include|insert|introduce|bring in|put in|make|set|have|let|give"
)
_STEP_SPLIT = re.compile(
    rf"[.;!?\n]+|,?\s+(?:and|then|also)\s+(?=(?:{_EDIT_VERBS})\b)|,\s*(?=(?:{_EDIT_VERBS})\b)", re.I
)
_SWAP = re.compile(
    r"^(?:please\s+)?(?:swap|replace|switch|substitute|exchange|change|turn)\s+(?:out\s+)?"
    r"(?P<old>.+?)\s+(?:for|with|by|into|to|in favou?r of)\s+(?P<new>.+)$",
    re.I,
)
_REMOVE = re.compile(
    r"^(?:please\s+)?(?:remove|delete|drop|erase|lose|get rid of|take out|take away|without|"
    r"no more|cut out|cut)\s+(?P<what>.+)$",
    re.I,
)
_ADD = re.compile(
    r"^(?:please\s+)?(?:add|include|insert|introduce|bring in|put in|throw in)\s+(?P<what>.+)$",
    re.I,
)
# "make it claymation", "turn the whole thing into anime": the verb and "it" carry no meaning.
_LEAD_VERB = re.compile(
    r"^(?:please\s+)?(?:make|turn|change|set|switch|convert|have|let|give)\b\s*"
    r"(?:(?:this|everything|the whole thing|the (?:video|scene|clip|style|look))\b\s*)?"
    r"(?:(?:into|to|in|as|look like|be)\b\s*)?",
    re.I,
)
_FIELD_OF = {SETTING: "setting", TIME: "time_of_day", WEATHER: "weather", STYLE: "style",
             CAMERA: "camera"}  # fmt: skip


def _kind_for(subject: Subject) -> KindTerm:
    """The vocabulary entry a parent subject came from ("girl", "dog 2" -> "dog")."""
    base_name = re.sub(r" \d+$", "", subject.name)
    for candidate in (base_name, subject.kind):
        for entry in TERMS_BY_CATEGORY[KIND]:
            if isinstance(entry, KindTerm) and (entry.name, entry.kind) == (
                candidate,
                subject.kind,
            ):
                return entry
    return KindTerm(  # a kind this vocabulary no longer has: keep it as it was
        category=KIND, name=subject.kind, kind=subject.kind,
        subject_category=subject.category, default_size=subject.size,
        default_material=subject.material, default_action=subject.action, palette=("gray",),
    )  # fmt: skip


def _fixture_draft(fixture: Fixture) -> FixtureDraft:
    """A parent's fixture, kept as it was (colour and material included)."""
    kept = FixtureTerm(
        category=FIXTURE,
        name=fixture.name,
        shape=fixture.shape,
        default_material=fixture.material,
        default_color=fixture.color_name,
    )
    return FixtureDraft(kept)


def _parent_cameos(parent: ScenePlan, cameos: Sequence[CameoRef]) -> list[CameoRef]:
    """The cameos allowed in this edit plus those already in the parent (they may be named,
    kept or swapped out, never newly added)."""
    known = {c.id for c in cameos}
    extra = [
        CameoRef(id=s.cameo_id, display_name=s.name, voice_preset=s.voice)
        for s in parent.subjects
        if s.cameo_id is not None and s.cameo_id not in known
    ]
    return [*cameos, *extra]


def _steps(edit: str) -> list[str]:
    cleaned = lift_quotes(strip_markup_and_controls(edit))
    steps = []
    for piece in _STEP_SPLIT.split(cleaned.text):
        piece = re.sub(
            r"\x00Q(\d+)\x00", lambda m: '"' + cleaned.quotes[int(m.group(1))] + '"', piece or ""
        ).strip(" ,")
        if piece:
            steps.append(piece)
    return steps


def _find(reading: Reading, phrase: str, cameos: Sequence[CameoRef]) -> list[Draft]:
    """Existing subjects a phrase names: by cameo, else by kind (a colour narrows it)."""
    text, mentions = lift_mentions(strip_markup_and_controls(phrase), cameos)
    items = classify(tokenize(text))
    active = reading.active()
    found: list[Draft] = []
    color = next((i.term.name for i in items if i.term and i.term.category == COLOR), None)
    for item in items:
        if item.kind == "mention" and mentions[item.value].cameo is not None:
            cameo_id = mentions[item.value].cameo.id  # type: ignore[union-attr]
            found += [
                d for d in active
                if (d.cameo and d.cameo.id == cameo_id) or (d.base and d.base.cameo_id == cameo_id)
            ]  # fmt: skip
        elif item.term is not None and isinstance(item.term, KindTerm):
            same = [d for d in active if _matches(d, item.term)]
            if color is not None:
                same = [d for d in same if d.base and d.base.color_name == color] or same
            found += same if item.plural else same[:1]
    return list(dict.fromkeys(found))


def _swap(reading: Reading, old: list[Draft], new_text: str, cameos: Sequence[CameoRef]) -> None:
    incoming = read_text(new_text, cameos)
    reading.unrecognized += [u for u in incoming.unrecognized if u not in reading.unrecognized]
    reading.sounds += [s for s in incoming.sounds if s not in reading.sounds]
    for category, found in incoming.scene.items():  # "replace the dog with a horse, at dawn"
        reading.scene.setdefault(category, found)
    replacements = incoming.active()
    if not replacements:
        reading.note_unrecognized(new_text)
        return
    for index, target in enumerate(old):
        source = replacements[index % len(replacements)]
        inherited = (
            target.action.name if target.action else (target.base.action if target.base else None)
        )
        swapped = replace(source, base=None, fixed_id=target.fixed_id, inherited_action=inherited)
        position = reading.drafts.index(target)
        reading.drafts[position] = swapped
        reading.dialogue = [(swapped if d is target else d, t) for d, t in reading.dialogue]


def _remove(reading: Reading, phrase: str, cameos: Sequence[CameoRef]) -> None:
    targets = _find(reading, phrase, cameos)
    for draft in targets:
        draft.removed = True
    words = tokenize(phrase)
    sounds = [s.name for s in TERMS_BY_CATEGORY[SOUND] if s.name in words or any(
        w in s.synonyms for w in words)]  # fmt: skip
    reading.sounds = [s for s in reading.sounds if s not in sounds]
    reading.removed_sounds.extend(sounds)
    if not targets and not sounds:
        reading.note_unrecognized(phrase)


def apply_edit(
    parent: ScenePlan,
    edit: str,
    *,
    seed: int,
    cameos: Sequence[CameoRef],
    overrides: dict[str, str],
) -> ScenePlan:
    all_cameos = _parent_cameos(parent, cameos)
    by_id = {c.id: c for c in all_cameos}
    reading = Reading()
    for subject in parent.subjects:
        cameo = by_id.get(subject.cameo_id) if subject.cameo_id else None
        reading.drafts.append(
            Draft(kind=_kind_for(subject), base=subject, fixed_id=subject.id, cameo=cameo)
        )
    reading.fixtures = [_fixture_draft(f) for f in parent.fixtures]
    reading.not_drawn = [(n.phrase, n.reason) for n in parent.not_drawn]
    by_subject = {d.fixed_id: d for d in reading.drafts}
    reading.dialogue = [(by_subject.get(line.speaker), line.text) for line in parent.dialogue]
    steps = _steps(edit)
    if not steps:
        raise GenerationError("empty_prompt", "The edit is empty: say what to change.")
    for step in steps:
        if (match := _SWAP.match(step)) and (old := _find(reading, match["old"], all_cameos)):
            _swap(reading, old, match["new"], all_cameos)
        elif match := _REMOVE.match(step):
            _remove(reading, match["what"], all_cameos)
        elif match := _ADD.match(step):
            read_text(match["what"], all_cameos, reading)
        else:
            _change(reading, step, all_cameos)
    scene_changes = {c: t.name for c, t in reading.scene.items()}
    reading.scene = {}
    parent_scene = {c: getattr(parent, _FIELD_OF[c]) for c in DEFAULTS}
    reading.sounds = [
        *[s for s in parent.sound_cues if s not in reading.removed_sounds],
        *[s for s in reading.sounds if s not in parent.sound_cues],
    ]
    reading.unrecognized = [
        *parent.unrecognized,
        *[u for u in reading.unrecognized if u not in parent.unrecognized],
    ]
    plan = plan_from_reading(
        reading,
        prompt=parent.prompt,
        seed=seed,
        overrides={**parent_scene, **scene_changes, **overrides},
    )
    return replace(plan, seed=parent.seed, edit_prompt=edit)


def _change(reading: Reading, step: str, cameos: Sequence[CameoRef]) -> None:
    """A step that changes existing subjects or the scene; new quotes replace what the same
    speaker said in the parent."""
    before = len(reading.dialogue)
    step = _LEAD_VERB.sub("", step) or step
    read_text(step, cameos, reading, refer_to_existing=True)
    new_lines = reading.dialogue[before:]
    if not new_lines:
        return
    speakers = {id(d) for d, _ in new_lines if d is not None}
    kept = [(d, t) for d, t in reading.dialogue[:before] if id(d) not in speakers]
    reading.dialogue = kept + new_lines
