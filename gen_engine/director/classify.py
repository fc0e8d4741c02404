"""Turn prompt tokens into items: vocabulary terms, numbers, quotes, cameo mentions, pronouns,
clause breaks and unknown words - exact lookups first, then the embedding model for the rest."""

from __future__ import annotations

from dataclasses import dataclass, replace

from gen_engine.director import embedding
from gen_engine.director.terms import (
    ACTION,
    CAMERA,
    CATEGORIES,
    COLOR,
    FIXTURE,
    KIND,
    MATERIAL,
    SETTING,
    SIZE,
    SOUND,
    STYLE,
    WEATHER,
    Term,
)
from gen_engine.director.text import (
    BODY_WORDS,
    CLOTHING,
    DEFINITE,
    NUMBER_WORDS,
    STOPWORDS,
    SUBJECT_PRONOUNS,
    is_break,
    is_plural,
    normalize_phrase,
)
from gen_engine.director.vocabulary import MAX_PHRASE_WORDS, lookup

# Embedding acceptance: a best cosine score at least this high, and clearly above the
# runner-up term. Calibrated on paraphrases (pup/dog 0.81, seaside/beach 0.73, dark/night
# 0.66) against unrelated words (table/ball 0.32, happily/dog 0.31).
WORD_THRESHOLD = 0.6
# A guessed place must be closer: single nouns drift to settings ("station" -> space 0.69).
SETTING_THRESHOLD = 0.7
RUN_THRESHOLD = 0.72  # a multi-word run must be a clear paraphrase to be taken whole
CLAUSE_THRESHOLD = 0.55  # words around "camera"/"style", against those terms only
MARGIN = 0.02
MAX_EMBEDDED = 48  # unknown phrases per prompt sent to the model; the rest stay unrecognized
# Colours are left out: colour names embed close to one another (crimson scored purple), so
# the colour list relies on its synonyms.
# Single words never pick a style either: "line", "game" and "hero" land near sketch, pixel
# and cinematic. Styles come from synonyms, multi-word runs and clauses that name the look.
WORD_CATEGORIES = frozenset(CATEGORIES) - {CAMERA, COLOR, STYLE}
RUN_CATEGORIES = frozenset(CATEGORIES) - {CAMERA, COLOR}
# An -ing/-ed word is a verb or participle ("cooking", "sailing"): never a new subject or place.
VERB_FORM_CATEGORIES = frozenset({ACTION, WEATHER, SOUND, MATERIAL, SIZE})

CAMERA_CUES = frozenset(
    {"camera", "cam", "shot", "lens", "angle", "footage", "filmed", "filming", "zoom", "zooms"}
)
CAMERA_CARRIERS = frozenset({"drone"})  # a noun that, before a camera word, is the camera
STYLE_CUES = frozenset(
    {"style", "styled", "aesthetic", "animation", "art", "drawn", "rendered", "render", "vibe",
     "vibes", "artwork", "illustration", "illustrated", "looking", "look", "looks"}
)  # fmt: skip
PREPOSITIONS = frozenset(
    {"with", "on", "in", "at", "near", "beside", "behind", "under", "over", "onto", "into",
     "holding", "carrying", "toward", "towards", "past", "across", "around", "chasing",
     "chases", "chased", "against", "from", "off", "down", "up", "out", "inside", "through",
     "along"}
)  # fmt: skip
_WAVE_NOUN_BEFORE = frozenset({"the", "ocean", "sea", "big", "crashing", "of", "huge", "giant"})


@dataclass(frozen=True)
class Item:
    kind: str  # term, number, quote, mention, pronoun, prep, break, unknown, cue
    token: int  # index of the first token it came from
    term: Term | None = None
    phrase: str = ""
    value: int = 0  # the number, quote index or mention index
    plural: bool = False
    definite: bool = False
    guessed: bool = False  # placed by the embedding model rather than an exact synonym


def _is_placeholder(token: str) -> bool:
    return token.startswith("\x00")


def _number(token: str) -> int | None:
    if token.isdigit() and token.isascii():
        return min(int(token[:3]), 99)
    return NUMBER_WORDS.get(token)


# Words after which a noun follows: "a pan", "the steps", "two sleds", "her guitar".
_DETERMINERS = DEFINITE | {"a", "an", "another", "some", "every", "each", "no"}
# A place needs a preposition: "on the pitch" is a setting, "pitches the ball" is not.
_PLACE_PREPOSITIONS = frozenset(
    {"in", "on", "at", "across", "through", "over", "into", "to", "near", "by", "around",
     "along", "inside", "onto", "toward", "towards", "from", "under", "beside", "outside"}
)  # fmt: skip
_MODIFIERS = frozenset({COLOR, MATERIAL, SIZE})
_SINGULAR = frozenset({"a", "an", "one", "another", "every", "each", "this", "that"})
_NOUNS = frozenset({KIND, FIXTURE})


def _before(tokens: list[str], at: int, skip: frozenset[str]) -> str:
    before = at - 1
    while before >= 0 and tokens[before] in skip:
        before -= 1
    return tokens[before] if before >= 0 else ""


def _after_place_preposition(tokens: list[str], at: int) -> bool:
    """ "on the beach", "on an icy sidewalk": a preposition of place within three words."""
    for back in range(1, 4):
        if at - back < 0 or is_break(tokens[at - back]):
            return False
        if tokens[at - back] in _PLACE_PREPOSITIONS:
            return True
    return False


def _noun_follows(tokens: list[str], after: int) -> bool:
    """True when the words after `after` start a subject or fixture ("a rock wall")."""
    for size in range(MAX_PHRASE_WORDS, 0, -1):
        words = tokens[after : after + size]
        clean = len(words) == size and not any(_is_placeholder(w) or is_break(w) for w in words)
        if clean and any(t.category in _NOUNS for t in lookup(words)):
            return True
    return False


def _choose(found: tuple[Term, ...], words: list[str], tokens: list[str], at: int) -> Term:
    """Pick among the terms one phrase names by its neighbours: "a rock" but "rock wall", "a
    pan" but "the camera pans", "on the moon" but "under the moon", the noun "waves" but the
    verb "waves"."""
    categories = {t.category for t in found}
    if len(categories) == 1:
        return found[0]

    def first(wanted: frozenset[str] | set[str]) -> Term:
        return next(t for t in found if t.category in wanted)

    if {ACTION, SOUND} <= categories and words[-1].startswith("wave"):
        before = tokens[at - 1] if at > 0 else ""
        after = tokens[at + len(words)] if at + len(words) < len(tokens) else ""
        is_noun = before in _WAVE_NOUN_BEFORE or after.startswith("crash")
        return first({SOUND} if is_noun else {ACTION})
    written = " ".join(words)
    exact = tuple(t for t in found if written in (normalize_phrase(p) for p in t.phrases))
    if exact and len({t.category for t in exact}) == 1 and len(exact) < len(found):
        return exact[0]  # "a tree" is the tree, though stemmed it is also "trees", the forest
    nouns = categories & _NOUNS
    if nouns and categories & _MODIFIERS:
        return first(_MODIFIERS if _noun_follows(tokens, at + len(words)) else nouns)
    if SETTING in categories:
        preposition = _before(tokens, at, _DETERMINERS)
        # "at the moon" is where a dog howls, not where it stands
        place = preposition == "on" if words == ["moon"] else preposition in _PLACE_PREPOSITIONS
        return first({SETTING} if place else categories - {SETTING})
    if nouns:
        previous = tokens[at - 1] if at > 0 else ""
        after_determiner = previous in _DETERMINERS or _number(previous) is not None
        if after_determiner or SOUND in categories:
            return first(nouns)  # the guitar is drawn; its music comes along (PHRASE_IMPLIES)
        return first(categories - nouns)
    return found[0]


def _match_at(tokens: list[str], at: int) -> tuple[tuple[Term, ...], int]:
    """Longest vocabulary phrase starting at `at`: (terms, word count) or ((), 0)."""
    for size in range(MAX_PHRASE_WORDS, 0, -1):
        words = tokens[at : at + size]
        if len(words) < size or any(_is_placeholder(w) or is_break(w) for w in words):
            continue
        if size == 1 and words[0] in STOPWORDS:
            # "a can", "the fly": after an article a stopword may be a noun
            if at == 0 or tokens[at - 1] not in ("a", "an", "the"):
                return (), 0
            nouns = tuple(t for t in lookup(words) if t.category in _NOUNS)
            return (nouns, 1) if nouns else ((), 0)
        found = lookup(words)
        if size == 1 and words[0].endswith(("ing", "ed")):
            # "boxing", "parked": a verb form that only stems to a noun is not that noun.
            found = tuple(t for t in found if t.category != KIND or words[0] in t.phrases)
        if found:
            return found, size
    return (), 0


def _object_of_preposition(tokens: list[str], at: int) -> bool:
    """True for "past the camera", "at the camera": the camera is where things go, not
    what moves."""
    before = at - 1
    while before >= 0 and tokens[before] in ("the", "a", "an", "our", "my"):
        before -= 1
    return before >= 0 and tokens[before] in PREPOSITIONS | {"past", "to", "toward", "at"}


def classify_exact(tokens: list[str]) -> list[Item]:
    items: list[Item] = []
    definite = False
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token.startswith("\x00Q"):
            items.append(Item("quote", at, value=int(token[2:-1])))
        elif token.startswith("\x00C"):
            items.append(Item("mention", at, value=int(token[2:-1])))
        elif is_break(token):
            items.append(Item("break", at))
            definite = False
        elif token in SUBJECT_PRONOUNS:
            items.append(Item("pronoun", at, phrase=token))
        elif (number := _number(token)) is not None:
            items.append(Item("number", at, value=number, phrase=token))
        else:
            found, size = _match_at(tokens, at)
            if found:
                words = tokens[at : at + size]
                chosen = _choose(found, words, tokens, at)
                is_kind = chosen.category == KIND
                # A place named without "in/on/at..." ("eats grass", "a spaceship") is a hint:
                # a place the prompt puts the scene in ("on a farm") wins over it.
                hint = chosen.category == SETTING and not _after_place_preposition(tokens, at)
                cue_next = at + size < len(tokens) and tokens[at + size] in CAMERA_CUES
                if chosen.name in CAMERA_CARRIERS and cue_next:  # "drone shot": how it is filmed
                    items.append(Item("consumed", at, phrase=token))
                    at += 1
                    continue
                items.append(
                    Item(
                        "term",
                        at,
                        term=chosen,
                        phrase=" ".join(words),
                        plural=is_kind and is_plural(words[-1]),
                        definite=is_kind and definite,
                        guessed=hint,
                    )
                )
                definite = definite and not is_kind
                at += size
                continue
            if token in DEFINITE:
                definite = True
            elif token in ("a", "an", "another", "one"):
                definite = False
            if token in ("and", "&"):
                items.append(Item("and", at))
            elif token in CLOTHING or token in BODY_WORDS:
                items.append(Item("attribute", at, phrase=token, value=int(token in CLOTHING)))
            elif token in PREPOSITIONS:
                items.append(Item("prep", at, phrase=token))
            elif token in CAMERA_CUES and _object_of_preposition(tokens, at):
                items.append(Item("consumed", at, phrase=token))  # "past the camera"
            elif token in CAMERA_CUES or token in STYLE_CUES:
                items.append(Item("cue", at, phrase=token))
            elif token not in STOPWORDS:
                items.append(Item("unknown", at, phrase=token))
        at += 1
    return items


def _embeddable(word: str) -> bool:
    return word.isascii() and word.isalpha() and len(word) >= 3 and not word.endswith("ly")


def _categories(word: str) -> frozenset[str]:
    if word.endswith(("ing", "ed")):
        return VERB_FORM_CATEGORIES
    return WORD_CATEGORIES


def _accept(
    result: tuple[embedding.Match, embedding.Match | None] | None, floor: float
) -> Term | None:
    if result is None:
        return None
    best, runner_up = result
    if best.score < floor:
        return None
    if runner_up is not None and best.score - runner_up.score < MARGIN:
        return None
    return best.term


def _runs(items: list[Item]) -> list[list[int]]:
    """Indexes of embeddable unknown words, grouped into runs of adjacent tokens."""
    runs: list[list[int]] = []
    for index, item in enumerate(items):
        if item.kind != "unknown" or not _embeddable(item.phrase):
            continue
        previous = runs[-1][-1] if runs else -2
        if runs and previous == index - 1 and items[previous].token == item.token - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def resolve_unknown(items: list[Item], tokens: list[str]) -> list[Item]:
    """Give unknown words a term through the embedding model where one fits well enough."""
    resolved = list(items)
    budget = MAX_EMBEDDED
    # Runs of adjacent unknown words first ("stop motion clay"), taken whole only when clear.
    runs = _runs(items)
    long_runs = [r[:MAX_PHRASE_WORDS] for r in runs if len(r) >= 2][: budget // 2]
    if long_runs:
        texts = [" ".join(items[i].phrase for i in run) for run in long_runs]
        budget -= len(texts)
        results = embedding.best_matches(texts, RUN_CATEGORIES)
        for run, text, result in zip(long_runs, texts, results, strict=True):
            found = _accept(result, RUN_THRESHOLD)
            if found is not None:
                first = items[run[0]]
                resolved[run[0]] = Item("term", first.token, term=found, phrase=text, guessed=True)
                for i in run[1:]:
                    resolved[i] = replace(items[i], kind="consumed")
    singles = [
        i for i, it in enumerate(resolved) if it.kind == "unknown" and _embeddable(it.phrase)
    ]
    singles = singles[:budget]
    by_categories: dict[frozenset[str], list[int]] = {}
    for index in singles:
        by_categories.setdefault(_categories(resolved[index].phrase), []).append(index)
    for categories, indexes in by_categories.items():
        words = [resolved[i].phrase for i in indexes]
        for index, result in zip(indexes, embedding.best_matches(words, categories), strict=True):
            is_setting = result is not None and result[0].term.category == SETTING
            found = _accept(result, SETTING_THRESHOLD if is_setting else WORD_THRESHOLD)
            if found is not None:
                item = resolved[index]
                is_kind = found.category == KIND
                resolved[index] = replace(
                    item,
                    kind="term",
                    term=found,
                    plural=is_kind and is_plural(item.phrase),
                    guessed=True,
                )
    return resolved


def _cue_window(items: list[Item], cue: int) -> tuple[int, int]:
    """The run of items around a cue word up to a subject, preposition or break: "the camera
    slowly sweeps sideways" but not "... over a person", which would blur the comparison."""

    def inside(item: Item) -> bool:
        return item.kind in ("unknown", "cue", "consumed") or (
            item.kind == "term" and item.term is not None and item.term.category != KIND
        )

    first = last = cue
    while first > 0 and inside(items[first - 1]):
        first -= 1
    while last + 1 < len(items) and inside(items[last + 1]):
        last += 1
    return first, last


def _cued_phrases(items: list[Item], tokens: list[str]) -> list[tuple[int, int, int, str, str]]:
    """(cue index, window first, window last, category, text) for every camera/style cue."""
    found = []
    for index, item in enumerate(items):
        if item.kind != "cue":
            continue
        category = CAMERA if item.phrase in CAMERA_CUES else STYLE
        first, last = _cue_window(items, index)
        words = tokens[items[first].token : items[last].token + 1]
        text = " ".join(t for t in words if not _is_placeholder(t) and not is_break(t))
        found.append((index, first, last, category, text))
    return found


def resolve_cued_clauses(items: list[Item], tokens: list[str]) -> list[Item]:
    """Words around a cue ("the camera slowly pushes in", "a stop-motion clay look") are
    compared together against camera or style terms, unless the prompt already names one."""
    resolved = list(items)
    named = {it.term.category for it in items if it.term is not None}
    for cue, first, last, category, text in _cued_phrases(items, tokens):
        if category in named:
            continue
        found = _accept(embedding.best_matches([text], frozenset({category}))[0], CLAUSE_THRESHOLD)
        if found is None:
            continue
        named.add(category)
        resolved[cue] = replace(items[cue], kind="term", term=found, guessed=True)
        for i in range(first, last + 1):
            if resolved[i].kind == "unknown":
                resolved[i] = replace(resolved[i], kind="consumed")
    return resolved


def _is_kind(item: Item) -> bool:
    return item.kind == "term" and item.term is not None and item.term.category == KIND


def merge_compound_nouns(items: list[Item]) -> list[Item]:
    """In "a detective woman" or "a soccer player" the first noun only describes the second:
    one subject, not two. A guessed first noun stays in `unrecognized`. A guessed noun right
    after a known one is a verb the vocabulary lacks ("kids build", "a deer drinks": the model
    hears building block and wine glass), not a second thing."""
    merged = list(items)
    for index in range(len(items) - 1):
        first, second = items[index], items[index + 1]
        adjacent = second.token == first.token + len(first.phrase.split())
        if not (_is_kind(first) and _is_kind(second) and adjacent):
            continue
        if second.guessed and not first.guessed:
            merged[index + 1] = replace(second, kind="unknown", term=None)
        else:
            merged[index] = replace(first, kind="unknown" if first.guessed else "consumed")
    return merged


def _prefetch(items: list[Item], tokens: list[str]) -> None:
    """Embed every phrase the resolvers may ask about in one model call: per-call overhead,
    not phrase count, dominates the cost of a prompt."""
    if not any(it.kind == "unknown" for it in items):
        return
    words = [it.phrase for it in items if it.kind == "unknown" and _embeddable(it.phrase)]
    phrases = list(words[:MAX_EMBEDDED])
    for run in _runs(items):
        if len(run) >= 2:
            phrases.append(" ".join(items[i].phrase for i in run[:MAX_PHRASE_WORDS]))
    phrases += [text for *_, text in _cued_phrases(items, tokens)]
    embedding.prefetch(phrases[: MAX_EMBEDDED * 2])


def _is_noun_term(item: Item) -> bool:
    return item.term is not None and item.term.category in _NOUNS


def _nounlike(word: str) -> bool:
    return _embeddable(word) and not word.endswith(("ing", "ed"))


def mark_unknown_nouns(items: list[Item], tokens: list[str]) -> list[Item]:
    """An unknown word that heads a noun phrase ("a shiny unicycle", "kicks cans") is a thing
    the prompt wants drawn: it becomes a "noun" item, drawn as a plain labelled shape. Words
    before it in the phrase are its adjectives and stay unrecognized."""
    at_token = {item.token: index for index, item in enumerate(items)}
    marked = list(items)
    for index, item in enumerate(items):
        if item.kind != "unknown" or not _nounlike(item.phrase):
            continue
        following = at_token.get(item.token + 1)
        if following is not None and (
            items[following].kind in ("unknown", "noun") or _is_noun_term(items[following])
        ):
            continue  # not the head: "shiny" in "a shiny unicycle"
        before = item.token - 1
        while before >= 0:
            previous = at_token.get(before)
            describes = previous is not None and (
                items[previous].kind == "unknown"
                or (items[previous].term is not None
                    and items[previous].term.category in _MODIFIERS)  # type: ignore[union-attr]
            )  # fmt: skip
            if not describes:
                break
            before -= 1
        opener = tokens[before] if before >= 0 else ""
        verb = at_token.get(before)
        after_verb = (
            verb is not None
            and items[verb].term is not None
            and (
                items[verb].term.category == ACTION  # type: ignore[union-attr]
            )
        )
        if not (opener in _DETERMINERS or opener in PREPOSITIONS or _number(opener) or after_verb):
            continue
        head = index
        previous_item = at_token.get(item.token - 1)
        if (
            opener in _SINGULAR
            and is_plural(item.phrase)
            and previous_item is not None
            and items[previous_item].kind == "unknown"
            and _nounlike(items[previous_item].phrase)
        ):
            head = previous_item  # "a zorblat wobbles": one zorblat, and a verb we do not know
        marked[head] = replace(
            items[head],
            kind="noun",
            plural=head == index and is_plural(item.phrase),
            definite=opener in DEFINITE,
        )
    return marked


def classify(tokens: list[str]) -> list[Item]:
    items = classify_exact(tokens)
    _prefetch(items, tokens)
    items = resolve_cued_clauses(items, tokens)
    items = merge_compound_nouns(resolve_unknown(items, tokens))
    return mark_unknown_nouns(items, tokens)
