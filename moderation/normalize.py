"""Text normalisation for the prompt rules: the forms a rule is matched against.

Casefolded, accents and zero-width characters stripped, common homoglyphs and leetspeak mapped
back to letters, letters spelled out with spaces or dots joined, punctuation turned into spaces
(so rules match on word boundaries). Pure: no Django imports.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u034f"),
    None,
)
# Cyrillic and Greek letters that look like Latin ones.
_HOMOGLYPHS = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0445\u0443\u0456\u0458\u0455\u043a"
    "\u043c\u0442\u0432\u043d\u03b1\u03b5\u03bf\u03c1\u03b9\u03ba\u03bd\u03c4",
    "aeopcxyijskmtbhaeopikvt",
)
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
        "\u20ac": "e",
    }
)
_LEET_CHARS = set("0134578@$!|+\u20ac")
_TOKEN = re.compile(r"\S+")
# Three or more single letters separated by spaces or punctuation: "n a k e d", "n.a.k.e.d".
_SPELLED = re.compile(r"(?<![\w])(?:[a-z][\s.\-_*·]+){2,}[a-z](?![\w])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def base(text: str) -> str:
    """Casefold, strip accents, invisible characters and homoglyphs."""
    text = text.translate(_INVISIBLE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold().translate(_HOMOGLYPHS)


def _deleet_token(token: str) -> str:
    has_alpha = any(ch.isalpha() for ch in token)
    if has_alpha and any(ch in _LEET_CHARS for ch in token):
        return token.translate(_LEET)
    return token


def words(text: str) -> str:
    """Punctuation to single spaces, padded so ` term ` matches at the edges too."""
    return " " + _NON_WORD.sub(" ", text).strip() + " "


def forms(text: str) -> tuple[str, ...]:
    """Distinct word-forms of `text` to match rules against (plain first)."""
    plain = base(text)
    deleet = _TOKEN.sub(lambda m: _deleet_token(m.group(0)), plain)
    joined = _SPELLED.sub(lambda m: re.sub(r"[\s.\-_*·]+", "", m.group(0)), deleet)
    squeezed = _REPEATS.sub(r"\1", joined)
    out: list[str] = []
    for variant in (plain, deleet, joined, squeezed):
        w = words(variant)
        if w not in out:
            out.append(w)
    return tuple(out)


def plain_words(text: str) -> str:
    return words(base(text))


def name_pattern(name: str) -> str:
    """A regex fragment for a listed name: words in order, any punctuation or none between."""
    parts = plain_words(name).split()
    return r"\s?".join(re.escape(p) for p in parts)
