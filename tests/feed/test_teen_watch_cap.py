"""Issue 19: the teen daily cap counts distinct videos watched today - a view report of at least
FEED_WATCHED_SECONDS (or the whole clip, if shorter) - not videos served or scrolled past."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from feed import selectors, services
from feed.models import FeedDay, FeedDayVideo
from tests.api.conftest import client_for
from tests.factories import TeenFactory, UserFactory
from tests.feed.factories import PublishedVideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_cap(settings: Any) -> None:
    settings.FEED_TEEN_DAILY_CAP = 3
    settings.FEED_WATCHED_SECONDS = 2.0


def _browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _watch(client: Client, video: Video, seconds: float) -> dict[str, Any]:
    response = client.post(
        f"/feed/v/{video.public_id}/view",
        json.dumps({"watch_seconds": seconds}),
        content_type="application/json",
    )
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _capped_page(client: Client) -> bool:
    body = client.get("/feed/").content.decode()
    capped = "all for today" in body
    assert capped != ("feed-video" in body)  # the stop screen, or videos: never both
    return capped


def test_a_served_page_watched_none_keeps_the_full_allowance() -> None:
    teen = TeenFactory()
    PublishedVideoFactory.create_batch(5)
    browser = _browser(teen)
    for _ in range(3):  # served again and again, scrolled past
        page = selectors.feed_page(viewer=teen, page_size=10)
        assert len(page.items) == 3 and page.remaining_today == 3 and not page.capped
        assert not _capped_page(browser)
        assert client_for(teen).get("/api/v1/feed").json()["remaining_today"] == 3
    assert not FeedDayVideo.objects.exists()
    assert FeedDay.objects.filter(watched__gt=0).count() == 0
    body = browser.get("/feed/").content.decode()
    assert "Videos left to watch today: " in body and ">3</span>" in body
    assert "a video counts once you've watched 2 seconds of it" in body


def test_scrolling_past_without_playing_counts_nothing() -> None:
    """The player reports a video that was on screen but never played with 0 s."""
    teen, video = TeenFactory(), PublishedVideoFactory()
    assert _watch(_browser(teen), video, 0)["remaining_today"] == 3
    assert selectors.remaining_today(teen) == 3


def test_watching_the_same_video_twice_counts_once() -> None:
    teen, video = TeenFactory(), PublishedVideoFactory()
    browser = _browser(teen)
    assert _watch(browser, video, 4)["remaining_today"] == 2
    assert _watch(browser, video, 6)["remaining_today"] == 2  # again, longer: still one
    services.view_record(viewer=teen, video=video, watch_seconds=3)
    assert selectors.remaining_today(teen) == 2
    assert FeedDay.objects.get(user=teen).watched == 1
    assert FeedDayVideo.objects.count() == 1


def test_a_video_watched_yesterday_counts_again_today() -> None:
    teen, video = TeenFactory(), PublishedVideoFactory()
    yesterday = FeedDay.objects.create(
        user=teen, day=timezone.localdate() - dt.timedelta(days=1), watched=3
    )
    FeedDayVideo.objects.create(feed_day=yesterday, video=video)
    assert selectors.remaining_today(teen) == 3  # yesterday's count is yesterday's
    services.view_record(viewer=teen, video=video, watch_seconds=5)
    assert selectors.remaining_today(teen) == 2


def test_watching_the_cap_of_distinct_videos_shows_the_stop_screen() -> None:
    teen = TeenFactory()
    PublishedVideoFactory.create_batch(6)
    browser, api = _browser(teen), client_for(teen)
    page = selectors.feed_page(viewer=teen, page_size=10)
    assert [_watch(browser, item.video, 2.5)["remaining_today"] for item in page.items] == [
        2,
        1,
        0,
    ]
    assert _capped_page(browser)
    body = browser.get("/feed/").content.decode()
    assert "watched today's 3 videos" in body
    fragment = browser.get("/feed/?fragment=1").content.decode()
    assert "all for today" in fragment and "feed-video" not in fragment
    listed = api.get("/api/v1/feed").json()
    assert listed["results"] == [] and listed["capped"] is True and listed["remaining_today"] == 0


def test_a_page_holds_at_most_what_is_left_to_watch() -> None:
    teen = TeenFactory()
    videos = PublishedVideoFactory.create_batch(6)
    services.view_record(viewer=teen, video=videos[0], watch_seconds=5)
    services.view_record(viewer=teen, video=videos[1], watch_seconds=5)
    page = selectors.feed_page(viewer=teen, page_size=10)
    assert len(page.items) == 1 and page.remaining_today == 1 and not page.capped
    assert {v.public_id for v in videos[:2]}.isdisjoint(i.video.public_id for i in page.items)


def test_a_watch_shorter_than_the_threshold_does_not_count() -> None:
    teen = TeenFactory()
    long_clip = PublishedVideoFactory(length_seconds=10.0, duration=10)
    short_clip = PublishedVideoFactory(length_seconds=1.5, duration=4)
    browser = _browser(teen)
    assert _watch(browser, long_clip, 1.9)["remaining_today"] == 3
    assert _watch(browser, long_clip, 2.0)["remaining_today"] == 2  # its next report reaches it
    # A clip shorter than the threshold counts once it has played to its end.
    assert _watch(browser, short_clip, 1.4)["remaining_today"] == 2
    assert _watch(browser, short_clip, 1.5)["remaining_today"] == 1


def test_the_api_view_report_counts_the_same() -> None:
    teen, video = TeenFactory(), PublishedVideoFactory()
    api = client_for(teen)
    url = f"/api/v1/videos/{video.public_id}/view"
    sent = api.post(url, {"watch_seconds": 1}, content_type="application/json")
    assert sent.status_code == 200 and sent.json() == {"remaining_today": 3}
    for _ in range(2):
        sent = api.post(url, {"watch_seconds": 3}, content_type="application/json")
        assert sent.json() == {"remaining_today": 2}
    assert _watch(_browser(teen), video, 9)["remaining_today"] == 2  # the site: same video
    refused = api.post(url, {"watch_seconds": "soon"}, content_type="application/json")
    assert refused.status_code == 400


def test_adults_are_not_counted_or_capped() -> None:
    adult = UserFactory()
    videos = PublishedVideoFactory.create_batch(5)
    browser = _browser(adult)
    for video in videos:
        assert _watch(browser, video, 30) == {"ok": True, "remaining_today": None}
    assert not FeedDay.objects.exists() and not FeedDayVideo.objects.exists()
    page = selectors.feed_page(viewer=adult)
    assert page.remaining_today is None and not page.capped and page.continuous_scroll
    assert "feed-remaining" not in browser.get("/feed/").content.decode()


def test_a_concurrent_report_that_counted_first_is_not_counted_again() -> None:
    """The unique (day, video) row decides: here the other report's row is already there when
    this one inserts, as when two requests race and the other commits first."""
    teen, video = TeenFactory(), PublishedVideoFactory()
    day = FeedDay.objects.create(user=teen, day=timezone.localdate(), watched=1)
    FeedDayVideo.objects.create(feed_day=day, video=video)
    services.view_record(viewer=teen, video=video, watch_seconds=5)
    day.refresh_from_db()
    assert day.watched == 1


@pytest.mark.django_db(transaction=True)
def test_two_reports_at_once_on_the_database_count_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    teen, video = TeenFactory(), PublishedVideoFactory()
    other = PublishedVideoFactory()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def report(watched: Video) -> None:
        try:
            start.wait()
            services.view_record(viewer=teen, video=watched, watch_seconds=5)
        except BaseException as error:  # pragma: no cover - shown by the assert below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(v,)) for v in (video, video, video, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert FeedDay.objects.get(user=teen).watched == 2
    assert FeedDayVideo.objects.count() == 2
    assert selectors.remaining_today(teen) == 1
