"""What a person may ask for: the engine's vocabulary, as offered on the Create page."""

from __future__ import annotations

from gen_engine.types import ASPECTS, DURATIONS, MAX_PROMPT_CHARS, RESOLUTIONS

STYLES: tuple[str, ...] = ("cinematic", "anime", "claymation", "watercolor", "neon", "noir")
CAMERAS: tuple[str, ...] = (
    "static",
    "pan",
    "tilt",
    "dolly in",
    "dolly out",
    "orbit",
    "handheld",
    "slow motion",
)
AUTO = "auto"  # stored as "": the director chooses from the prompt
DEFAULT_ASPECT = "9:16"
DEFAULT_DURATION = 10
DEFAULT_RESOLUTION = 720
MAX_SEED = 2**31 - 1

__all__ = [
    "ASPECTS",
    "AUTO",
    "CAMERAS",
    "DEFAULT_ASPECT",
    "DEFAULT_DURATION",
    "DEFAULT_RESOLUTION",
    "DURATIONS",
    "MAX_PROMPT_CHARS",
    "MAX_SEED",
    "RESOLUTIONS",
    "STYLES",
]
