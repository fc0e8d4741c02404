"""The shape of a vocabulary entry.

Every word the director can place is a `Term`: the canonical value it writes into the plan
(`name`), the words and phrases that mean it (`synonyms`, matched exactly after light stemming),
and a one-line `description` that the sentence-embedding model also reads, so paraphrases that
are in no synonym list still land on the right term.
"""

from __future__ import annotations

from dataclasses import dataclass

# Vocabulary categories, in the order the documentation lists them.
KIND = "kind"
FIXTURE = "fixture"
ACTION = "action"
COLOR = "color"
SIZE = "size"
MATERIAL = "material"
SETTING = "setting"
TIME = "time"
WEATHER = "weather"
STYLE = "style"
CAMERA = "camera"
SOUND = "sound"

CATEGORIES: tuple[str, ...] = (
    KIND,
    FIXTURE,
    ACTION,
    COLOR,
    SIZE,
    MATERIAL,
    SETTING,
    TIME,
    WEATHER,
    STYLE,
    CAMERA,
    SOUND,
)


@dataclass(frozen=True, kw_only=True)
class Term:
    category: str
    name: str  # canonical value written into the ScenePlan
    synonyms: tuple[str, ...] = ()
    description: str = ""
    # Other terms this one brings along, as (category, name): "thunderstorm" is rain + thunder.
    implies: tuple[tuple[str, str], ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        """The canonical name followed by every synonym."""
        return (self.name, *self.synonyms)


@dataclass(frozen=True, kw_only=True)
class KindTerm(Term):
    """A subject noun. `name` is the word shown as the subject's name ("girl");
    `kind` is the vocabulary noun the renderer draws ("person")."""

    kind: str
    subject_category: str  # character, object or vehicle (Subject.category)
    default_size: float  # metres: height (characters), diameter/edge (objects), length (vehicles)
    default_material: str
    default_action: str
    palette: tuple[str, ...]  # colour names the seed picks from when the prompt names none
    gender: str = ""  # "f", "m" or "" - picks the eSpeak voice family
    form: str = ""  # the catalogue figure (Subject.form); "" for the hand-built kinds


@dataclass(frozen=True, kw_only=True)
class FixtureTerm(Term):
    """Scene geometry ("stone stairs", "a desk"): `shape` is what the physics builds."""

    shape: str
    default_material: str
    default_color: str


@dataclass(frozen=True, kw_only=True)
class ColorTerm(Term):
    rgb: tuple[int, int, int]


@dataclass(frozen=True, kw_only=True)
class SizeTerm(Term):
    scale: float  # multiplies the kind's default size
