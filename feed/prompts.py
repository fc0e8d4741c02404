"""Ready prompts for the "Make your own" card: a nudge to create instead of scrolling on."""

from __future__ import annotations

PROMPTS = (
    "a golden retriever catches a red ball on the beach at sunset",
    "two friends dance in the rain on a city street at night, neon style",
    'a chef flips pancakes in a kitchen and says "breakfast is served!"',
    "three rubber balls bounce down a snowy mountain, claymation",
    "an astronaut waves from the moon, slow motion",
    "a cat knocks a glass off the table in a cozy studio, anime",
)


def make_your_own_prompts() -> tuple[str, ...]:
    return PROMPTS
