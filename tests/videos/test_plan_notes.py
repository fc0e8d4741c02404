"""The draft card says in plain words what the engine could not draw as the prompt said it
(issue 18): the plan's not-drawn list and the words it did not understand, read from the plan
the real engine stored, on the Drafts page and in the card the page fetches."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import gen_engine
from tests.videos.factories import GenerationJobFactory
from videos.models import Video
from videos.runner import job_run

pytestmark = pytest.mark.django_db


def _drafts_html(video: Video) -> tuple[str, str]:
    client = Client()
    client.force_login(video.owner)
    page = client.get(reverse("videos:drafts")).content.decode()
    card = client.get(reverse("videos:draft_card", args=[video.public_id])).content.decode()
    return page, card


def test_a_noun_without_a_figure_is_named_on_the_draft_card(engine: Any) -> None:
    engine(gen_engine.generate)  # the real engine, at the factory's small size
    job = GenerationJobFactory(video__prompt="a purple zorblat wobbles beside a dog in a park")
    job_run(job.pk)
    video = Video.objects.get(pk=job.video.pk)
    assert video.status == Video.Status.DRAFT_READY
    assert [n["phrase"] for n in video.plan["not_drawn"]] == ["zorblat"]
    for html in _drafts_html(video):
        assert "Not drawn as written:" in html
        assert "zorblat - shown as a plain shape - no figure for it yet" in html
        assert "Words the engine did not understand: wobbles" in html


def test_a_prompt_drawn_in_full_has_no_notes(engine: Any) -> None:
    engine(gen_engine.generate)
    job = GenerationJobFactory(video__prompt="a red ball bounces down stone stairs")
    job_run(job.pk)
    video = Video.objects.get(pk=job.video.pk)
    assert video.plan["fixtures"][0]["name"] == "stairs"
    for html in _drafts_html(video):
        assert "Not drawn as written:" not in html
        assert 'data-role="plan-notes" hidden' in html  # the place the page fills in live


@pytest.mark.parametrize(
    "plan",
    [{}, {"not_drawn": 7, "unrecognized": "abc"}, {"not_drawn": ["x", {"reason": "r"}]},
     {"not_drawn": [{"phrase": "kazoo", "reason": "no figure"}], "unrecognized": [3, "hum"]}],
)  # fmt: skip
def test_the_card_shows_only_well_formed_notes(plan: dict[str, object]) -> None:
    """A plan stored before this existed, or edited by hand, never breaks the page."""
    job = GenerationJobFactory(video__status=Video.Status.DRAFT_READY, video__plan=plan)
    page, card = _drafts_html(job.video)
    expected = "kazoo" in str(plan)
    for html in (page, card):
        assert ("kazoo - no figure" in html) is expected
        assert ("did not understand: hum" in html) is expected
