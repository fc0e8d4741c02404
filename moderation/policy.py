"""The content policy, in code. The public page (/policy/) is rendered from this same data.

Pure: no Django model imports, so `videos` and the classifier can import it freely.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

APPEAL_WINDOW_DAYS = 20


class Severity(enum.IntEnum):
    """Higher is worse. Cases are queued by severity, then age."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


@dataclass(frozen=True)
class Category:
    code: str
    title: str
    description: str
    examples_refused: tuple[str, ...]
    allowed: str
    severity: Severity
    consequence: str
    # Zero tolerance: always refused, the account is flagged and a case opened at once.
    zero_tolerance: bool = False


MINORS_SEXUAL = "minors_sexual"
SEXUAL = "sexual"
VIOLENCE = "violence"
SELF_HARM = "self_harm"
HATE = "hate"
ILLEGAL = "illegal"
PUBLIC_FIGURE = "public_figure"
PRIVATE_LIKENESS = "private_likeness"
COPYRIGHT = "copyright"
SPAM = "spam"

CATEGORIES: tuple[Category, ...] = (
    Category(
        code=MINORS_SEXUAL,
        title="Sexual content involving minors",
        description=(
            "Any sexual or sexualised depiction of anyone under 18, or anyone who looks or is "
            "described as a child or a teenager, in any style (realistic, animated, 'fictional')."
        ),
        examples_refused=(
            "nudity or sexual acts involving a child or teenager",
            "sexualised poses or clothing on a minor",
            "'aged-up' or 'fictional' framing of the same",
        ),
        allowed="Ordinary, non-sexual scenes with children (a school play, kids at a park).",
        severity=Severity.CRITICAL,
        consequence=(
            "Zero tolerance. Always refused, never generated; the account is flagged and "
            "reviewed by a moderator at once and may be banned and reported to the authorities."
        ),
        zero_tolerance=True,
    ),
    Category(
        code=SEXUAL,
        title="Sexual content and nudity",
        description="Sexually explicit content, pornography, nudity and sexualised undressing.",
        examples_refused=("nude or topless people", "sexual acts", "fetish content"),
        allowed="Romance without nudity (a kiss, holding hands), swimwear at a beach or pool.",
        severity=Severity.HIGH,
        consequence=(
            "The prompt is refused. A generated video showing nudity is held in review and "
            "removed if confirmed; repeated attempts lead to strikes."
        ),
    ),
    Category(
        code=VIOLENCE,
        title="Graphic violence and gore",
        description=(
            "Realistic depictions of serious injury, mutilation, torture, killing, or gore; "
            "glorifying real attacks."
        ),
        examples_refused=("dismemberment", "blood-soaked torture", "executions"),
        allowed=(
            "Sport (boxing, martial arts), cartoon slapstick, action without gore. Teen accounts "
            "get a stricter threshold."
        ),
        severity=Severity.HIGH,
        consequence="The prompt is refused; a video showing it is removed.",
    ),
    Category(
        code=SELF_HARM,
        title="Self-harm and suicide",
        description=(
            "Depicting, encouraging or instructing suicide, self-injury or eating disorders."
        ),
        examples_refused=("someone cutting themselves", "suicide methods", "pro-anorexia content"),
        allowed=(
            "Recovery and support stories without method detail. If you are struggling, please "
            "contact a local crisis line: you are not alone."
        ),
        severity=Severity.HIGH,
        consequence="The prompt is refused, and we show where to find help.",
    ),
    Category(
        code=HATE,
        title="Hate and harassment",
        description=(
            "Attacking or demeaning people for who they are (race, ethnicity, religion, "
            "disability, sex, gender, sexual orientation, ...), slurs, threats, bullying or "
            "humiliating a real person."
        ),
        examples_refused=("slurs", "calls for violence against a group", "mocking a classmate"),
        allowed="Discussing or documenting discrimination without endorsing it.",
        severity=Severity.HIGH,
        consequence="The prompt is refused; content and accounts that target people are removed.",
    ),
    Category(
        code=ILLEGAL,
        title="Illegal activity and weapons",
        description=(
            "Instructions for or promotion of serious crime: making weapons or explosives, drugs "
            "manufacture or sale, terrorism, fraud, human trafficking."
        ),
        examples_refused=("how to build a bomb", "cooking meth", "a terrorist attack"),
        allowed="Fiction that does not instruct (a heist movie scene), historical documentaries.",
        severity=Severity.HIGH,
        consequence="The prompt is refused; repeated attempts lead to strikes.",
    ),
    Category(
        code=PUBLIC_FIGURE,
        title="Real public figures",
        description=(
            "Real, identifiable public figures (politicians, celebrities, business leaders) "
            "appear only through their own verified cameo, with their permission."
        ),
        examples_refused=("a named politician giving a speech they never gave",),
        allowed="Anyone who shared a cameo with you, within the permissions they chose.",
        severity=Severity.MEDIUM,
        consequence="The prompt is refused unless the person's own cameo is used.",
    ),
    Category(
        code=PRIVATE_LIKENESS,
        title="Likeness of a real private person without a cameo",
        description=(
            "Putting a real person (a friend, an ex, a classmate, a neighbour) into a video "
            "without their verified cameo: deepfakes, face swaps, 'make it look like my ...'."
        ),
        examples_refused=("a face swap of a coworker", "a deepfake of an ex-partner"),
        allowed="Yourself and anyone whose cameo you may use.",
        severity=Severity.MEDIUM,
        consequence="The prompt is refused; a video reported by the person shown is removed.",
    ),
    Category(
        code=COPYRIGHT,
        title="Copyrighted characters and imitation of living artists' music",
        description=(
            "Characters owned by others (film, games, cartoons), and imitating the voice, songs "
            "or signature sound of a living musician."
        ),
        examples_refused=("a famous cartoon mouse by name", "a song in a living singer's voice"),
        allowed="Original characters; broad genres and moods ('upbeat synth-pop', 'jazz').",
        severity=Severity.LOW,
        consequence="The prompt is refused; the rights holder may ask for removal.",
    ),
    Category(
        code=SPAM,
        title="Spam",
        description=(
            "Advertising, links, phone numbers, engagement bait and repeated junk text in "
            "prompts, captions and comments."
        ),
        examples_refused=("'follow for follow'", "links to shops", "crypto giveaways"),
        allowed="Talking about your own videos and projects without links.",
        severity=Severity.LOW,
        consequence="The text is refused; accounts that spam are limited or suspended.",
    ),
)

_BY_CODE = {c.code: c for c in CATEGORIES}
CATEGORY_CODES: tuple[str, ...] = tuple(_BY_CODE)
CATEGORY_CHOICES: list[tuple[str, str]] = [(c.code, c.title) for c in CATEGORIES]
OTHER = "other"
REPORT_REASON_CHOICES: list[tuple[str, str]] = [*CATEGORY_CHOICES, (OTHER, "Something else")]


def category(code: str) -> Category:
    """The category for a code; raises KeyError for an unknown code."""
    return _BY_CODE[code]


def severity_of(code: str) -> Severity:
    cat = _BY_CODE.get(code)
    return cat.severity if cat else Severity.MEDIUM


APPEALS_TEXT = (
    f"Every moderation decision on your content or account is sent to you as a notification, "
    f"with the policy it applied and the reason. You can appeal each decision once, within "
    f"{APPEAL_WINDOW_DAYS} days, from 'My moderation decisions'. A different moderator reviews "
    f"the appeal. If the decision is overturned, removed content is restored and the strike "
    f"is taken off your account; either way you are told the outcome. Refusals of sexual "
    f"content involving minors are not appealable."
)


def _read_list(name: str) -> tuple[str, ...]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return tuple(s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#"))


@functools.cache
def public_figures() -> tuple[str, ...]:
    return _read_list("public_figures.txt")


@functools.cache
def copyrighted_characters() -> tuple[str, ...]:
    return _read_list("copyrighted_characters.txt")


@functools.cache
def living_artists() -> tuple[str, ...]:
    return _read_list("living_artists.txt")
