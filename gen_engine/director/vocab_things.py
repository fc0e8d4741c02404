"""Vocabulary of actions, colours, sizes and materials.

Synonyms are matched exactly (after stemming "jumping" -> "jump"); anything else is compared
with each term's phrases and description by the embedding model.
"""

from __future__ import annotations

from gen_engine.director.terms import ACTION, COLOR, MATERIAL, SIZE, ColorTerm, SizeTerm, Term


def _action(name: str, synonyms: tuple[str, ...], description: str, **extra: object) -> Term:
    implies = extra.get("implies", ())
    assert isinstance(implies, tuple)
    return Term(
        category=ACTION, name=name, synonyms=synonyms, description=description, implies=implies
    )


ACTIONS: tuple[Term, ...] = (
    _action(
        "idle",
        (
            "stand",
            "stood",
            "wait",
            "stay",
            "pose",
            "rest",
            "relax",
            "chill",
            "linger",
            "hang out",
            "play",
            "parked",
            "waiting",
            "frolic",
            "idling",
        ),
        "standing still, doing nothing in particular",
    ),
    _action(
        "walk",
        ("stroll", "wander", "march", "hike", "pace", "strut", "tiptoe", "step", "walked", "trek"),
        "walking on foot at a steady pace",
    ),
    _action(
        "run",
        (
            "ran",
            "jog",
            "race",
            "chase",
            "dash",
            "rush",
            "flee",
            "hurry",
            "gallop",
            "sprint",
            "scamper",
            "scurry",
            "bolt",
        ),
        "running fast on foot",
    ),
    _action(
        "jump",
        ("hop", "leap", "leapt", "vault", "skip", "pounce", "jumping jacks", "bound"),
        "jumping up into the air",
    ),
    _action(
        "flip",
        (
            "backflip",
            "frontflip",
            "somersault",
            "cartwheel",
            "handspring",
            "do a flip",
            "does a flip",
        ),
        "flipping over in the air, a somersault",
    ),
    _action(
        "fall",
        (
            "fell",
            "fallen",
            "tumble",
            "trip",
            "topple",
            "collapse",
            "drop",
            "slip",
            "crash",
            "plummet",
            "plunge",
        ),
        "falling down to the ground",
    ),
    _action("roll", ("rolled", "rolling"), "rolling along the ground"),
    _action("bounce", ("bouncing", "bounced", "boing"), "bouncing up and down off the ground"),
    _action(
        "throw",
        (
            "threw",
            "thrown",
            "toss",
            "pitch",
            "hurl",
            "lob",
            "fling",
            "juggle",
            "shoot",
            "shot",
            "dunk",
        ),
        "throwing something through the air",
    ),
    _action("kick", ("punt", "kicked", "dribble"), "kicking something with a foot"),
    _action(
        "dance",
        ("groove", "boogie", "breakdance", "tango", "waltz", "salsa", "disco"),
        "dancing to music",
    ),
    _action(
        "wave", ("waving", "waved", "greet", "salute", "beckon"), "waving a hand hello or goodbye"
    ),
    _action(
        "talk",
        (
            "say",
            "said",
            "speak",
            "spoke",
            "chat",
            "tell",
            "told",
            "ask",
            "shout",
            "yell",
            "whisper",
            "explain",
            "announce",
            "reply",
            "answer",
            "exclaim",
            "scream",
            "cry out",
            "call out",
            "mutter",
            "argue",
        ),
        "talking, saying something out loud",
    ),
    _action(
        "spin",
        ("spun", "twirl", "rotate", "whirl", "pirouette", "turn around"),
        "spinning round and round",
    ),
    _action(
        "fly",
        ("flew", "flown", "soar", "glide", "hover", "flutter", "float", "flap"),
        "flying through the air",
    ),
    _action("swim", ("swam", "swum", "dive", "paddle", "snorkel"), "swimming in water"),
    _action(
        "ride",
        (
            "rode",
            "ridden",
            "skate",
            "skateboarding",
            "surf",
            "cycle",
            "pedal",
            "snowboarding",
            "biking",
            "cycling",
        ),
        "riding a bike, skateboard, board or horse",
        implies=(),
    ),
    _action(
        "drive",
        ("drove", "driven", "steer", "speed", "cruise", "accelerate", "sail", "row", "motor along"),
        "driving a vehicle along a road",
    ),
    _action(
        "slide",
        ("slid", "skid", "sled", "sledding", "ski", "skiing", "toboggan", "slip and slide"),
        "sliding along a slippery surface",
    ),
    _action(
        "sit",
        (
            "sat",
            "seated",
            "kneel",
            "crouch",
            "squat",
            "lie",
            "lay",
            "lying",
            "sleep",
            "slept",
            "nap",
            "snooze",
            "doze",
            "lounge",
        ),
        "sitting or lying down",
    ),
    _action(
        "sing",
        ("sang", "sung", "hum", "rap", "serenade"),
        "singing a song",
        implies=(("sound", "music"),),
    ),
)


def _color(name: str, rgb: tuple[int, int, int], synonyms: tuple[str, ...] = ()) -> ColorTerm:
    return ColorTerm(
        category=COLOR, name=name, rgb=rgb, synonyms=synonyms, description=f"the colour {name}"
    )


COLORS: tuple[ColorTerm, ...] = (
    _color(
        "red",
        (215, 40, 40),
        ("scarlet", "cherry", "ruby", "crimson", "maroon", "burgundy", "brick red"),
    ),
    _color("orange", (245, 130, 30), ("tangerine", "amber")),
    _color("yellow", (245, 205, 40), ("lemon", "mustard")),
    _color("gold", (212, 170, 55), ("golden",)),
    _color("green", (55, 165, 75), ("emerald", "forest green", "olive")),
    _color("lime", (150, 220, 50), ("lime green", "chartreuse")),
    _color("teal", (0, 128, 128), ()),
    _color("cyan", (0, 195, 215), ("turquoise", "aqua", "light blue", "sky blue")),
    _color("blue", (40, 90, 215), ("cobalt", "royal blue", "azure", "sapphire", "indigo")),
    _color("navy", (25, 35, 95), ("navy blue", "dark blue", "midnight blue")),
    _color("purple", (125, 60, 180), ("violet", "lavender", "lilac", "plum")),
    _color("pink", (240, 120, 170), ("rose", "hot pink", "salmon pink")),
    _color("magenta", (215, 40, 160), ("fuchsia",)),
    _color("brown", (120, 75, 40), ("chocolate", "chestnut", "coffee", "copper brown", "rust")),
    _color("tan", (205, 175, 135), ("beige", "sandy", "khaki", "cream")),
    _color("black", (25, 25, 28), ("jet black", "ebony")),
    _color("white", (240, 240, 236), ("snow white", "ivory", "pale")),
    _color("gray", (128, 128, 128), ("grey", "ash")),
    _color("silver", (190, 192, 200), ("chrome",)),
)


def _size(name: str, scale: float, synonyms: tuple[str, ...], description: str) -> SizeTerm:
    return SizeTerm(
        category=SIZE, name=name, scale=scale, synonyms=synonyms, description=description
    )


SIZES: tuple[SizeTerm, ...] = (
    _size(
        "tiny",
        0.4,
        ("miniature", "mini", "itty bitty", "teeny", "microscopic", "minuscule"),
        "very very small",
    ),
    _size("small", 0.7, ("little", "smaller", "short", "petite"), "smaller than usual"),
    _size(
        "big",
        1.5,
        ("large", "bigger", "tall", "larger", "oversized", "fat", "chunky"),
        "bigger than usual",
    ),
    _size(
        "huge",
        2.2,
        ("giant", "enormous", "massive", "gigantic", "colossal", "towering", "jumbo", "immense"),
        "extremely large, gigantic",
    ),
)


def _material(name: str, synonyms: tuple[str, ...], description: str) -> Term:
    return Term(category=MATERIAL, name=name, synonyms=synonyms, description=description)


MATERIALS: tuple[Term, ...] = (
    _material("rubber", ("rubbery", "bouncy", "latex", "inflatable"), "soft bouncy rubber"),
    _material("wood", ("wooden", "timber", "oak", "pine", "bamboo"), "made of wood"),
    _material(
        "metal",
        ("metallic", "steel", "iron", "aluminium", "aluminum", "copper", "brass", "tin"),
        "made of hard metal",
    ),
    _material("glass", ("crystal", "transparent", "glassy"), "made of fragile glass"),
    _material(
        "cloth",
        (
            "fabric",
            "cotton",
            "wool",
            "woolen",
            "knitted",
            "plush",
            "stuffed",
            "furry",
            "fluffy",
            "velvet",
            "leather",
        ),
        "made of soft cloth or fabric",
    ),
    _material("plastic", ("plastic", "toy", "vinyl", "lego"), "made of plastic"),
    _material(
        "stone",
        ("rock", "marble stone", "granite", "concrete", "brick", "rocky"),
        "made of heavy stone",
    ),
    _material("paper", ("cardboard", "paper", "origami"), "made of paper or cardboard"),
    _material("flesh", ("living", "organic"), "a living body of flesh"),
)
