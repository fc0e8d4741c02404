"""The Drafts page adds cards for jobs started elsewhere: the websocket announces the new job
with its video id and draft status, and the page fetches that draft's card (owner only)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.videos.factories import GenerationJobFactory, VideoFactory
from tests.videos.ws import communicator, session_cookie
from videos.models import GenerationJob, Video
from videos.services import generation_request


def _card_url(video: Video) -> str:
    return reverse("videos:draft_card", args=[video.public_id])


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_owner_gets_the_card_of_their_draft() -> None:
    job = GenerationJobFactory(
        video__status=Video.Status.DRAFT_GENERATING,
        video__prompt="a paper plane loops over a schoolyard",
        status=GenerationJob.Status.RUNNING,
        stage="render",
        progress=0.4,
    )
    response = _signed_in(job.owner).get(_card_url(job.video))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-video="{job.video.public_id}"' in html
    assert f'data-job="{job.public_id}"' in html
    assert "a paper plane loops over a schoolyard" in html
    assert 'value="40"' in html  # the progress bar as the job row has it
    assert "csrfmiddlewaretoken" in html  # its cancel/delete/publish forms work
    assert "<script" not in html  # CSP: nothing inline
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_someone_elses_draft_is_not_found() -> None:
    draft = VideoFactory(status=Video.Status.DRAFT_READY)
    GenerationJobFactory(video=draft, status=GenerationJob.Status.SUCCEEDED)
    response = _signed_in(UserFactory()).get(_card_url(draft))
    assert response.status_code == 404
    assert draft.prompt not in response.content.decode()


@pytest.mark.django_db
def test_published_unknown_and_anonymous_get_no_card() -> None:
    owner = UserFactory()
    published = VideoFactory(owner=owner, status=Video.Status.PUBLISHED)
    GenerationJobFactory(video=published, status=GenerationJob.Status.SUCCEEDED)
    client = _signed_in(owner)
    assert client.get(_card_url(published)).status_code == 404  # not a draft any more
    assert client.get("/drafts/nosuchvideo/card").status_code == 404
    assert client.post(_card_url(published)).status_code == 405
    anonymous = Client().get(_card_url(published))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.django_db
def test_the_drafts_page_says_where_to_fetch_cards() -> None:
    owner = UserFactory()
    page = _signed_in(owner).get(reverse("videos:drafts")).content.decode()
    assert 'data-card-url="/drafts/__video__/card"' in page
    assert 'data-role="no-drafts"' in page  # removed by the script when the first card comes


@pytest.mark.django_db(transaction=True)
def test_a_job_started_in_another_tab_is_announced_with_what_the_card_fetch_needs(
    stub_broker: Any,
) -> None:
    owner, other = UserFactory(), UserFactory()
    cookie, other_cookie = session_cookie(owner), session_cookie(other)

    async def scenario() -> dict[str, Any]:
        drafts_tab, stranger = communicator(cookie), communicator(other_cookie)
        assert (await drafts_tab.connect())[0] and (await stranger.connect())[0]
        seen = {
            "snapshot": await drafts_tab.receive_json_from(timeout=5),
            "stranger_snapshot": await stranger.receive_json_from(timeout=5),
        }
        # Another tab of the same person submits the Create form.
        job = await database_sync_to_async(generation_request)(
            user=owner, prompt="a kite dances above the dunes", duration=5, resolution=480
        )
        seen["event"] = await drafts_tab.receive_json_from(timeout=5)
        seen["stranger_quiet"] = await stranger.receive_nothing(timeout=0.3)
        seen["job"] = job.public_id
        await drafts_tab.disconnect()
        await stranger.disconnect()
        return seen

    seen = async_to_sync(scenario)()
    assert seen["snapshot"]["jobs"] == []
    event = seen["event"]
    assert event["type"] == "job.progress" and event["job"] == seen["job"]
    assert event["status"] == "queued" and event["video_status"] == "draft_generating"
    assert seen["stranger_quiet"]
    # What the page then fetches: the owner gets the card, nobody else does.
    video = Video.objects.get(public_id=event["video"])
    card = _signed_in(owner).get(_card_url(video))
    assert card.status_code == 200 and f'data-job="{seen["job"]}"' in card.content.decode()
    assert _signed_in(other).get(_card_url(video)).status_code == 404
