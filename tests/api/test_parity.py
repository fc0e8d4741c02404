"""The same scenarios through the HTML site and through the API: the same rules decide, because
both call the same services and selectors."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.social import block_create, follow_create
from accounts.templatetags.accounts_tags import avatar_url as avatar_path
from feed.models import Comment, Like
from sora_site.api.models import WebhookDelivery, WebhookEndpoint
from sora_site.core.errors import ValidationFailed
from tests.api.builders import video_in
from tests.api.conftest import client_for
from tests.cameos.factories import CameoFactory, GrantFactory
from tests.factories import TeenFactory, UserFactory
from videos.models import GenerationCharge, GenerationJob, Video

pytestmark = pytest.mark.django_db

PROMPT = {"prompt": "a lighthouse beam sweeps over a stormy sea", "duration": 5}
HTML_CREATE = {
    **PROMPT,
    "aspect": "9:16",
    "resolution": 480,
    "style": "auto",
    "camera": "auto",
    "seed": "",
}


def _both(person: Any) -> tuple[Client, Any]:
    browser = Client()
    browser.force_login(person)
    return browser, client_for(person)


def test_drafts_of_others_are_invisible() -> None:
    owner, stranger = UserFactory(), UserFactory()
    draft = video_in(owner, Video.Status.DRAFT_READY)
    browser, api = _both(stranger)
    assert browser.get(f"/v/{draft.public_id}/").status_code == 404
    assert browser.get(f"/media/v/{draft.public_id}/video").status_code == 404
    response = api.get(f"/api/v1/videos/{draft.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get("/api/v1/videos").json()["results"] == []
    assert api.get(f"/api/v1/users/{owner.handle}/videos").json()["results"] == []
    # The owner sees it in both.
    owner_browser, owner_api = _both(owner)
    assert owner_browser.get(f"/v/{draft.public_id}/").status_code == 302  # to the drafts page
    mine = owner_api.get(f"/api/v1/videos/{draft.public_id}")
    assert mine.status_code == 200
    assert mine.json()["links"]["video"].endswith(f"/media/v/{draft.public_id}/video")
    assert mine.json()["links"]["page"] is None


def test_followers_only_videos() -> None:
    owner, follower, stranger = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=follower, followee=owner)
    video = video_in(owner, Video.Status.PUBLISHED, visibility="followers")
    for person, html_status, api_status in ((stranger, 404, 404),):
        browser, api = _both(person)
        assert browser.get(f"/v/{video.public_id}/").status_code == html_status
        assert api.get(f"/api/v1/videos/{video.public_id}").status_code == api_status
        assert (
            api.post(f"/api/v1/videos/{video.public_id}/like").status_code
            == browser.post(f"/feed/v/{video.public_id}/like").status_code
            == 404
        )
    # In the follower's lists it shows, in the stranger's it does not.
    _, follower_api = _both(follower)
    listed = follower_api.get(f"/api/v1/users/{owner.handle}/videos").json()["results"]
    assert [v["id"] for v in listed] == [video.public_id]
    _, stranger_api = _both(stranger)
    assert stranger_api.get(f"/api/v1/users/{owner.handle}/videos").json()["results"] == []


@pytest.mark.parametrize("teen", [True, False])
def test_daily_quota_is_lower_for_teens(
    settings: Any, teen: bool, django_capture_on_commit_callbacks: Any, api_broker: Any
) -> None:
    settings.GENERATION_DAILY_QUOTA = 3
    settings.GENERATION_DAILY_QUOTA_TEEN = 1
    settings.GENERATION_MAX_ACTIVE = 10
    results = {}
    for route in ("html", "api"):
        person = TeenFactory() if teen else UserFactory()
        video_in(person, Video.Status.DRAFT_READY)
        GenerationCharge.objects.create(  # one generation used, an hour ago
            user=person, kind="new", created_at=timezone.now() - dt.timedelta(hours=1)
        )
        browser, api = _both(person)
        if route == "html":
            response = browser.post("/create/", HTML_CREATE)
            results[route] = response.status_code == 302
            if not results[route]:
                assert response.status_code == 429
                assert "frees up in 23 h" in response.content.decode()
        else:
            response = api.post("/api/v1/generations", PROMPT, content_type="application/json")
            results[route] = response.status_code == 201
            if not results[route]:
                assert response.status_code == 429
                assert response.json()["code"] == "daily_quota"
                assert 23 * 3600 - 120 <= int(response["Retry-After"]) <= 23 * 3600 + 1
        assert GenerationJob.objects.filter(owner=person).count() == (2 if results[route] else 1)
    assert results == {"html": not teen, "api": not teen}


def test_too_many_at_once(settings: Any, api_broker: Any) -> None:
    settings.GENERATION_MAX_ACTIVE = 1
    for route in ("html", "api"):
        person = UserFactory()
        video_in(person, Video.Status.DRAFT_GENERATING)
        browser, api = _both(person)
        if route == "html":
            response = browser.post("/create/", HTML_CREATE)
            assert response.status_code == 429
        else:
            response = api.post("/api/v1/generations", PROMPT, content_type="application/json")
            assert response.status_code == 429
            assert response.json()["code"] == "too_many_active"
        assert GenerationJob.objects.filter(owner=person).count() == 1


def test_moderation_gate_applies_to_both(monkeypatch: Any, api_broker: Any) -> None:
    from videos.services import generation

    def refuse(*, user: Any, prompt: str) -> None:
        raise ValidationFailed("This prompt is not allowed.", code="prompt_blocked")

    monkeypatch.setattr(generation, "moderation_gate", refuse)
    person = UserFactory()
    browser, api = _both(person)
    html = browser.post("/create/", HTML_CREATE)
    assert html.status_code == 400
    assert "This prompt is not allowed." in html.content.decode()
    response = api.post("/api/v1/generations", PROMPT, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "This prompt is not allowed.", "code": "prompt_blocked"}
    assert not GenerationJob.objects.filter(owner=person).exists()


def test_bad_generation_options_are_refused_by_both(api_broker: Any) -> None:
    person = UserFactory()
    browser, api = _both(person)
    html = browser.post("/create/", {**HTML_CREATE, "prompt": "   "})
    assert html.status_code == 400
    response = api.post(
        "/api/v1/generations", {**PROMPT, "prompt": "   "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "prompt"
    response = api.post(
        "/api/v1/generations", {**PROMPT, "style": "vaporwave"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "style"
    assert not GenerationJob.objects.filter(owner=person).exists()


def test_only_ready_drafts_can_be_published() -> None:
    person = UserFactory()
    browser, api = _both(person)
    generating_html = video_in(person, Video.Status.DRAFT_GENERATING)
    generating_api = video_in(person, Video.Status.DRAFT_GENERATING)
    response = browser.post(
        f"/drafts/{generating_html.public_id}/publish", {"caption": "", "visibility": "public"}
    )
    assert response.status_code == 302
    assert "drafts" in response["Location"]
    response = api.post(
        f"/api/v1/videos/{generating_api.public_id}/publish", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"
    for video in (generating_html, generating_api):
        video.refresh_from_db()
        assert video.status == Video.Status.DRAFT_GENERATING

    ready_html = video_in(person, Video.Status.DRAFT_READY)
    ready_api = video_in(person, Video.Status.DRAFT_READY)
    browser.post(
        f"/drafts/{ready_html.public_id}/publish", {"caption": "hi", "visibility": "public"}
    )
    response = api.post(
        f"/api/v1/videos/{ready_api.public_id}/publish",
        {"caption": "hi", "visibility": "followers"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["visibility"] == "followers"
    for video in (ready_html, ready_api):
        video.refresh_from_db()
        assert video.status == Video.Status.PUBLISHED

    # Unpublish, then delete the draft, in both.
    assert browser.post(f"/drafts/{ready_html.public_id}/unpublish").status_code == 302
    assert api.post(f"/api/v1/videos/{ready_api.public_id}/unpublish").json()["status"] == (
        "draft_ready"
    )
    assert browser.post(f"/drafts/{ready_html.public_id}/delete").status_code == 302
    assert api.delete(f"/api/v1/videos/{ready_api.public_id}").status_code == 204
    assert not Video.objects.filter(pk__in=[ready_html.pk, ready_api.pk]).exists()


def test_published_videos_cannot_be_deleted_as_drafts() -> None:
    person = UserFactory()
    video = video_in(person, Video.Status.PUBLISHED)
    browser, api = _both(person)
    browser.post(f"/drafts/{video.public_id}/delete")
    response = api.delete(f"/api/v1/videos/{video.public_id}")
    assert response.status_code == 409
    assert response.json()["code"] == "not_draft"
    assert Video.objects.filter(pk=video.pk).exists()


def test_nobody_acts_on_someone_elses_draft() -> None:
    owner, stranger = UserFactory(), UserFactory()
    draft = video_in(owner, Video.Status.DRAFT_READY)
    browser, api = _both(stranger)
    assert (
        browser.post(f"/drafts/{draft.public_id}/publish", {"visibility": "public"}).status_code
        == 404
    )
    assert browser.post(f"/drafts/{draft.public_id}/delete").status_code == 404
    assert (
        api.post(
            f"/api/v1/videos/{draft.public_id}/publish", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/videos/{draft.public_id}").status_code == 404
    job = GenerationJob.objects.get(video=draft)
    assert api.get(f"/api/v1/generations/{job.public_id}").status_code == 404
    assert api.post(f"/api/v1/generations/{job.public_id}/cancel").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Video.Status.DRAFT_READY


def test_blocks_stop_likes_comments_and_follows() -> None:
    owner, blocked = UserFactory(), UserFactory()
    video = video_in(owner, Video.Status.PUBLISHED)
    block_create(blocker=owner, blocked=blocked)
    browser, api = _both(blocked)
    html = browser.post(f"/feed/v/{video.public_id}/like")
    response = api.post(f"/api/v1/videos/{video.public_id}/like")
    assert html.status_code == response.status_code
    assert response.json()["code"] == html.json()["code"]
    assert not Like.objects.exists()
    response = api.post(
        f"/api/v1/videos/{video.public_id}/comments",
        {"text": "hi"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert not Comment.objects.exists()
    response = api.post(f"/api/v1/users/{owner.handle}/follow")
    assert response.status_code == 400
    assert response.json()["code"] == "blocked"


def test_likes_comments_and_follows_work_the_same() -> None:
    owner, fan = UserFactory(), UserFactory()
    video = video_in(owner, Video.Status.PUBLISHED)
    _, api = _both(fan)
    liked = api.post(f"/api/v1/videos/{video.public_id}/like")
    assert liked.json() == {"liked": True, "likes": 1}
    assert api.post(f"/api/v1/videos/{video.public_id}/like").json()["likes"] == 1
    assert api.delete(f"/api/v1/videos/{video.public_id}/like").json() == {
        "liked": False,
        "likes": 0,
    }
    created = api.post(
        f"/api/v1/videos/{video.public_id}/comments",
        {"text": "lovely waves"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = api.get(f"/api/v1/videos/{video.public_id}/comments").json()["results"]
    assert [c["text"] for c in listed] == ["lovely waves"]
    empty = api.post(
        f"/api/v1/videos/{video.public_id}/comments", {"text": " "}, content_type="application/json"
    )
    assert empty.status_code == 400
    assert empty.json()["code"] == "empty_comment"
    # Someone else cannot delete it; its author can.
    _, stranger_api = _both(UserFactory())
    assert stranger_api.delete(f"/api/v1/comments/{created.json()['id']}").status_code == 404
    assert api.delete(f"/api/v1/comments/{created.json()['id']}").status_code == 204
    followed = api.post(f"/api/v1/users/{owner.handle}/follow")
    assert followed.json() == {"following": True, "followers": 1}
    profile = api.get(f"/api/v1/users/{owner.handle}").json()
    assert profile["is_following"] is True and profile["followers"] == 1
    assert api.delete(f"/api/v1/users/{owner.handle}/follow").json()["following"] is False
    assert api.post(f"/api/v1/users/{fan.handle}/follow").json()["code"] == "follow_self"


def test_teen_feed_cap_holds_in_the_api(settings: Any) -> None:
    """The cap counts distinct videos watched, reported by the site's player or the API alike;
    serving a page counts nothing, in either."""
    settings.FEED_TEEN_DAILY_CAP = 2
    settings.FEED_WATCHED_SECONDS = 2.0
    creator = UserFactory()
    for _ in range(4):
        video_in(creator, Video.Status.PUBLISHED)
    teen = TeenFactory()
    browser, api = _both(teen)
    first = api.get("/api/v1/feed?page_size=5").json()
    assert len(first["results"]) == 2
    assert first["remaining_today"] == 2 and first["capped"] is False
    html = browser.get("/feed/").content.decode()
    assert html.count('class="feed-video"') == 2 and 'id="feed-remaining-count">2<' in html
    one, two = (item["video"]["id"] for item in first["results"])
    site_report = browser.post(
        f"/feed/v/{one}/view", {"watch_seconds": 3}, content_type="application/json"
    )
    api_report = api.post(
        f"/api/v1/videos/{two}/view", {"watch_seconds": 3}, content_type="application/json"
    )
    assert site_report.json()["remaining_today"] == api_report.json()["remaining_today"] + 1 == 1
    again = api.get("/api/v1/feed").json()
    assert again["results"] == [] and again["capped"] is True and again["remaining_today"] == 0
    html = browser.get("/feed/").content.decode()
    assert "That's all for today" in html
    assert all(f"/v/{v.public_id}/" not in html for v in Video.objects.all())


def test_list_pages_use_a_constant_number_of_queries(django_assert_num_queries: Any) -> None:
    person = UserFactory()
    for status in (Video.Status.DRAFT_READY, Video.Status.PUBLISHED, Video.Status.DRAFT_FAILED):
        video_in(person, status)
    api = client_for(person)
    api.get("/api/v1/videos")  # warm the token's last_used_at write
    # token lookup, the page
    with django_assert_num_queries(2):
        response = api.get("/api/v1/videos")
    assert len(response.json()["results"]) == 3
    for _ in range(3):
        video_in(person, Video.Status.PUBLISHED)
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/videos").json()["results"]) == 6
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/generations").json()["results"]) == 6


def test_other_list_endpoints_do_not_query_per_row() -> None:
    """Each list answers with as many queries for four rows as for one."""
    me, other = UserFactory(), UserFactory()
    video = video_in(other, Video.Status.PUBLISHED)
    cameo = CameoFactory(owner=me)
    hook = WebhookEndpoint.objects.create(
        user=me, application=None, url="https://hooks.example/", events=["video.published"]
    )
    added = {"n": 0}

    def add_one_of_each() -> None:
        added["n"] += 1
        video_in(other, Video.Status.PUBLISHED)
        Comment.objects.create(video=video, author=UserFactory(), text=f"nice {added['n']}")
        GrantFactory(cameo=cameo, status="requested")
        WebhookDelivery.objects.create(
            endpoint=hook, event="video.published", event_id=f"evt_{added['n']}"
        )

    api = client_for(me)
    paths = [
        f"/api/v1/users/{other.handle}/videos",
        f"/api/v1/videos/{video.public_id}/comments",
        f"/api/v1/cameos/{cameo.pk}/requests",
        f"/api/v1/webhooks/{hook.pk}/deliveries",
    ]

    def counts() -> dict[str, tuple[int, int]]:
        found = {}
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                response = api.get(path)
            assert response.status_code == 200, (path, response.content)
            found[path] = (len(queries), len(response.json()["results"]))
        return found

    add_one_of_each()
    counts()  # first calls write the token's last_used_at and fill per-process caches
    one = counts()
    for _ in range(3):
        add_one_of_each()
    four = counts()
    for path in paths:
        assert four[path][1] > one[path][1], path  # the rows are really there
        assert four[path][0] == one[path][0], (path, one[path], four[path])


def test_comment_lists_hide_the_same_comments_in_the_same_order() -> None:
    """The page's comment list and the API's come from one selector: a comment a moderator
    removed or limited, or one hidden by reports, is absent from both."""
    from moderation.models import ContentRestriction
    from moderation.records import restriction_set

    owner = UserFactory()
    video = video_in(owner, Video.Status.PUBLISHED)
    start = timezone.now() - dt.timedelta(hours=1)
    comments = [
        Comment.objects.create(
            video=video,
            author=UserFactory(),
            text=f"comment {n}",
            created_at=start + dt.timedelta(minutes=n),
        )
        for n in range(5)
    ]
    # Two at the same instant: the order between them must still agree (newest id first).
    tied = Comment.objects.create(
        video=video, author=UserFactory(), text="tied", created_at=comments[4].created_at
    )
    kinds = ContentRestriction.Kind
    restriction_set(target=comments[1], kind=kinds.REMOVED)
    restriction_set(target=comments[2], kind=kinds.LIMITED)
    restriction_set(target=comments[3], kind=kinds.REPORTED)
    expected = [tied.pk, comments[4].pk, comments[0].pk]

    browser, api = _both(UserFactory())
    page = browser.get(f"/feed/v/{video.public_id}/comments")
    assert page.status_code == 200
    assert [c["id"] for c in page.json()["comments"]] == expected
    listed = api.get(f"/api/v1/videos/{video.public_id}/comments")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == expected
    # Paged one at a time, the API still walks the same list.
    walked, url = [], f"/api/v1/videos/{video.public_id}/comments?page_size=1"
    while url:
        body = api.get(url).json()
        walked += [c["id"] for c in body["results"]]
        url = body["next"]
    assert walked == expected


def test_avatar_url_is_the_one_the_site_serves() -> None:
    person = UserFactory()
    api = client_for(person)
    assert api.get("/api/v1/me").json()["avatar_url"] is None
    person.avatar.save(f"{uuid.uuid4().hex}.webp", ContentFile(b"RIFF0000WEBP"), save=True)
    url = api.get("/api/v1/me").json()["avatar_url"]
    assert url.startswith("http://testserver/")
    served = url.removeprefix("http://testserver")
    assert served == avatar_path(person)
    assert served.endswith(f"/{person.avatar.name.rsplit('/', 1)[-1]}")
    assert api.get(f"/api/v1/users/{person.handle}").json()["avatar_url"] == url
