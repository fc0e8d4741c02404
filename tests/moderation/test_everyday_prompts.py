"""The prompt check on everyday prompts: at most 1% refused or sent to review.

tests/data/everyday_prompts.csv (710 prompts, `category` column) was written as people type into
a video app - sports, pets, cooking, stunts, costumes, weather, tools, playful violence, parkour,
kitchen knives, fireworks, nature, Halloween, action-movie homages, kids' games, martial arts,
slang and typos - and the check was tuned while looking at its misses there.
tests/data/everyday_prompts_holdout.csv was written after that tuning was finished and never
tuned on; its rate is the honest estimate (docs/PERFORMANCE.md records both).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from moderation import exemplars
from moderation.classifier import check_prompt, warm_up

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_RATE = 0.01


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module", autouse=True)
def _warm():
    warm_up()


def test_everyday_set_is_large_varied_and_separate_from_exemplars():
    rows = _rows("everyday_prompts.csv")
    assert len(rows) >= 500
    categories = Counter(r["category"] for r in rows)
    assert len(categories) >= 20 and min(categories.values()) >= 10
    texts = {r["text"].casefold() for r in rows} | {
        r["text"].casefold() for r in _rows("everyday_prompts_holdout.csv")
    }
    assert [b for b in exemplars.BENIGN if b.casefold() in texts] == []
    # The three prompts the issue saw refused or held.
    for seen in (
        "a person jumps",
        "two dogs play tug of war with a rope",
        "a zombie costume party with friends laughing",
    ):
        assert seen in texts


@pytest.mark.parametrize("name", ["everyday_prompts.csv", "everyday_prompts_holdout.csv"])
def test_everyday_prompts_are_rarely_refused_or_held(name):
    rows = _rows(name)
    offenders = []
    for row in rows:
        decision = check_prompt(row["text"])
        if not decision.allowed:
            offenders.append(
                f"{decision.verdict} {decision.category} ({decision.source} "
                f"{decision.matched or decision.score}): {row['text']}"
            )
    rate = len(offenders) / len(rows)
    print(f"\n{name}: {len(offenders)}/{len(rows)} = {rate:.1%} refused or held")
    assert rate <= MAX_RATE, "\n".join(offenders)
