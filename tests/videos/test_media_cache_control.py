"""Cache-Control on video media: only what anyone may watch is cacheable by shared caches.

A shared cache (a CDN, a corporate proxy) keys on the URL, not on who asked: a followers-only or
adult-only file it stored for one viewer would be handed to the next one.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accounts.social import Follow
from tests.factories import UserFactory
from tests.videos.factories import GenerationJobFactory, VideoFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db


def video_with_files(**kwargs: Any) -> Video:
    video = VideoFactory(**kwargs)
    GenerationJobFactory(video=video, status=GenerationJob.Status.SUCCEEDED)
    video.video_file.name = default_storage.save(
        f"videos/{video.public_id}/x.mp4", ContentFile(b"\x00" * 64)
    )
    video.poster_file.name = default_storage.save(
        f"videos/{video.public_id}/x.jpg", ContentFile(b"\xff\xd8poster")
    )
    video.save(update_fields=["video_file", "poster_file"])
    return video


def media_urls(video: Video) -> list[str]:
    return [
        reverse("videos:media_video", args=[video.public_id]),
        reverse("videos:media_poster", args=[video.public_id]),
    ]


def cache_directives(response: Any) -> set[str]:
    assert response.status_code in (200, 206), response.status_code
    return {part.strip().split("=")[0] for part in response["Cache-Control"].split(",")}


def assert_private(response: Any) -> None:
    directives = cache_directives(response)
    assert "private" in directives and "public" not in directives, response["Cache-Control"]


@pytest.mark.parametrize("method", ["get", "head"])
def test_published_public_media_may_be_cached_by_anyone(client: Client, method: str) -> None:
    video = video_with_files(status=Video.Status.PUBLISHED)
    for url in media_urls(video):
        directives = cache_directives(getattr(client, method)(url))
        assert "public" in directives and "private" not in directives


@pytest.mark.parametrize("method", ["get", "head"])
def test_followers_only_media_is_private(client: Client, method: str) -> None:
    video = video_with_files(status=Video.Status.PUBLISHED, visibility=Video.Visibility.FOLLOWERS)
    follower = UserFactory()
    Follow.objects.create(follower=follower, followee=video.owner)
    client.force_login(follower)
    for url in media_urls(video):
        assert_private(getattr(client, method)(url))
        assert_private(getattr(client, method)(url, HTTP_RANGE="bytes=0-3"))


@pytest.mark.parametrize("method", ["get", "head"])
def test_adult_only_media_is_private(client: Client, method: str) -> None:
    video = video_with_files(status=Video.Status.PUBLISHED, adult_only=True)
    client.force_login(UserFactory())  # an adult: allowed to watch it
    for url in media_urls(video):
        assert_private(getattr(client, method)(url))


def test_draft_media_is_private_to_its_owner(client: Client) -> None:
    video = video_with_files(status=Video.Status.DRAFT_READY)
    client.force_login(video.owner)
    for url in media_urls(video):
        assert_private(client.get(url))
