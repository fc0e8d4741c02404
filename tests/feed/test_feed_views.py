"""The feed page and its JSON endpoints through HTTP."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.social import block_create, is_following
from feed.models import Comment, Like, ViewEvent
from tests.factories import UserFactory
from tests.feed.factories import PublishedVideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _post(client: Client, url: str, body: object) -> tuple[int, dict[str, object]]:
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_feed_page_renders_the_player_with_labels_and_create_card(settings: object) -> None:
    settings.FEED_CREATE_CARD_EVERY = 2  # type: ignore[attr-defined]
    viewer = UserFactory()
    PublishedVideoFactory.create_batch(3)
    body = _client(viewer).get("/feed/").content.decode()
    assert body.count('class="feed-video"') == 3
    assert "Suggested" in body and "Why am I seeing this?" in body
    assert "Make your own" in body and "/create/?prompt=" in body
    assert "js/feed.js" in body


def test_signed_in_home_goes_to_the_feed_and_visitors_see_public_videos() -> None:
    video = PublishedVideoFactory()
    assert _client(UserFactory()).get("/").url == "/feed/"  # type: ignore[attr-defined]
    body = Client().get("/feed/").content.decode()
    assert video.public_id in body


def test_like_is_idempotent_and_counted() -> None:
    viewer, video = UserFactory(), PublishedVideoFactory()
    client = _client(viewer)
    url = f"/feed/v/{video.public_id}/like"
    assert _post(client, url, {"liked": True}) == (200, {"liked": True, "likes": 1})
    assert _post(client, url, {"liked": True}) == (200, {"liked": True, "likes": 1})
    assert _post(client, url, {"liked": False}) == (200, {"liked": False, "likes": 0})
    assert not Like.objects.exists()


def test_reactions_need_a_login_and_a_visible_video() -> None:
    draft = PublishedVideoFactory(status=Video.Status.DRAFT_READY)
    status, body = _post(Client(), f"/feed/v/{draft.public_id}/like", {})
    assert status == 401 and body["code"] == "not_authenticated"
    status, body = _post(_client(UserFactory()), f"/feed/v/{draft.public_id}/like", {})
    assert status == 404 and body["code"] == "not_found"


def test_blocked_users_cannot_interact() -> None:
    owner, other = UserFactory(), UserFactory()
    video = PublishedVideoFactory(owner=owner)
    block_create(blocker=owner, blocked=other)
    status, _ = _post(_client(other), f"/feed/v/{video.public_id}/comments", {"text": "hi"})
    assert status == 404  # the video no longer exists for them
    assert not Comment.objects.exists()


def test_comments_create_list_and_delete_rules() -> None:
    owner, author, stranger = UserFactory(), UserFactory(), UserFactory()
    video = PublishedVideoFactory(owner=owner)
    status, body = _post(
        _client(author), f"/feed/v/{video.public_id}/comments", {"text": "love the bounce"}
    )
    assert status == 201 and body["author"] == author.handle
    comment_id = body["id"]
    listed = _client(stranger).get(f"/feed/v/{video.public_id}/comments").json()
    assert [c["text"] for c in listed["comments"]] == ["love the bounce"]
    assert listed["comments"][0]["can_delete"] is False
    assert listed["comments"][0]["can_report"] is True  # the feed shows it a Report link
    own = _client(author).get(f"/feed/v/{video.public_id}/comments").json()
    assert own["comments"][0]["can_report"] is False
    status, body = _post(_client(stranger), f"/feed/comments/{comment_id}/delete", {})
    assert status == 404 and Comment.objects.count() == 1
    status, _ = _post(_client(owner), f"/feed/comments/{comment_id}/delete", {})
    assert status == 200 and not Comment.objects.exists()
    assert video.stats.comments == 0


@pytest.mark.parametrize(("text", "code"), [("", "empty_comment"), ("x" * 501, "comment_too_long")])
def test_bad_comments_get_clear_errors_and_store_nothing(text: str, code: str) -> None:
    video = PublishedVideoFactory()
    status, body = _post(
        _client(UserFactory()), f"/feed/v/{video.public_id}/comments", {"text": text}
    )
    assert status == 400 and body["code"] == code
    assert not Comment.objects.exists()


def test_comments_are_rate_limited(settings: object) -> None:
    settings.FEED_COMMENTS_PER_MINUTE = 2  # type: ignore[attr-defined]
    client, video = _client(UserFactory()), PublishedVideoFactory()
    url = f"/feed/v/{video.public_id}/comments"
    assert [_post(client, url, {"text": f"nice {i}"})[0] for i in range(3)] == [201, 201, 429]


def test_malformed_json_is_a_400_not_a_500() -> None:
    video = PublishedVideoFactory()
    response = _client(UserFactory()).post(
        f"/feed/v/{video.public_id}/view", b"{not json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    response = _client(UserFactory()).post(
        f"/feed/v/{video.public_id}/view",
        json.dumps({"watch_seconds": "soon"}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_view_events_count_once_and_accumulate_watch_time() -> None:
    viewer, video = UserFactory(), PublishedVideoFactory()
    client = _client(viewer)
    for seconds in (2.0, 5.5, 3.0):
        assert (
            _post(client, f"/feed/v/{video.public_id}/view", {"watch_seconds": seconds})[0] == 200
        )
    assert ViewEvent.objects.get().watch_seconds == 5.5
    video.stats.refresh_from_db()
    assert video.stats.views == 1 and video.stats.watch_seconds == 5.5


def test_follow_and_unfollow_through_the_endpoint() -> None:
    viewer, target = UserFactory(), UserFactory()
    client = _client(viewer)
    assert _post(client, f"/feed/u/{target.handle}/follow", {"following": True})[0] == 200
    assert is_following(viewer, target)
    assert _post(client, f"/feed/u/{target.handle}/follow", {"following": False})[0] == 200
    assert not is_following(viewer, target)
    status, body = _post(client, f"/feed/u/{viewer.handle}/follow", {"following": True})
    assert status == 400 and body["code"] == "follow_self"


def test_tune_page_saves_and_rejects_unclear_text() -> None:
    client = _client(UserFactory())
    response = client.post("/feed/tune/", {"text": "more cooking, less pranks"})
    assert response.status_code == 302
    page = client.get("/feed/tune/").content.decode()
    assert "more of cooking" in page and "less of pranks" in page
    response = client.post("/feed/tune/", {"text": "x" * 301})
    assert response.status_code == 400 and "under 300" in response.content.decode()


def test_profile_shows_counts_and_published_videos_only(
    django_assert_max_num_queries: object,
) -> None:
    person = UserFactory()
    shown = PublishedVideoFactory.create_batch(3, owner=person)
    draft = PublishedVideoFactory(owner=person, status=Video.Status.DRAFT_READY)
    client = _client(UserFactory())
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        body = client.get(f"/@{person.handle}").content.decode()
    assert all(v.public_id in body for v in shown) and draft.public_id not in body
    assert "0</strong> followers" in body


@pytest.mark.parametrize("path", ["/feed/", "/api/v1/feed"])
def test_feed_queries_stay_few_for_a_steering_teen(path: str) -> None:
    """The heaviest steady case: a teen (daily cap read and written) who tuned the feed and
    said "see less" (embeddings read), following someone and blocked by someone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.social import follow_create
    from feed import services
    from tests.api.conftest import client_for
    from tests.factories import TeenFactory

    teen, friend = TeenFactory(), UserFactory()
    follow_create(follower=teen, followee=friend)
    block_create(blocker=UserFactory(), blocked=teen)
    videos = PublishedVideoFactory.create_batch(
        4, owner=friend
    ) + PublishedVideoFactory.create_batch(8)
    services.preference_set(viewer=teen, text="more animals, less cars")
    services.see_less(viewer=teen, video=videos[-1])
    client = client_for(teen) if path.startswith("/api/") else _client(teen)
    assert client.get(path).status_code == 200  # fills the pool, embeds the candidates once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert len(queries) <= 10, "\n".join(q["sql"][:150] for q in queries)
