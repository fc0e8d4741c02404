"""From raw prompt text to a Reading: clean, lift quotes and cameo mentions, classify, read."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from gen_engine.director import embedding
from gen_engine.director.classify import classify
from gen_engine.director.reader import Mention, Reader, Reading
from gen_engine.director.text import (
    find_handles,
    lift_quotes,
    strip_markup_and_controls,
    tokenize,
)
from gen_engine.director.vocabulary import TERMS_BY_CATEGORY, lookup
from gen_engine.types import CameoRef, GenerationError

_SYMBOL_RUN = re.compile(r"[^\w\s\x00]+")
MAX_SYMBOL_NOTES = 4


def _cameo_for_handle(handle: str, cameos: Sequence[CameoRef]) -> CameoRef | None:
    wanted = handle.lower()
    for cameo in cameos:
        if cameo.id.lower().lstrip("@") == wanted:
            return cameo
    for cameo in cameos:
        if cameo.display_name.lower().replace(" ", "") == wanted:
            return cameo
    return None


def lift_mentions(text: str, cameos: Sequence[CameoRef]) -> tuple[str, list[Mention]]:
    """Replace @handles and cameo display names with \\x00C<n>\\x00 placeholders."""
    mentions: list[Mention] = []
    pieces: list[str] = []
    cursor = 0
    for start, end, handle in find_handles(text):
        pieces.append(text[cursor:start])
        pieces.append(f" \x00C{len(mentions)}\x00 ")
        mentions.append(Mention("@" + handle, _cameo_for_handle(handle, cameos)))
        cursor = end
    pieces.append(text[cursor:])
    text = "".join(pieces)
    by_length = sorted(
        (c for c in cameos if len(c.display_name.strip()) >= 2),
        key=lambda c: -len(c.display_name),
    )
    for cameo in by_length:
        pattern = re.compile(rf"(?<![\w@]){re.escape(cameo.display_name.strip())}(?!\w)", re.I)

        def placeholder(match: re.Match[str], cameo: CameoRef = cameo) -> str:
            mentions.append(Mention(match.group(0), cameo))
            return f" \x00C{len(mentions) - 1}\x00 "

        text = pattern.sub(placeholder, text)
    return text, mentions


def _symbols(text: str) -> list[str]:
    """Emoji and other pictographs: not understood, but recorded as seen."""
    found = []
    for run in _SYMBOL_RUN.findall(text):
        if any(unicodedata.category(ch) == "So" for ch in run):
            found.append(run[:8])
    return found[:MAX_SYMBOL_NOTES]


def read_text(
    text: str,
    cameos: Sequence[CameoRef],
    reading: Reading | None = None,
    *,
    refer_to_existing: bool = False,
) -> Reading:
    """Read prompt or edit text into `reading` (a fresh one when None)."""
    reading = reading if reading is not None else Reading()
    cleaned = lift_quotes(strip_markup_and_controls(text))
    lifted, mentions = lift_mentions(cleaned.text, cameos)
    tokens = tokenize(lifted)
    symbols = _symbols(lifted)
    has_words = any(not is_punctuation(t) for t in tokens)
    if not has_words and not symbols:
        raise GenerationError(
            "empty_prompt",
            "The prompt has no words left once markup and punctuation are removed: "
            "describe a scene.",
        )
    reader = Reader(reading, mentions, cleaned.quotes)
    reader.refer_to_existing = refer_to_existing
    reader.read(classify(tokens))
    for symbol in symbols:
        reading.note_unrecognized(symbol)
    return reading


def is_punctuation(token: str) -> bool:
    return len(token) == 1 and not token.isalnum()


def canonical(category: str, value: str) -> str:
    """The vocabulary name for an explicit style/camera argument (synonyms and paraphrases
    accepted); GenerationError naming the choices when nothing fits."""
    words = tokenize(strip_markup_and_controls(value))
    for found in lookup(words) if words else ():
        if found.category == category:
            return found.name
    if words:
        result = embedding.best_matches([" ".join(words)], frozenset({category}))[0]
        if result is not None and result[0].score >= 0.6:
            return result[0].term.name
    choices = ", ".join(t.name for t in TERMS_BY_CATEGORY[category])
    raise GenerationError(
        f"unknown_{category}", f"Unknown {category} {value!r}; use one of: {choices}."
    )
