"""Turn a Reading into a ScenePlan: ids, colours, sizes, materials, voices and defaults."""

from __future__ import annotations

import random
import re
from dataclasses import replace

from gen_engine.director.reader import MAX_SUBJECTS, Draft, Reading
from gen_engine.director.terms import ACTION, CAMERA, SETTING, STYLE, TIME, WEATHER, ColorTerm
from gen_engine.director.text import tokenize
from gen_engine.director.vocabulary import (
    DEFAULT_CAMERA,
    DEFAULT_SETTING,
    DEFAULT_STYLE,
    DEFAULT_TIME,
    DEFAULT_WEATHER,
    color_term,
    kind_term,
    lookup,
    term,
)
from gen_engine.types import DialogueLine, Fixture, NotDrawn, ScenePlan, Subject

# eSpeak NG voices (language + variant) that sound clearly different from one another.
FEMALE_VOICES = ("en-us+f3", "en-us+f4", "en+f2", "en-us+f1", "en+f5")
MALE_VOICES = ("en-us", "en+m2", "en-us+m3", "en+m4", "en-us+m7")
ANY_VOICES = ("en-us", "en-us+f3", "en+m2", "en-us+f4", "en-us+m3", "en+f2", "en+m4", "en-us+f1")
OBJECT_VOICE = "en-us"
DEFAULTS = {
    SETTING: DEFAULT_SETTING,
    TIME: DEFAULT_TIME,
    WEATHER: DEFAULT_WEATHER,
    STYLE: DEFAULT_STYLE,
    CAMERA: DEFAULT_CAMERA,
}
_ID = re.compile(r"^s(\d+)$")


def _notes_color(notes: str) -> ColorTerm | None:
    for word in tokenize(notes):
        for found in lookup([word]):
            if isinstance(found, ColorTerm):
                return found
    return None


def _default_color(draft: Draft, seed: int, ordinal: int) -> ColorTerm:
    if draft.cameo is not None:
        noted = _notes_color(draft.cameo.appearance_notes)
        if noted is not None:
            return noted
    palette = draft.kind.palette
    offset = random.Random(f"{seed}/{draft.label or draft.kind.kind}").randrange(len(palette))
    return color_term(palette[(offset + ordinal) % len(palette)])


def _voice(draft: Draft, used: set[str]) -> str:
    if draft.cameo is not None:
        return draft.cameo.voice_preset
    if not draft.is_character:
        return OBJECT_VOICE
    pool = {"f": FEMALE_VOICES, "m": MALE_VOICES}.get(draft.kind.gender, ANY_VOICES)
    free = [v for v in pool if v not in used]
    return free[0] if free else pool[len(used) % len(pool)]


# A bee or an ant at life size is a couple of pixels in a frame four metres wide: catalogue
# things are drawn at least this big, as an animator would, so they can be seen at all.
MIN_DRAWN_SIZE = 0.08


def _size(draft: Draft) -> float:
    scale = draft.size.scale if draft.size is not None else 1.0
    size = draft.kind.default_size * scale
    if draft.kind.form:
        size = max(size, MIN_DRAWN_SIZE)
    return round(size, 3)


def _new_subject(draft: Draft, sid: str, color: ColorTerm, name: str, voice: str) -> Subject:
    kind = draft.kind
    action = draft.action.name if draft.action else draft.inherited_action or kind.default_action
    return Subject(
        id=sid,
        kind=kind.kind,
        category=kind.subject_category,  # type: ignore[arg-type]
        color=color.rgb,
        color_name=color.name,
        size=_size(draft),
        action=action,
        material=draft.material.name if draft.material else kind.default_material,
        name=name,
        voice=voice,
        cameo_id=draft.cameo.id if draft.cameo else None,
        form=kind.form,
    )


def is_kept(draft: Draft) -> bool:
    """A parent subject still standing (possibly modified), not a new or swapped one."""
    base = draft.base
    if base is None or base.kind != draft.kind.kind:
        return False
    return (draft.cameo.id if draft.cameo else None) == base.cameo_id


def _kept_subject(draft: Draft) -> Subject:
    """A parent subject with only what the edit asked changed."""
    assert draft.base is not None
    changes: dict[str, object] = {}
    if draft.color is not None:
        changes.update(color=draft.color.rgb, color_name=draft.color.name)
    if draft.size is not None:
        changes["size"] = _size(draft)
    if draft.material is not None:
        changes["material"] = draft.material.name
    if draft.action is not None:
        changes["action"] = draft.action.name
    return replace(draft.base, **changes)  # type: ignore[arg-type]


def _settle_speakers(reading: Reading) -> None:
    """Give every quote a speaker draft: unattributed lines go to the first character, and
    a person is added to say them when the scene has no character."""
    if not any(d is None for d, _ in reading.dialogue):
        return
    characters = [d for d in reading.active() if d.is_character]
    if characters:
        speaker = characters[0]
    else:
        speaker = Draft(kind=kind_term("person"))
        reading.drafts.append(speaker)
    reading.dialogue = [(d or speaker, text) for d, text in reading.dialogue]


def _add_implied(reading: Reading) -> None:
    present = {d.kind.kind for d in reading.active()}
    for kind_name in reading.implied_kinds:
        kind = kind_term(kind_name)
        if kind.kind not in present and len(reading.active()) < MAX_SUBJECTS:
            reading.drafts.append(Draft(kind=kind))
            present.add(kind.kind)
    if not reading.active():
        reading.drafts.append(Draft(kind=kind_term("person"), action=reading.orphan_action))


def build_subjects(reading: Reading, seed: int) -> dict[int, Subject]:
    """Subjects for the active drafts, keyed by id(draft), in draft order."""
    _add_implied(reading)
    _settle_speakers(reading)
    drafts = reading.active()
    speakers = {id(d) for d, _ in reading.dialogue}
    talk = term(ACTION, "talk")
    for draft in drafts:
        if (
            id(draft) in speakers
            and draft.action is None
            and not (draft.base or draft.inherited_action)
        ):
            draft.action = talk
    # Removed subjects' ids count too: an id is never reused for a different subject.
    every = reading.drafts
    taken = [int(m.group(1)) for d in every if d.fixed_id and (m := _ID.match(d.fixed_id))]
    next_number = max(taken) + 1 if taken else 0
    used_voices = {d.base.voice for d in drafts if d.base is not None}
    ordinals: dict[str, int] = {}
    names: dict[str, int] = {}
    built: dict[int, Subject] = {}
    for draft in drafts:
        if is_kept(draft):
            built[id(draft)] = _kept_subject(draft)
            continue
        if draft.fixed_id is not None:
            sid = draft.fixed_id
        else:
            sid, next_number = f"s{next_number}", next_number + 1
        ordinal = ordinals.get(draft.kind.kind, 0)
        ordinals[draft.kind.kind] = ordinal + 1
        color = draft.color or _default_color(draft, seed, ordinal)
        name = draft.cameo.display_name if draft.cameo else draft.label or draft.kind.name
        names[name] = names.get(name, 0) + 1
        if names[name] > 1 and draft.cameo is None:
            name = f"{name} {names[name]}"
        voice = _voice(draft, used_voices)
        used_voices.add(voice)
        built[id(draft)] = _new_subject(draft, sid, color, name, voice)
    return built


def build_fixtures(reading: Reading) -> tuple[Fixture, ...]:
    built = []
    for draft in reading.fixtures:
        color = draft.color or color_term(draft.term.default_color)
        material = draft.material.name if draft.material else draft.term.default_material
        built.append(Fixture(draft.term.name, draft.term.shape, material, color.rgb, color.name))
    return tuple(built)


def scene_values(reading: Reading) -> dict[str, str]:
    return {c: reading.scene[c].name if c in reading.scene else d for c, d in DEFAULTS.items()}


def plan_from_reading(
    reading: Reading, *, prompt: str, seed: int, overrides: dict[str, str]
) -> ScenePlan:
    built = build_subjects(reading, seed)
    dialogue = tuple(
        DialogueLine(speaker=built[id(d)].id, text=text)
        for d, text in reading.dialogue
        if d is not None and id(d) in built
    )
    scene = {**scene_values(reading), **overrides}
    return ScenePlan(
        prompt=prompt,
        seed=seed,
        subjects=tuple(built.values()),
        setting=scene[SETTING],
        time_of_day=scene[TIME],
        weather=scene[WEATHER],
        style=scene[STYLE],
        camera=scene[CAMERA],
        dialogue=dialogue,
        sound_cues=tuple(reading.sounds),
        unrecognized=tuple(reading.unrecognized),
        fixtures=build_fixtures(reading),
        not_drawn=tuple(NotDrawn(phrase, reason) for phrase, reason in reading.not_drawn),
    )
