"""Material and setting tables shared by the physics, the renderer and the foley.

Restitution and friction follow Chipmunk's rule: the value used for a contact is the product of
the two shapes' values, so a rubber ball (0.82) on a concrete floor (0.95) bounces back with
0.78 of its speed and reaches 0.78^2 = 0.61 of its previous apex.
"""

from __future__ import annotations

from dataclasses import dataclass

from gen_engine.catalogue import PLACES, place, thing


@dataclass(frozen=True)
class Material:
    restitution: float
    friction: float
    density: float  # kg / m^3 for a solid body, used to derive masses


MATERIALS: dict[str, Material] = {
    "rubber": Material(0.82, 0.9, 1100.0),
    "plastic": Material(0.55, 0.5, 950.0),
    "leather": Material(0.62, 0.8, 600.0),
    "wood": Material(0.28, 0.6, 600.0),
    "cardboard": Material(0.12, 0.7, 300.0),
    "glass": Material(0.45, 0.3, 2500.0),
    "metal": Material(0.35, 0.4, 7800.0),
    "stone": Material(0.2, 0.7, 2500.0),
    "ice": Material(0.3, 0.03, 900.0),
    "fabric": Material(0.05, 0.9, 300.0),
    "foam": Material(0.25, 0.8, 50.0),
    "flesh": Material(0.1, 0.9, 1000.0),
    "ceramic": Material(0.3, 0.5, 2300.0),
    "wax": Material(0.2, 0.6, 900.0),
    "paper": Material(0.1, 0.6, 700.0),
    "cloth": Material(0.05, 0.9, 300.0),
    # ground surfaces
    "concrete": Material(0.95, 0.9, 2400.0),
    "asphalt": Material(0.9, 0.9, 2400.0),
    "tile": Material(0.95, 0.6, 2400.0),
    "grass": Material(0.7, 0.8, 1200.0),
    "sand": Material(0.35, 0.9, 1600.0),
    "snow": Material(0.2, 0.5, 300.0),
    "water": Material(0.05, 0.2, 1000.0),
    "dirt": Material(0.55, 0.8, 1500.0),
    "floor": Material(0.9, 0.7, 700.0),
    "mud": Material(0.05, 0.95, 1700.0),
}
DEFAULT_MATERIAL = "rubber"

# What the ground is made of in each setting: drives bounces, friction and footstep sounds.
SETTING_GROUND: dict[str, str] = {p.name: p.ground for p in PLACES}
DEFAULT_GROUND = "concrete"
WATER_SETTINGS = frozenset(k for k, v in SETTING_GROUND.items() if v == "water")

ANIMAL_KINDS = frozenset(
    {"dog", "cat", "horse", "cow", "fox", "wolf", "bear", "lion", "tiger", "pig", "sheep",
     "goat", "deer", "rabbit", "mouse", "rat", "elephant", "giraffe", "puppy", "kitten",
     "animal", "dinosaur", "zebra", "donkey", "camel", "panda", "monkey"}
)  # fmt: skip
ROUND_OBJECTS = frozenset(
    {"ball", "balloon", "apple", "orange", "rock", "stone", "egg", "planet", "coin", "wheel",
     "bubble", "snowball", "melon", "watermelon", "globe", "marble", "basketball", "football",
     "soccer ball", "tennis ball", "beach ball", "bowling ball"}
)  # fmt: skip
FLAT_OBJECTS = frozenset(
    {"board", "plank", "surfboard", "skateboard", "snowboard", "log", "table", "book", "tray",
     "sled", "door", "shelf"}
)  # fmt: skip


def material_of(name: str) -> Material:
    return MATERIALS.get(name, MATERIALS[DEFAULT_MATERIAL])


def ground_material(setting: str) -> str:
    found = place(setting)
    return found.ground if found is not None else DEFAULT_GROUND


def is_water(setting: str) -> bool:
    return ground_material(setting) == "water"


def is_animal(kind: str) -> bool:
    row = thing(kind)
    return kind.strip().lower() in ANIMAL_KINDS or (row is not None and row.figure == "quadruped")
