"""The word rules' broader vocabulary: cues that hold for unseen phrasing, not single prompts."""

from __future__ import annotations

import pytest

from moderation import normalize, policy, rules


def _categories(text: str) -> set[str]:
    return {hit.category for hit in rules.evaluate(normalize.forms(text), normalize.base(text))}


def _minor_cue(text: str) -> bool:
    return bool(rules.compiled()["minor"].search(" ".join(normalize.forms(text))))


@pytest.mark.parametrize(
    "text", ["a 7th grader", "an eighth grade girl", "she's 15", "maybe 12", "a lolita"]
)
def test_school_years_and_stated_ages_are_minor_cues(text):
    assert _minor_cue(text)


@pytest.mark.parametrize(
    "text", ["a 12 inch pizza", "about 12 minutes of rain", "a woman aged 30", "a 7 foot giant"]
)
def test_numbers_that_are_not_ages_are_not_minor_cues(text):
    assert not _minor_cue(text)


def test_undressing_a_minor_slowly_is_zero_tolerance_but_a_beach_day_is_not():
    assert policy.MINORS_SEXUAL in _categories("a 9th grader taking off her top slowly")
    assert policy.MINORS_SEXUAL not in _categories("a kid taking off his shirt at the beach")


def test_repeated_phrases_and_phone_numbers_are_spam():
    assert policy.SPAM in _categories("watch my page watch my page watch my page")
    assert policy.SPAM in _categories("text 555 0142 for a deal")
    assert policy.SPAM not in _categories("a song with a chorus, then the chorus again")


def test_calls_against_a_group_and_dehumanising_comparisons_are_hate():
    assert policy.HATE in _categories("get rid of all the immigrants")
    assert policy.HATE in _categories("refugees swarming in like rats")
    assert policy.HATE not in _categories("rats running through a sewer")
