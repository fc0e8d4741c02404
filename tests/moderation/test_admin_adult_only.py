"""Moderators (staff in the Moderators group, not superusers) mark and clear videos as adult-only
from the video admin; staff outside the group cannot."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from videos.models import Video

pytestmark = pytest.mark.django_db

VIDEOS = "/admin/videos/video/"


def _run(client: Client, action: str, videos: list[Video]) -> Any:
    return client.post(
        VIDEOS,
        {"action": action, ACTION_CHECKBOX_NAME: [str(v.pk) for v in videos], "index": 0},
        follow=True,
    )


def _adult_only(videos: list[Video]) -> list[bool]:
    return [Video.objects.get(pk=v.pk).adult_only for v in videos]


def test_a_moderator_marks_and_clears_adult_only(
    client: Client, moderator: Any, video_factory: Any
) -> None:
    assert not moderator.is_superuser
    videos = [video_factory(), video_factory()]
    untouched = video_factory()
    client.force_login(moderator)
    listing = client.get(VIDEOS)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert 'value="mark_adult_only"' in html and 'value="clear_adult_only"' in html

    marked = _run(client, "mark_adult_only", videos)
    assert marked.status_code == 200
    assert "2 video(s) changed." in marked.content.decode()
    assert _adult_only(videos) == [True, True]
    assert _adult_only([untouched]) == [False]

    cleared = _run(client, "clear_adult_only", videos[:1])
    assert "1 video(s) changed." in cleared.content.decode()
    assert _adult_only(videos) == [False, True]


def test_staff_outside_the_group_cannot(client: Client, staff: Any, video_factory: Any) -> None:
    video = video_factory()
    client.force_login(staff)
    assert client.get(VIDEOS).status_code == 403
    response = client.post(
        VIDEOS, {"action": "mark_adult_only", ACTION_CHECKBOX_NAME: [str(video.pk)], "index": 0}
    )
    assert response.status_code == 403
    assert _adult_only([video]) == [False]


def test_the_group_holds_exactly_view_and_change_on_videos(moderator: Any) -> None:
    video_perms = {p for p in moderator.get_all_permissions() if p.startswith("videos.")}
    assert video_perms == {"videos.view_video", "videos.change_video"}
    assert moderator.has_perm("videos.change_video")
    assert not moderator.has_perm("videos.delete_video")


def test_a_moderator_cannot_edit_a_video_through_the_raw_form(
    client: Client, moderator: Any, video_factory: Any
) -> None:
    video = video_factory()
    client.force_login(moderator)
    change_url = reverse("admin:videos_video_change", args=[video.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="status"' not in page.content and b'name="prompt"' not in page.content
    client.post(change_url, {"status": "removed", "prompt": "edited", "caption": "edited"})
    video.refresh_from_db()
    assert video.status != "removed" and video.prompt != "edited"
    assert client.get(reverse("admin:videos_video_add")).status_code == 403
