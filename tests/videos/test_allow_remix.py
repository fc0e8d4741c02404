"""The owner's "Allow remixes" setting: on by default, off for teens until they turn it on;
set at publish, on the video page and through the API; when off, no Remix button and no remix."""

from __future__ import annotations

import pytest
from django.test import Client

from sora_site.api.services import pat_create
from tests.factories import TeenFactory, UserFactory
from tests.videos.factories import GenerationJobFactory, VideoFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db

PLAN = {"prompt": "a cat", "setting": "studio", "style": "cinematic", "subjects": []}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _published(**fields: object) -> Video:
    return VideoFactory(status=Video.Status.PUBLISHED, plan=PLAN, **fields)


def _remix_link(video: Video) -> str:
    return f'href="/v/{video.public_id}/remix"'


def test_the_remix_button_shows_only_while_remixes_are_allowed() -> None:
    video = _published()
    viewer = _client(UserFactory())
    assert _remix_link(video) in viewer.get(f"/v/{video.public_id}/").content.decode()
    owner = _client(video.owner)
    response = owner.post(f"/v/{video.public_id}/settings", {})  # box unticked: off
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.allow_remix is False
    assert _remix_link(video) not in viewer.get(f"/v/{video.public_id}/").content.decode()
    refused = viewer.post(f"/v/{video.public_id}/remix", {"edit": "make it claymation"})
    assert refused.status_code == 403 and "turned remixing off" in refused.content.decode()
    assert Video.objects.count() == 1
    owner.post(f"/v/{video.public_id}/settings", {"allow_remix": "1"})
    video.refresh_from_db()
    assert video.allow_remix is True
    assert _remix_link(video) in viewer.get(f"/v/{video.public_id}/").content.decode()


def test_only_the_owner_sees_and_may_use_the_setting() -> None:
    video = _published()
    page = _client(video.owner).get(f"/v/{video.public_id}/").content.decode()
    assert f'action="/v/{video.public_id}/settings"' in page
    stranger = _client(UserFactory())
    assert (
        f"/v/{video.public_id}/settings"
        not in stranger.get(f"/v/{video.public_id}/").content.decode()
    )
    assert stranger.post(f"/v/{video.public_id}/settings", {}).status_code == 404
    video.refresh_from_db()
    assert video.allow_remix is True
    anonymous = Client().post(f"/v/{video.public_id}/settings", {})
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_a_teen_may_turn_remixes_on_for_their_video() -> None:
    teen = TeenFactory()
    video = _published(owner=teen, allow_remix=False)  # what draft_create gives a teen
    _client(teen).post(f"/v/{video.public_id}/settings", {"allow_remix": "1"})
    video.refresh_from_db()
    assert video.allow_remix is True


def test_the_publish_form_carries_the_drafts_setting() -> None:
    teen = TeenFactory()
    draft = VideoFactory(owner=teen, status=Video.Status.DRAFT_READY, allow_remix=False)
    GenerationJobFactory(video=draft, status=GenerationJob.Status.SUCCEEDED)
    client = _client(teen)
    page = client.get("/drafts/").content.decode()
    box = page[page.index('name="allow_remix"') - 40 : page.index('name="allow_remix"') + 40]
    assert "checked" not in box  # a teen's draft starts closed to remixes
    client.post(
        f"/drafts/{draft.public_id}/publish",
        {"caption": "", "visibility": "public", "allow_remix": "1"},
    )
    draft.refresh_from_db()
    assert draft.status == Video.Status.PUBLISHED and draft.allow_remix is True

    adult_draft = VideoFactory(status=Video.Status.DRAFT_READY)
    _client(adult_draft.owner).post(
        f"/drafts/{adult_draft.public_id}/publish", {"caption": "", "visibility": "public"}
    )
    adult_draft.refresh_from_db()
    assert adult_draft.is_published and adult_draft.allow_remix is False  # box left unticked


def _api(user: object, scopes: list[str]) -> Client:
    _, token = pat_create(user=user, name="test", scopes=scopes)  # type: ignore[arg-type]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_reads_and_changes_the_setting() -> None:
    video = _published()
    api = _api(video.owner, ["videos:read", "videos:write"])
    response = api.patch(
        f"/api/v1/videos/{video.public_id}", {"allow_remix": False}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["allow_remix"] is False
    assert api.get(f"/api/v1/videos/{video.public_id}").json()["allow_remix"] is False
    bad = api.patch(
        f"/api/v1/videos/{video.public_id}",
        {"allow_remix": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    other = _api(UserFactory(), ["videos:read", "videos:write"])
    response = other.patch(
        f"/api/v1/videos/{video.public_id}", {"allow_remix": True}, content_type="application/json"
    )
    assert response.status_code == 404
    video.refresh_from_db()
    assert video.allow_remix is False


def test_publishing_through_the_api_keeps_or_sets_the_setting() -> None:
    teen_draft = VideoFactory(
        owner=TeenFactory(), status=Video.Status.DRAFT_READY, allow_remix=False
    )
    api = _api(teen_draft.owner, ["videos:write"])
    body = api.post(
        f"/api/v1/videos/{teen_draft.public_id}/publish", {}, content_type="application/json"
    ).json()
    assert body["allow_remix"] is False  # left out: the draft's setting stays
    draft = VideoFactory(status=Video.Status.DRAFT_READY)
    api = _api(draft.owner, ["videos:write"])
    body = api.post(
        f"/api/v1/videos/{draft.public_id}/publish",
        {"allow_remix": False},
        content_type="application/json",
    ).json()
    assert body["allow_remix"] is False
