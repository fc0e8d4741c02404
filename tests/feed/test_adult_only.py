"""Adult-only videos: set by the owner at publish (page and API) or by staff in admin, and never
shown to a teen - feed page, feed API, profile grid, video page, API detail, lineage - nor to a
signed-out visitor (whose age is unknown). Adults see them everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.utils import timezone

from tests.api.builders import video_in
from tests.api.conftest import client_for
from tests.factories import TeenFactory, UserFactory
from tests.feed.factories import PublishedVideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def _browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _remix_of(parent: Video) -> Video:
    return Video.objects.create(
        owner=UserFactory(),
        prompt="the same scene, at night",
        status=Video.Status.PUBLISHED,
        published_at=timezone.now(),
        parent=parent,
        root=parent,
        depth=1,
        lineage_path=f"{parent.pk}/",
    )


def _where_shown(video: Video, viewer: Any) -> dict[str, bool]:
    """Where `video` shows for `viewer` (None: a signed-out visitor), through HTTP only."""
    browser = _browser(viewer) if viewer is not None else Client()
    handle, public_id = video.owner.handle, video.public_id
    remix = Video.objects.get(parent=video)
    shown = {
        "feed": public_id in browser.get("/feed/").content.decode(),
        "profile": public_id in browser.get(f"/@{handle}").content.decode(),
        "page": browser.get(f"/v/{public_id}/").status_code == 200,
        "media": browser.get(f"/media/v/{public_id}/video").status_code in (200, 206),
        "lineage": public_id in browser.get(f"/v/{remix.public_id}/lineage").content.decode(),
    }
    if viewer is not None:
        api = client_for(viewer)
        shown |= {
            "api_feed": public_id in str(api.get("/api/v1/feed").json()),
            "api_user_videos": public_id in str(api.get(f"/api/v1/users/{handle}/videos").json()),
            "api_detail": api.get(f"/api/v1/videos/{public_id}").status_code == 200,
        }
    return shown


@pytest.fixture
def adult_video() -> Video:
    video = video_in(UserFactory(handle="grown_maker"), Video.Status.PUBLISHED)
    Video.objects.filter(pk=video.pk).update(adult_only=True)
    video.refresh_from_db()
    _remix_of(video)
    return video


def test_a_teen_never_sees_an_adult_only_video(adult_video: Video) -> None:
    shown = _where_shown(adult_video, TeenFactory())
    assert shown == dict.fromkeys(shown, False)


def test_an_adult_sees_it_everywhere(adult_video: Video) -> None:
    shown = _where_shown(adult_video, UserFactory())
    assert shown == dict.fromkeys(shown, True)


def test_a_signed_out_visitor_does_not_see_it(adult_video: Video) -> None:
    shown = _where_shown(adult_video, None)
    assert shown == dict.fromkeys(shown, False)


def test_a_teen_still_sees_ordinary_videos_of_the_same_creator(adult_video: Video) -> None:
    ordinary = video_in(adult_video.owner, Video.Status.PUBLISHED)
    _remix_of(ordinary)
    shown = _where_shown(ordinary, TeenFactory())
    assert shown == dict.fromkeys(shown, True)


def test_the_teen_refusal_is_the_same_404_as_a_missing_video(adult_video: Video) -> None:
    teen = _browser(TeenFactory())
    refused = teen.get(f"/v/{adult_video.public_id}/")
    missing = teen.get("/v/doesnotexist/")
    assert refused.status_code == missing.status_code == 404
    api_refused = client_for(TeenFactory()).get(f"/api/v1/videos/{adult_video.public_id}")
    assert api_refused.status_code == 404
    assert api_refused.json()["code"] == "not_found"


def test_a_teen_cannot_like_or_comment_on_it_by_url(adult_video: Video) -> None:
    teen = _browser(TeenFactory())
    liked = teen.post(f"/feed/v/{adult_video.public_id}/like", {"liked": "true"})
    assert liked.status_code == 404
    assert not adult_video.likes.exists()


def test_the_feed_page_size_is_kept_when_adult_only_videos_are_skipped(settings: Any) -> None:
    settings.FEED_PAGE_SIZE = 5
    PublishedVideoFactory.create_batch(6, adult_only=True)
    ordinary = PublishedVideoFactory.create_batch(5)
    body = _browser(TeenFactory()).get("/feed/").content.decode()
    assert body.count('class="feed-video"') == 5
    assert all(video.public_id in body for video in ordinary)


def test_a_teen_creator_still_sees_their_own_adult_only_video() -> None:
    teen = TeenFactory()
    video = PublishedVideoFactory(owner=teen, adult_only=True)
    browser = _browser(teen)
    assert browser.get(f"/v/{video.public_id}/").status_code == 200
    assert video.public_id in browser.get(f"/@{teen.handle}").content.decode()


def test_the_owner_marks_it_adult_only_on_the_publish_form() -> None:
    owner = UserFactory()
    draft = video_in(owner, Video.Status.DRAFT_READY)
    browser = _browser(owner)
    assert 'name="adult_only"' in browser.get("/drafts/").content.decode()
    response = browser.post(
        f"/drafts/{draft.public_id}/publish",
        {"caption": "", "visibility": "public", "adult_only": "1"},
    )
    assert response.status_code == 302
    assert _browser(UserFactory()).get(f"/v/{draft.public_id}/").status_code == 200
    assert _browser(TeenFactory()).get(f"/v/{draft.public_id}/").status_code == 404


def test_publishing_without_the_box_leaves_it_for_everyone() -> None:
    owner = UserFactory()
    draft = video_in(owner, Video.Status.DRAFT_READY)
    _browser(owner).post(f"/drafts/{draft.public_id}/publish", {"visibility": "public"})
    assert _browser(TeenFactory()).get(f"/v/{draft.public_id}/").status_code == 200


def test_the_api_publishes_adult_only_and_shows_the_flag_read_only() -> None:
    owner = UserFactory()
    draft = video_in(owner, Video.Status.DRAFT_READY)
    api = client_for(owner)
    published = api.post(
        f"/api/v1/videos/{draft.public_id}/publish",
        {"adult_only": True},
        content_type="application/json",
    )
    assert published.status_code == 200 and published.json()["adult_only"] is True
    assert api.get(f"/api/v1/videos/{draft.public_id}").json()["adult_only"] is True
    assert client_for(TeenFactory()).get(f"/api/v1/videos/{draft.public_id}").status_code == 404


def test_the_api_refuses_a_flag_that_is_not_a_boolean() -> None:
    owner = UserFactory()
    draft = video_in(owner, Video.Status.DRAFT_READY)
    response = client_for(owner).post(
        f"/api/v1/videos/{draft.public_id}/publish",
        {"adult_only": "sometimes"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Video.objects.get(pk=draft.pk).status == Video.Status.DRAFT_READY


def test_staff_mark_and_clear_it_from_the_admin_list() -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    video = PublishedVideoFactory()
    browser = _browser(admin)
    teen = _browser(TeenFactory())

    def act(action: str) -> None:
        response = browser.post(
            "/admin/videos/video/", {"action": action, ACTION_CHECKBOX_NAME: [str(video.pk)]}
        )
        assert response.status_code == 302

    act("mark_adult_only")
    assert teen.get(f"/v/{video.public_id}/").status_code == 404
    listing = browser.get("/admin/videos/video/?adult_only__exact=1").content.decode()
    assert video.public_id in listing
    act("clear_adult_only")
    assert teen.get(f"/v/{video.public_id}/").status_code == 200
