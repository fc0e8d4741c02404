"""Cleaning and splitting prompt text: markup and control characters out, quotes and cameo
mentions lifted into placeholders, words stemmed the same way the vocabulary is indexed."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from gen_engine.types import MAX_PROMPT_CHARS, GenerationError

MAX_LINE_CHARS = 200  # one spoken line must fit in a clip with room to spare
MAX_LINES = 6
MAX_TOKENS = 600  # a 2000-character prompt rarely has more; the rest is ignored

_SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z!/?][^<>]{0,500}>")
_QUOTE = re.compile(r"\"([^\"]*)(?:\"|$)|“([^”]*)(?:”|$)|«([^»]*)(?:»|$)|(?<!\w)'([^'\n]+)'(?!\w)")
_HANDLE = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_.\-]{0,63})")
_TOKEN = re.compile(r"\x00[QC]\d+\x00|[^\W_]+(?:['\u2019][^\W_]+)*|[.!?;:,\n]|&")
_BREAK_PUNCTUATION = frozenset(".!?;:,\n")
# Clause breaks: punctuation and linking words that start a new clause.
CLAUSE_WORDS = frozenset({"while", "then", "as", "when", "meanwhile", "after", "before", "until"})

_STOPWORD_TEXT = """
    a an the and or but nor so of at in on into onto over under through across along around
    near by from to toward towards up down off out away back during like with without within
    is are was were be being been am has have had do does did doing this that these those
    there here which who whom whose what where how why its their his her my your our them him me
    us we you i each every all other another same too also again now still only own very really
    just quite rather some any much many more most few several lot lots such than once
    scene video clip shot show shows showing make makes made create generate please let can
    could would should will shall may might must get gets got go goes going come comes came
    next behind beside between against together slowly quickly fast happily gently suddenly
    while then as when meanwhile until after before something someone's thing things
    it's there's here's what's one's itself himself herself themselves whole around about
    looking look looks seen see sees watch watches watching front side top bottom
    middle edge end line air sky distance background foreground moment way hello goodbye
    ground floor horizon sunlight light shadow shadows world life time finish start"""
# Clothes: their colour is the wearer's ("a man in a red jacket"). Body words only describe.
CLOTHING = frozenset(
    {"shirt", "shirts", "tshirt", "dress", "gown", "jacket", "coat", "hoodie", "sweater",
     "jumper", "skirt", "pants", "jeans", "trousers", "shorts", "uniform", "suit", "costume",
     "outfit", "raincoat", "cape", "cloak", "tuxedo", "robe", "apron", "overalls", "vest"}
)  # fmt: skip
BODY_WORDS = frozenset(
    {"hair", "eyes", "eye", "beard", "moustache", "mustache", "face", "hands", "hand", "arms",
     "arm", "legs", "leg", "smile", "fur", "whiskers", "tail", "ears", "ear", "nose", "skin"}
)  # fmt: skip
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they", "both"})
DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "his", "her", "their",
                      "my", "your", "our"})  # fmt: skip

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "pair": 2, "couple": 2, "dozen": 12, "several": 3, "few": 3,
    "some": 3, "many": 5, "lots": 5, "bunch": 4, "group": 4, "herd": 4, "flock": 4, "pack": 4,
    "twins": 2, "trio": 3, "family": 3, "team": 4,
}  # fmt: skip
IRREGULAR_PLURALS = frozenset({"men", "women", "people", "children", "ladies", "puppies",
                               "balloons", "mice", "geese", "feet"})  # fmt: skip


@dataclass(frozen=True)
class Cleaned:
    text: str  # cleaned prompt with quotes replaced by \x00Q<n>\x00 placeholders
    quotes: tuple[str, ...]  # dialogue text, printable, each at most MAX_LINE_CHARS
    dropped_quotes: int  # lines past MAX_LINES


def check_length(prompt: object) -> str:
    if not isinstance(prompt, str):
        raise GenerationError("invalid_prompt", "The prompt must be text.")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise GenerationError(
            "prompt_too_long",
            f"The prompt is {len(prompt)} characters long; the limit is {MAX_PROMPT_CHARS}.",
        )
    if not prompt.strip():
        raise GenerationError("empty_prompt", "The prompt is empty: describe a scene.")
    return prompt


def strip_markup_and_controls(text: str) -> str:
    """NFKC, entities decoded, script/style blocks and tags removed, control and format
    characters (bidi marks, zero-width joiners) dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = html.unescape(text)
    text = _SCRIPT_BLOCK.sub(" ", text)
    text = _TAG.sub(" ", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\t":
            kept.append("\n" if char == "\n" else " ")
        elif category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif category.startswith("C"):  # Cf, Co, Cs, Cn: invisible or unassigned
            continue
        else:
            kept.append(char)
    return re.sub(r"[ \u00a0\u2000-\u200a\u3000]+", " ", "".join(kept)).strip()


def clean_line(text: str) -> str:
    """A dialogue line the speech stage can say: printable, one line, bounded."""
    text = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_LINE_CHARS:
        cut = text[:MAX_LINE_CHARS]
        space = cut.rfind(" ")
        text = (cut[:space] if space > MAX_LINE_CHARS // 2 else cut).rstrip(" ,;:")
    return text


def lift_quotes(text: str) -> Cleaned:
    quotes: list[str] = []
    dropped = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal dropped
        line = clean_line(next(group for group in match.groups() if group is not None))
        if not any(ch.isalnum() for ch in line):
            return " "
        if len(quotes) >= MAX_LINES:
            dropped += 1
            return " "
        quotes.append(line)
        return f" \x00Q{len(quotes) - 1}\x00 "

    return Cleaned(text=_QUOTE.sub(replace, text), quotes=tuple(quotes), dropped_quotes=dropped)


def find_handles(text: str) -> list[tuple[int, int, str]]:
    """(start, end, handle) of every @mention, trailing dots trimmed."""
    found = []
    for match in _HANDLE.finditer(text):
        handle = match.group(1).rstrip(".-")
        found.append((match.start(), match.start() + 1 + len(handle), handle))
    return found


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens, placeholders and clause-breaking punctuation. Hyphenated words
    split into parts ("slow-motion" -> "slow", "motion"); apostrophes stay inside words."""
    tokens = _TOKEN.findall(text.replace("-", " "))
    return [t if t.startswith("\x00") else t.lower().replace("\u2019", "'") for t in tokens][
        :MAX_TOKENS
    ]


def is_break(token: str) -> bool:
    return token in _BREAK_PUNCTUATION or token in CLAUSE_WORDS


def stem(word: str) -> str:
    """A small, consistent suffix stripper; the vocabulary is indexed with the same function,
    so it only has to map inflections of one word together, not produce real lemmas."""
    if len(word) <= 3 or not word.isascii():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses") or word.endswith(("xes", "ches", "shes", "zzes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # running -> run, hopped -> hop
            break
    if word.endswith("e") and len(word) > 3 and not word.endswith("ee"):
        word = word[:-1]
    return word


def normalize_phrase(phrase: str) -> str:
    """How a vocabulary phrase is keyed: the same tokens a prompt would produce."""
    return " ".join(tokenize(phrase))


def is_plural(word: str) -> bool:
    if word in IRREGULAR_PLURALS:
        return True
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word.isascii()
    )
