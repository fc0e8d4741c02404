"""Read classified items clause by clause into subject drafts, dialogue and scene choices.

Attachment rules: colour/size/material/number words wait for the next subject noun (or, at the
end of a clause, describe its last subject: "the ball is red"); an action goes to the subjects
named since the last action in the clause ("a boy and a girl dance"), or to the next subject
("a running dog"), or else to the previous sentence's subjects ("...; then jumps"). Subjects
after a preposition ("a girl with a ball") do not share the group's action. A quote is spoken
by the clause's talker, else its nearest character.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gen_engine.director.classify import Item
from gen_engine.director.terms import (
    ACTION,
    CAMERA,
    COLOR,
    FIXTURE,
    KIND,
    MATERIAL,
    SETTING,
    SIZE,
    SOUND,
    STYLE,
    TIME,
    WEATHER,
    ColorTerm,
    FixtureTerm,
    KindTerm,
    SizeTerm,
    Term,
)
from gen_engine.director.vocab_kinds import PLAIN_SHAPE
from gen_engine.director.vocabulary import implied_by, kind_term, term
from gen_engine.types import CameoRef, Subject

MAX_SUBJECTS = 8
MAX_FIXTURES = 3
MAX_UNRECOGNIZED = 24
MAX_NOT_DRAWN = 24
# Verbs whose object moves ("a girl throws a frisbee"): the object's own action, and the
# doer's when it changes ("a cook flips a pancake": the cook tosses, the pancake flips over).
OBJECT_ACTIONS = {"throw": ("throw", "throw"), "kick": ("kick", "kick"), "flip": ("throw", "throw"),
                  "roll": ("throw", "roll"), "slide": ("throw", "slide"), "spin": ("idle", "spin"),
                  "bounce": ("throw", "bounce")}  # fmt: skip
NO_FIGURE = "shown as a plain shape - no figure for it yet"
TOO_MANY_SUBJECTS = f"left out - a clip holds {MAX_SUBJECTS} subjects at most"
TOO_MANY_FIXTURES = f"left out - a scene holds {MAX_FIXTURES} pieces of scenery at most"
SCENE_CATEGORIES = (SETTING, TIME, WEATHER, STYLE, CAMERA)
# Counting words that mean people when no noun follows ("a couple dancing").
PEOPLE_WORDS = frozenset({"couple", "pair", "trio", "twins", "group", "family", "team"})


@dataclass(eq=False)  # identity: two drafts alike are still two subjects
class Draft:
    """A subject being assembled. Fields left None fall back to the parent subject (remix)
    or to the kind's defaults."""

    kind: KindTerm
    cameo: CameoRef | None = None
    color: ColorTerm | None = None
    size: SizeTerm | None = None
    material: Term | None = None
    action: Term | None = None
    base: Subject | None = None  # remix: the parent's subject this draft continues
    removed: bool = False
    fixed_id: str | None = None  # remix: the id a kept or swapped subject keeps
    inherited_action: str | None = None  # remix swap: the replaced subject's action
    label: str = ""  # a plain shape: the prompt's noun, shown as the subject's name

    @property
    def is_character(self) -> bool:
        if self.base is not None and self.kind.name == self.base.kind and self.cameo is None:
            return self.base.category == "character"
        return self.kind.subject_category == "character"


@dataclass(eq=False)
class FixtureDraft:
    """A piece of scenery being assembled; colour and material from its own adjectives."""

    term: FixtureTerm
    color: ColorTerm | None = None
    material: Term | None = None


@dataclass(frozen=True)
class Mention:
    """An @handle or cameo display name found in the text; cameo None when nothing matched."""

    surface: str
    cameo: CameoRef | None


@dataclass
class Reading:
    drafts: list[Draft] = field(default_factory=list)
    dialogue: list[tuple[Draft | None, str]] = field(default_factory=list)
    scene: dict[str, Term] = field(default_factory=dict)
    sounds: list[str] = field(default_factory=list)
    unrecognized: list[str] = field(default_factory=list)
    implied_kinds: list[str] = field(default_factory=list)
    removed_sounds: list[str] = field(default_factory=list)  # remix: cues the edit removed
    guessed: set[str] = field(default_factory=set)  # scene categories set by a guess so far
    orphan_action: Term | None = None  # an action no subject took ("dancing in the rain")
    fixtures: list[FixtureDraft] = field(default_factory=list)
    not_drawn: list[tuple[str, str]] = field(default_factory=list)  # (phrase, reason)

    def note_not_drawn(self, phrase: str, reason: str) -> None:
        entry = (phrase[:40], reason)
        if entry not in self.not_drawn and len(self.not_drawn) < MAX_NOT_DRAWN:
            self.not_drawn.append(entry)

    def note_unrecognized(self, phrase: str) -> None:
        phrase = phrase[:40]
        if phrase and phrase not in self.unrecognized and len(self.unrecognized) < MAX_UNRECOGNIZED:
            self.unrecognized.append(phrase)

    def active(self) -> list[Draft]:
        return [d for d in self.drafts if not d.removed]


def _is_pan_food(kind: KindTerm) -> bool:
    return kind.form == "disc" and kind.default_material == "flesh"


def _noun_next(clause: Sequence[Item], position: int) -> bool:
    """Whether a subject noun follows (after its adjectives): "a family of ducks"."""
    for item in clause[position + 1 :]:
        if item.kind == "consumed" or (
            item.term is not None and item.term.category in (COLOR, SIZE, MATERIAL)
        ):
            continue
        if item.kind == "prep" and item.phrase == "of":
            continue
        return item.term is not None and item.term.category == KIND
    return False


def _matches(draft: Draft, kind: KindTerm) -> bool:
    if draft.removed or draft.cameo is not None:
        return False
    name = draft.kind.name if draft.base is None else draft.base.name or draft.kind.name
    if draft.kind.name == kind.name or name == kind.name:
        return True
    return kind.name == kind.kind and draft.kind.kind == kind.kind  # "the person" -> any person


class Reader:
    """Reads one prompt or edit into `reading`. With `refer_to_existing` every mention of a
    kind already in the scene refers to it (edits); otherwise only "the/this ..." does."""

    def __init__(self, reading: Reading, mentions: Sequence[Mention], quotes: Sequence[str]):
        self.reading = reading
        self.mentions = mentions
        self.quotes = quotes
        self.refer_to_existing = False
        self.last_group: list[Draft] = []

    # -- subjects -------------------------------------------------------------------------
    def _create(
        self, kind: KindTerm, count: int, cameo: CameoRef | None = None, label: str = ""
    ) -> list[Draft]:
        room = MAX_SUBJECTS - len(self.reading.active())
        made = max(0, min(count, room))
        created = [Draft(kind=kind, cameo=cameo, label=label) for _ in range(made)]
        if made < count:
            self.reading.note_not_drawn(label or kind.name, TOO_MANY_SUBJECTS)
        self.reading.drafts.extend(created)
        return created

    def plain_shape(self, item: Item, count: int | None) -> list[Draft]:
        """A noun with no figure: a labelled plain shape, and a note saying so."""
        noun = item.phrase
        self.reading.note_not_drawn(noun, NO_FIGURE)
        if item.definite or self.refer_to_existing:
            existing = [d for d in self.reading.active() if d.label == noun]
            if existing:
                return existing[-1:]
        return self._create(PLAIN_SHAPE, count or (2 if item.plural else 1), label=noun)

    def fixture(self, item: Item, modifiers: dict[str, Term]) -> None:
        assert isinstance(item.term, FixtureTerm)
        color = modifiers.get(COLOR)
        material = modifiers.get(MATERIAL)
        for existing in self.reading.fixtures:
            if existing.term.name == item.term.name:  # "the stairs" again: the same stairs
                existing.color = existing.color or (color if isinstance(color, ColorTerm) else None)
                existing.material = existing.material or material
                return
        if len(self.reading.fixtures) >= MAX_FIXTURES:
            self.reading.note_not_drawn(item.phrase, TOO_MANY_FIXTURES)
            return
        self.reading.fixtures.append(
            FixtureDraft(item.term, color if isinstance(color, ColorTerm) else None, material)
        )

    def subject(self, item: Item, count: int | None) -> list[Draft]:
        assert isinstance(item.term, KindTerm)
        kind = item.term
        if item.definite or self.refer_to_existing:
            existing = [d for d in self.reading.active() if _matches(d, kind)]
            if existing:
                return existing if item.plural else existing[-1:]
        return self._create(kind, count or (2 if item.plural else 1))

    def mention(self, item: Item) -> list[Draft]:
        found = self.mentions[item.value]
        if found.cameo is None:
            self.reading.note_unrecognized("@" + found.surface.lstrip("@"))
            return []
        for draft in self.reading.active():
            if draft.cameo is not None and draft.cameo.id == found.cameo.id:
                return [draft]
            if draft.base is not None and draft.base.cameo_id == found.cameo.id:
                return [draft]
        return self._create(kind_term("person"), 1, cameo=found.cameo)

    # -- the walk -------------------------------------------------------------------------
    def read(self, items: Sequence[Item]) -> None:
        clause: list[Item] = []
        for item in items:
            if item.kind == "break":
                self._clause(clause)
                clause = []
            else:
                clause.append(item)
        self._clause(clause)

    def _assign(self, drafts: Sequence[Draft], action: Term) -> None:
        for draft in drafts:
            if draft.action is None or (draft.action.name == "talk" and action.name != "talk"):
                draft.action = action

    def _pronoun(self, word: str) -> list[Draft]:
        active = self.reading.active()
        if word in ("they", "both"):
            return [d for d in self.last_group if not d.removed]
        if word == "it":
            wanted = [d for d in active if d.kind.kind != "person"]
        else:
            gender = "m" if word == "he" else "f"
            wanted = [d for d in active if d.is_character and d.kind.gender in (gender, "")]
        in_last = [d for d in self.last_group if d in wanted]
        return in_last[:1] or wanted[-1:]

    def _scene(self, found: Term, guessed: bool = False) -> None:
        if found.category in SCENE_CATEGORIES:
            # The first exact term wins; a guess only fills a gap until an exact term comes.
            if found.category not in self.reading.scene or (
                not guessed and found.category in self.reading.guessed
            ):
                self.reading.scene[found.category] = found
                self.reading.guessed.discard(found.category)
                if guessed:
                    self.reading.guessed.add(found.category)
        elif found.category == SOUND and found.name not in self.reading.sounds:
            self.reading.sounds.append(found.name)
        elif found.category == KIND and found.name not in self.reading.implied_kinds:
            self.reading.implied_kinds.append(found.name)

    def _clause(self, clause: list[Item]) -> None:
        count: int | None = None
        count_word = ""
        modifiers: dict[str, Term] = {}
        pending_action: Term | None = None
        group: list[Draft] = []
        first_group: list[Draft] = []
        group_acted = after_preposition = False
        named: list[Draft] = []  # subjects in this clause, in order
        talkers: list[tuple[int, Draft]] = []
        quotes: list[tuple[int, int]] = []  # (subjects named before it, quote index)
        scene_led = False  # "rain falls", "the wind blows": the verb belongs to the weather
        object_action: tuple[list[Draft], Term] | None = None  # doers and a verb with an object

        def attach(drafts: list[Draft]) -> None:
            nonlocal group, group_acted, after_preposition, pending_action, count, object_action
            if object_action is not None and not after_preposition:
                self._give_object_action(object_action, drafts)
            object_action = None
            self._modify(drafts, modifiers)
            modifiers.clear()
            count = None
            if group_acted:
                group, group_acted = [], False
            if not group or not after_preposition:
                group.extend(d for d in drafts if d not in group)
            after_preposition = False
            named.extend(drafts)
            if pending_action is not None:
                self._assign(drafts, pending_action)
                if pending_action.name == "talk":
                    talkers.extend((named.index(d), d) for d in drafts)
                pending_action = None

        previous = last_kind = ""
        for position, item in enumerate(clause):
            if item.kind == "consumed":
                continue
            found = item.term
            previous, last_kind = last_kind, item.kind
            if (
                item.kind == "number"
                and item.phrase in PEOPLE_WORDS
                and not _noun_next(clause, position)
            ):
                attach(self._create(kind_term("person"), item.value))  # "a family has lunch"
            elif item.kind == "number":
                count, count_word = item.value, item.phrase
            elif item.kind == "prep":
                after_preposition = bool(group)
            elif item.kind == "pronoun":
                attach(self._pronoun(item.phrase))
            elif item.kind == "mention":
                attach(self.mention(item))
            elif item.kind == "quote":
                quotes.append((len(named), item.value))
            elif item.kind == "unknown":
                self.reading.note_unrecognized(item.phrase)
            elif item.kind == "noun":
                attach(self.plain_shape(item, count))
            elif item.kind == "attribute":  # "a girl in a red dress": the girl's colour
                if named and item.value:
                    self._modify(named[-1:], modifiers)
                modifiers.clear()
            elif found is None:
                continue
            elif found.category == KIND:
                attach(self.subject(item, count))
            elif found.category == FIXTURE:
                self.fixture(item, modifiers)
                modifiers.clear()
                count = None
            elif found.category in (COLOR, SIZE, MATERIAL):
                modifiers.setdefault(found.category, found)
            elif found.category == ACTION:
                joined = previous == "and" and bool(first_group) and group is not first_group
                targets = first_group if joined else group
                if targets and (not group_acted or joined):
                    self._assign(targets, found)
                    if not first_group:
                        first_group = list(targets)
                    if found.name == "talk":
                        talkers.extend((named.index(d), d) for d in targets)
                    group, group_acted = targets, True
                    if found.name in OBJECT_ACTIONS and any(d.is_character for d in targets):
                        object_action = (list(targets), found)
                elif group_acted and found.name == "talk":
                    talkers.extend((named.index(d), d) for d in group)
                elif not group and not scene_led:
                    pending_action = found
            else:
                modifiers.clear()  # "a green forest": the colour was the forest's
                self._scene(found, item.guessed)
                scene_led = found.category in (WEATHER, SOUND) and not group
            if found is not None:
                for extra in implied_by(item.phrase, found):
                    self._scene(extra, guessed=True)  # a hint: an explicit place still wins
        if modifiers and named:
            self._modify(named[-1:], modifiers, only_unset=True)
        if count is not None and count_word in PEOPLE_WORDS:
            attach(self._create(kind_term("person"), count))  # "a couple dancing"
        if pending_action is not None and not self.last_group and not named:
            self.reading.orphan_action = self.reading.orphan_action or pending_action
        if pending_action is not None and self.last_group:
            self._assign(self.last_group, pending_action)
            if pending_action.name == "talk":
                talkers.extend((-1, d) for d in self.last_group)
        for before, quote in quotes:
            speaker = self._speaker(before, named, talkers)
            self.reading.dialogue.append((speaker, self.quotes[quote]))
        if named:
            self.last_group = first_group or group or named

    def _speaker(
        self, before: int, named: list[Draft], talkers: list[tuple[int, Draft]]
    ) -> Draft | None:
        earlier = [d for pos, d in talkers if pos < before]
        if earlier:
            return earlier[-1]
        later = [d for pos, d in talkers if pos >= before]
        if later:
            return later[0]
        characters_before = [d for d in named[:before] if d.is_character]
        if characters_before:
            return characters_before[-1]
        characters_after = [d for d in named[before:] if d.is_character]
        if characters_after:
            return characters_after[0]
        previous = [d for d in self.last_group if d.is_character and not d.removed]
        return previous[0] if previous else None

    @staticmethod
    def _give_object_action(doing: tuple[list[Draft], Term], drafts: Sequence[Draft]) -> None:
        doers, verb = doing
        objects = [d for d in drafts if not d.is_character and d.action is None]
        if not objects:
            return
        doer_action, object_action = OBJECT_ACTIONS[verb.name]
        for draft in objects:
            # Food in a pan is tossed to flip it, not thrown away: "a cook tosses a pancake".
            flipped = verb.name in ("throw", "flip") and _is_pan_food(draft.kind)
            draft.action = term(ACTION, "flip" if flipped else object_action)
        for doer in doers:
            if doer.action is verb and doer_action != verb.name:
                doer.action = term(ACTION, doer_action)

    @staticmethod
    def _modify(
        drafts: Sequence[Draft], modifiers: dict[str, Term], only_unset: bool = False
    ) -> None:
        for draft in drafts:
            color = modifiers.get(COLOR)
            if isinstance(color, ColorTerm) and not (only_unset and draft.color):
                draft.color = color
            size = modifiers.get(SIZE)
            if isinstance(size, SizeTerm) and not (only_unset and draft.size):
                draft.size = size
            material = modifiers.get(MATERIAL)
            if material is not None and not (only_unset and draft.material):
                draft.material = material
