"""Text normalisation for the prompt rules: the forms a rule is matched against.

Casefolded, accents and zero-width characters stripped, common homoglyphs and leetspeak mapped
back to letters, letters spelled out with spaces or dots joined, punctuation turned into spaces
(so rules match on word boundaries). The last form also spells out chat slang ("kms", "ppl"),
restores dropped g's ("strippin") and glosses common words from a few other languages
("desnuda", "sangre") into English, so the rules and the English-only embedding model see
what the writer meant. Pure: no Django imports.
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


# Words English speakers type in chat, and words from a few other languages that prompts mix
# in, by what they mean (accents are already stripped). Whole words only; the glossed form is
# an extra form, so a wrong gloss can add a match but never hide the original words.
_GLOSSARY: dict[str, str] = {
    # chat slang and abbreviations
    "kms": "kill myself",
    "kys": "kill yourself",
    "unalive": "kill",
    "unalived": "killed",
    "unaliving": "killing",
    "sewerslide": "suicide",
    "ppl": "people",
    "gurl": "girl",
    "grl": "girl",
    "gf": "girlfriend",
    "bf": "boyfriend",
    "bday": "birthday",
    "pics": "pictures",
    "pic": "picture",
    "vid": "video",
    "vids": "videos",
    "pov": "point of view",
    "thinspo": "thinspiration starving skinny",
    "proana": "pro anorexia",
    "nudez": "nudes",
    "noods": "nudes",
    "nekkid": "naked",
    "nekid": "naked",
    "preggo": "pregnant",
    "smut": "porn",
    "lewd": "sexual",
    "lewds": "sexual pictures",
    "yrs": "years",
    "yr": "year",
    "u": "you",
    "ur": "your",
    "w": "with",
    "wif": "with",
    "dat": "that",
    "dis": "this",
    "dem": "them",
    "bc": "because",
    "cuz": "because",
    "tho": "though",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "lil": "little",
    "sis": "sister",
    "bro": "brother",
    # Spanish / Portuguese / Italian / French / German, the words harmful prompts lean on
    "desnudo": "naked",
    "desnuda": "naked",
    "desnudos": "naked",
    "desnudas": "naked",
    "nua": "naked",
    "nue": "naked",
    "nues": "naked",
    "nuda": "naked",
    "nackt": "naked",
    "pelada": "naked",
    "pelado": "naked",
    "sexo": "sex",
    "sesso": "sex",
    "porno": "porn",
    "tetas": "breasts",
    "seins": "breasts",
    "nina": "girl",
    "ninas": "girls",
    "nino": "boy",
    "ninos": "children",
    "menina": "girl",
    "menino": "boy",
    "bambina": "girl",
    "bambino": "boy",
    "enfant": "child",
    "enfants": "children",
    "madchen": "girl",
    "fillette": "little girl",
    "chica": "girl",
    "chico": "boy",
    "adolescente": "teenager",
    "adolescentes": "teenagers",
    "anos": "years old",
    "ans": "years old",
    "jahre": "years old",
    "anni": "years old",
    "mujer": "woman",
    "mujeres": "women",
    "femme": "woman",
    "frau": "woman",
    "hombre": "man",
    "homme": "man",
    "mann": "man",
    "cama": "bed",
    "ducha": "shower",
    "douche": "shower",
    "playa": "beach",
    "plage": "beach",
    "calle": "street",
    "sangre": "blood",
    "sangue": "blood",
    "blut": "blood",
    "muerte": "death",
    "morte": "death",
    "mort": "death",
    "muerto": "dead",
    "muerta": "dead",
    "matar": "kill",
    "tuer": "kill",
    "toten": "kill",
    "uccidere": "kill",
    "asesinato": "murder",
    "meurtre": "murder",
    "apunalado": "stabbed",
    "apunalada": "stabbed",
    "acuchillado": "stabbed",
    "poignarde": "stabbed",
    "poignardee": "stabbed",
    "erstochen": "stabbed",
    "esfaqueado": "stabbed",
    "decapitado": "beheaded",
    "decapite": "beheaded",
    "tortura": "torture",
    "torturado": "tortured",
    "suicidio": "suicide",
    "suicidarse": "kill myself",
    "selbstmord": "suicide",
    "cortarse": "cut myself",
    "bomba": "bomb",
    "bombe": "bomb",
    "casera": "homemade",
    "casero": "homemade",
    "explosivo": "explosive",
    "explosif": "explosive",
    "arma": "weapon",
    "armas": "weapons",
    "pistola": "gun",
    "droga": "drugs",
    "drogas": "drugs",
    "drogue": "drugs",
    "fabricar": "make",
    "fabriquer": "make",
    "hacer": "make",
    "mucha": "a lot of",
    "mucho": "a lot of",
    "puta": "whore",
}
# A dropped final g ("strippin", "takin") is put back, except on common words that really end
# in "in" (the glossed form feeds the embedding model, which should still see "a cabin").
_DROPPED_G = re.compile(r"\b[a-z]{2,}[^aeiou\s]in\b")
_REAL_IN_WORDS = frozenset(
    [
        "cabin",
        "robin",
        "violin",
        "muffin",
        "begin",
        "cousin",
        "margin",
        "origin",
        "basin",
        "raisin",
        "toxin",
        "satin",
        "latin",
        "dolphin",
        "coffin",
        "goblin",
        "napkin",
        "pumpkin",
        "griffin",
        "kevin",
        "martin",
        "justin",
        "austin",
        "berlin",
        "dublin",
        "admin",
        "cumin",
        "vermin",
        "resin",
        "assassin",
        "moccasin",
        "mandolin",
        "insulin",
        "penicillin",
        "aspirin",
        "heroin",
        "kremlin",
        "gremlin",
        "bulletin",
        "zeppelin",
        "javelin",
        "pippin",
        "bumpkin",
        "catkin",
        "gherkin",
        "bodkin",
        "franklin",
        "lincoln",
    ]
)
_GLOSS_WORD = re.compile(r"[a-z]+")
# Phrases glossed before single words.
_PHRASES: dict[str, str] = {
    "jerking off": "masturbating",
    "jerk off": "masturbate",
    "jerks off": "masturbates",
    "jacking off": "masturbating",
    "wanking": "masturbating",
    "wanks": "masturbates",
    "fapping": "masturbating",
    "sin ropa": "without clothes",
    "sem roupa": "without clothes",
    "sans vetements": "without clothes",
    "ohne kleidung": "without clothes",
    "senza vestiti": "without clothes",
    "pro ana": "pro anorexia",
    "pro mia": "pro bulimia",
}
_PHRASE = re.compile(r"\b(?:" + "|".join(map(re.escape, _PHRASES)) + r")\b")


def _restore_g(match: re.Match[str]) -> str:
    word = match.group(0)
    return word if word in _REAL_IN_WORDS else word + "g"


def _gloss(text: str) -> str:
    text = _DROPPED_G.sub(_restore_g, text)
    text = _PHRASE.sub(lambda m: _PHRASES[m.group(0)], text)
    return _GLOSS_WORD.sub(lambda m: _GLOSSARY.get(m.group(0), m.group(0)), text)


def forms(text: str) -> tuple[str, ...]:
    """Distinct word-forms of `text` to match rules against (plain first, glossed last)."""
    plain = base(text)
    deleet = _TOKEN.sub(lambda m: _deleet_token(m.group(0)), plain)
    joined = _SPELLED.sub(lambda m: re.sub(r"[\s.\-_*·]+", "", m.group(0)), deleet)
    squeezed = _REPEATS.sub(r"\1", joined)
    glossed = _gloss(words(squeezed))
    out: list[str] = []
    for variant in (plain, deleet, joined, squeezed, glossed):
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
