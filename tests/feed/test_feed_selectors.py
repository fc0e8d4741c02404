"""The feed on real rows: ordering, what is never shown, steering, teen limits, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.social import block_create, follow_create
from feed import selectors, services
from feed.models import ViewEvent
from tests.factories import DEFAULT_PASSWORD, TeenFactory, UserFactory
from tests.feed.factories import PublishedVideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def _ids(page: selectors.FeedPage) -> list[str]:
    return [item.video.public_id for item in page.items]


def test_followed_unseen_first_then_labelled_suggestions() -> None:
    viewer, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=viewer, followee=friend)
    popular = PublishedVideoFactory(owner=stranger)
    services._bump(popular.pk, likes=500)
    old_friend_video = PublishedVideoFactory(owner=friend)
    seen_friend_video = PublishedVideoFactory(owner=friend)
    ViewEvent.objects.create(viewer=viewer, video=seen_friend_video, watch_seconds=3)

    page = selectors.feed_page(viewer=viewer, page_size=10)

    assert _ids(page) == [old_friend_video.public_id, popular.public_id]
    assert [item.suggested for item in page.items] == [False, True]
    assert page.items[0].why == f"You follow @{friend.handle}."
    assert "Popular" in page.items[1].why


def test_hidden_content_never_appears() -> None:
    viewer, other, blocked, blocker = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    block_create(blocker=viewer, blocked=blocked)
    block_create(blocker=blocker, blocked=viewer)
    visible = PublishedVideoFactory(owner=other)
    hidden = [
        PublishedVideoFactory(owner=other, status=Video.Status.DRAFT_READY),
        PublishedVideoFactory(owner=other, status=Video.Status.IN_REVIEW),
        PublishedVideoFactory(owner=other, status=Video.Status.REMOVED),
        PublishedVideoFactory(owner=other, visibility=Video.Visibility.FOLLOWERS),
        PublishedVideoFactory(owner=blocked),
        PublishedVideoFactory(owner=blocker),
        PublishedVideoFactory(owner=UserFactory(is_active=False)),
    ]
    page = selectors.feed_page(viewer=viewer, page_size=20)
    assert _ids(page) == [visible.public_id]
    assert not {v.public_id for v in hidden} & set(_ids(page))


def test_followers_only_videos_reach_followers() -> None:
    viewer, friend = UserFactory(), UserFactory()
    private = PublishedVideoFactory(owner=friend, visibility=Video.Visibility.FOLLOWERS)
    assert _ids(selectors.feed_page(viewer=viewer)) == []
    follow_create(follower=viewer, followee=friend)
    assert _ids(selectors.feed_page(viewer=viewer)) == [private.public_id]


def test_block_hides_both_ways() -> None:
    a, b = UserFactory(), UserFactory()
    video_a, video_b = PublishedVideoFactory(owner=a), PublishedVideoFactory(owner=b)
    assert video_b.public_id in _ids(selectors.feed_page(viewer=a))
    block_create(blocker=a, blocked=b)
    assert video_b.public_id not in _ids(selectors.feed_page(viewer=a))
    assert video_a.public_id not in _ids(selectors.feed_page(viewer=b))


def test_tune_my_feed_moves_matching_videos_up() -> None:
    viewer = UserFactory()
    videos = [
        PublishedVideoFactory(prompt="a skateboarder pranks his friend with a fake spider"),
        PublishedVideoFactory(prompt="two kids prank their dad with a whoopee cushion"),
        PublishedVideoFactory(prompt="a chef cooks pasta in a sunny kitchen"),
        PublishedVideoFactory(prompt="a puppy chases a kitten across the garden"),
    ]
    for rank, video in enumerate(videos):
        services._bump(video.pk, likes=40 - 10 * rank)  # pranks are the most popular
    before = _ids(selectors.feed_page(viewer=viewer))
    services.preference_set(viewer=viewer, text="more animals and cooking, less pranks")
    after = _ids(selectors.feed_page(viewer=viewer))
    pranks = {videos[0].public_id, videos[1].public_id}
    assert set(before[:2]) == pranks
    assert pranks.isdisjoint(after[:2])
    steered = selectors.feed_page(viewer=viewer).items[0]
    assert steered.reason == "steered" and "asked for" in steered.why


def test_see_less_demotes_similar_videos() -> None:
    viewer = UserFactory()
    cat = PublishedVideoFactory(prompt="a cat jumps onto a kitchen counter")
    cat2 = PublishedVideoFactory(prompt="a kitten leaps onto the table")
    car = PublishedVideoFactory(prompt="a red car drives down a city street at night")
    services._bump(cat2.pk, likes=30)
    services._bump(car.pk, likes=5)
    assert _ids(selectors.feed_page(viewer=viewer))[0] == cat2.public_id
    services.see_less(viewer=viewer, video=cat)
    assert _ids(selectors.feed_page(viewer=viewer))[0] == car.public_id


def test_teen_daily_cap_is_enforced_on_the_server(settings: pytest.FixtureRequest) -> None:
    settings.FEED_TEEN_DAILY_CAP = 3  # type: ignore[attr-defined]
    teen = TeenFactory()
    PublishedVideoFactory.create_batch(5)
    first = selectors.feed_page(viewer=teen, page_size=10)
    # A page holds at most what the teen may still watch; serving it counts nothing.
    assert len(first.items) == 3 and first.remaining_today == 3 and not first.continuous_scroll
    assert not first.capped
    for item in first.items:  # watching them (see tests/feed/test_teen_watch_cap.py) does
        services.view_record(viewer=teen, video=item.video, watch_seconds=5)
    second = selectors.feed_page(viewer=teen, page_size=10)
    assert second.items == [] and second.capped and second.remaining_today == 0
    # The page itself shows the stop screen, whatever the client asks for.
    client = Client()
    client.login(email=teen.email, password=DEFAULT_PASSWORD)
    body = client.get("/feed/").content.decode()
    assert "That&#x27;s all for today" in body or "That's all for today" in body
    assert "feed-video" not in body


def test_adults_have_no_cap_and_continuous_scroll() -> None:
    adult = UserFactory()
    PublishedVideoFactory.create_batch(3)
    page = selectors.feed_page(viewer=adult)
    assert page.remaining_today is None and page.continuous_scroll


def test_pagination_walks_every_video_once_despite_views_meanwhile() -> None:
    viewer = UserFactory()
    made = {v.public_id for v in PublishedVideoFactory.create_batch(7)}
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = selectors.feed_page(viewer=viewer, cursor=cursor, page_size=3)
        seen += _ids(page)
        for item in page.items:  # watching while paging must not shift the pages
            services.view_record(viewer=viewer, video=item.video, watch_seconds=2)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)


def test_bad_cursor_is_a_clear_error() -> None:
    viewer = UserFactory()
    with pytest.raises(services.ValidationFailed):
        selectors.feed_page(viewer=viewer, cursor="not-a-cursor")
    client = Client()
    client.force_login(viewer)
    response = client.get("/feed/?cursor=%%%")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


@pytest.mark.parametrize("page_size", [2, 10])
def test_feed_page_runs_a_constant_number_of_queries(page_size: int) -> None:
    viewer, friend = UserFactory(), UserFactory()
    follow_create(follower=viewer, followee=friend)
    videos = PublishedVideoFactory.create_batch(6, owner=friend)
    videos += [PublishedVideoFactory() for _ in range(8)]
    for video in videos:  # every video has counters, read through select_related below
        services._bump(video.pk, likes=1)
    selectors.feed_page(viewer=viewer, page_size=page_size)  # fills the shared pool once
    with CaptureQueriesContext(connection) as queries:
        page = selectors.feed_page(viewer=viewer, page_size=page_size)
        [(item.video.owner.handle, item.video.stats.likes, item.video.liked) for item in page.items]
    assert len(page.items) == page_size
    assert len(queries) <= 10
    test_feed_page_runs_a_constant_number_of_queries.counts[page_size] = len(queries)  # type: ignore[attr-defined]
    counts = test_feed_page_runs_a_constant_number_of_queries.counts  # type: ignore[attr-defined]
    if len(counts) == 2:
        assert counts[2] == counts[10]


test_feed_page_runs_a_constant_number_of_queries.counts = {}  # type: ignore[attr-defined]
