"""Hostile prompts: each gives a plan/clip or a GenerationError, never another exception.

All 500 go through validation and the director, the first 25 plans with dialogue through speech
too; a sample of ten goes all the way to a decoded clip, at a tiny size to stay fast.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import decode_clip

from gen_engine import GenerationError, GenerationSpec
from gen_engine.director import plan_scene
from gen_engine.pipeline import generate_unchecked, validate_spec
from gen_engine.speech import synthesize_dialogue

# Codes a hostile prompt may legitimately earn; engine_failure would mean a stage crashed.
REFUSALS = {"empty_prompt", "prompt_too_long", "invalid_prompt", "unintelligible_prompt"}

_PIECES = [
    "a dog jumps", "🐶🎉🔥", "كلب يقفز على الشاطئ", "כלב קופץ", "\u202etxet desrever",
    "\u200b\u200c\u200d\ufeff", "<script>alert(1)</script>", "<speak><break time='9s'/></speak>",
    "**bold** _it_ `code`", '{"json": [1, 2]}', "'; DROP TABLE videos; --", "!!!???...",
    '"', '""', 'says "', '"unclosed quote', "\x00\x01\x07\x1b[31m", "\t\n\r\x0b\x0c",
    "a ball " * 50, "Ω≈ç√∫µ≤≥÷", "\uff21\uff22\uff23\u3000\uff44", "\ud800", "%s %d {0} ${x}",
    "../../etc/passwd",
    'he says "' + "la " * 300 + '"', "🏳️‍🌈👨‍👩‍👧‍👦", "a cat" + "\u0301" * 40, "0" * 60,
]  # fmt: skip


def hostile_prompts(count: int = 500) -> list[str]:
    rng = random.Random(20261126)
    prompts = ["", " ", "\n\t", "x" * 20_000, "😀" * 20_000, "!" * 2_001, "?!.,;:" * 10]
    prompts += _PIECES
    while len(prompts) < count:
        parts = rng.sample(_PIECES, rng.randint(1, 4))
        joiner = rng.choice([" ", "", "\n", " says "])
        prompts.append(joiner.join(parts))
    return prompts[:count]


def test_five_hundred_hostile_prompts_plan_or_refuse() -> None:
    outcomes = {"planned": 0, "refused": 0, "spoken": 0}
    for prompt in hostile_prompts():
        spec = GenerationSpec(prompt=prompt, duration=5, resolution=480)
        try:
            validate_spec(spec)
            plan = plan_scene(prompt, seed=0)
            if plan.dialogue and outcomes["spoken"] < 25:
                outcomes["spoken"] += 1
                for line in synthesize_dialogue(plan, 5.0, 24):
                    assert line.start >= 0.0 and line.start + line.duration <= 5.0
        except GenerationError as error:
            assert error.code in REFUSALS, (prompt[:80], error.code, error.message)
            outcomes["refused"] += 1
        else:
            outcomes["planned"] += 1
    assert outcomes["planned"] > 300 and outcomes["refused"] >= 6 and outcomes["spoken"] == 25


SAMPLE = [
    "🐶🎉🔥 jumps on a beach",
    "كلب يقفز على الشاطئ",
    "\u202etxet desrever a cat",
    "<script>alert(1)</script> a ball bounces",
    'he says "' + "la " * 300 + '"',
    '"unclosed quote and a dog',
    "\x00\x01\x07\x1b[31m a box falls",
    "!!!???...",
    "a ball " * 50,
    "🏳️‍🌈👨‍👩‍👧‍👦 a girl dances",
]


@pytest.mark.parametrize("prompt", SAMPLE, ids=range(len(SAMPLE)))
def test_hostile_prompts_make_a_valid_clip_or_refuse(prompt: str, tmp_path: Path) -> None:
    spec = GenerationSpec(prompt=prompt, duration=1, resolution=144)
    try:
        result = generate_unchecked(spec, tmp_path)
    except GenerationError as error:
        assert error.code in REFUSALS, (error.code, error.message)
        assert list(tmp_path.iterdir()) == []
        return
    clip = decode_clip(result.video_path)
    assert (clip.width, clip.height, clip.frame_count) == (144, 256, 24)
    assert clip.audio_codec == "aac" and abs(clip.audio_duration - 1.0) <= 1 / 24
