"""A banned or suspended account's published videos disappear for everyone else - feed, profile
grid, video page, media, lineage and API lists - and come back when the ban or suspension ends.

The ban is applied the way a moderator applies it: the bulk action on the case queue in admin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from moderation import policy, records, services
from moderation.models import AccountStanding, ModerationAction
from tests.api.builders import video_in
from tests.api.conftest import client_for
from tests.factories import UserFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def _admin_apply(client: Client, moderator: Any, video: Video, action: str, **extra: str) -> None:
    case = records.case_open(target=video, opened_by="reports", category=policy.HATE)
    client.force_login(moderator)
    response = client.post(
        "/admin/moderation/case/",
        {
            "action": f"do_{action}",
            ACTION_CHECKBOX_NAME: [str(case.pk)],
            "apply": "1",
            "reason": "Repeated hate in captions.",
            **extra,
        },
    )
    assert response.status_code == 302
    assert ModerationAction.objects.filter(action=action, target_user=video.owner).exists()


def _remix_of(parent: Video, owner: Any) -> Video:
    return Video.objects.create(
        owner=owner,
        prompt="the same scene, at night",
        status=Video.Status.PUBLISHED,
        visibility=Video.Visibility.PUBLIC,
        published_at=timezone.now(),
        parent=parent,
        root=parent,
        depth=1,
        lineage_path=f"{parent.pk}/",
    )


def _feed_pool_expires() -> None:
    """The feed's shared suggestion pool is cached for FEED_POOL_SECONDS, so restored videos
    come back to suggestions when it expires (hiding is immediate: each page re-checks)."""
    cache.clear()


def _seen_by_others(video: Video, viewer: Any) -> dict[str, bool]:
    """Where `video` shows for a signed-in viewer, a signed-out visitor and through the API."""
    browser = Client()
    browser.force_login(viewer)
    api = client_for(viewer)
    handle, public_id = video.owner.handle, video.public_id
    remix = Video.objects.get(parent=video)
    return {
        "page": browser.get(f"/v/{public_id}/").status_code == 200,
        "page_signed_out": Client().get(f"/v/{public_id}/").status_code == 200,
        "media": browser.get(f"/media/v/{public_id}/video").status_code in (200, 206),
        "profile": public_id in browser.get(f"/@{handle}").content.decode(),
        "profile_signed_out": public_id in Client().get(f"/@{handle}").content.decode(),
        "lineage": public_id in Client().get(f"/v/{remix.public_id}/lineage").content.decode(),
        "feed": public_id in browser.get("/feed/").content.decode(),
        "api_feed": public_id in str(api.get("/api/v1/feed").json()),
        "api_user_videos": public_id in str(api.get(f"/api/v1/users/{handle}/videos").json()),
        "api_detail": api.get(f"/api/v1/videos/{public_id}").status_code == 200,
        "api_lineage": public_id
        in str(api.get(f"/api/v1/videos/{remix.public_id}/lineage").json()),
    }


@pytest.fixture
def creator_video() -> Video:
    creator = UserFactory(handle="banned_maker")
    video = video_in(creator, Video.Status.PUBLISHED)
    _remix_of(video, UserFactory())
    return video


def test_ban_through_admin_hides_the_creators_videos_and_lifting_it_restores_them(
    client: Client, moderator: Any, moderator2: Any, creator_video: Video
) -> None:
    viewer = UserFactory()
    before = _seen_by_others(creator_video, viewer)
    assert all(before.values()), before

    _admin_apply(client, moderator, creator_video, "ban")

    hidden = _seen_by_others(creator_video, viewer)
    assert not any(hidden.values()), hidden
    # The lineage keeps the node, shown as unavailable, and leaks nothing about it.
    remix = Video.objects.get(parent=creator_video)
    lineage = Client().get(f"/v/{remix.public_id}/lineage").content.decode()
    assert "Unavailable video" in lineage and "banned_maker" not in lineage
    assert "not_found" in str(
        client_for(viewer).get(f"/api/v1/videos/{creator_video.public_id}").json()
    )
    # The content rows themselves are untouched: the owner still sees their own video.
    creator_video.refresh_from_db()
    assert creator_video.status == Video.Status.PUBLISHED
    owner = Client()
    owner.force_login(creator_video.owner)
    assert owner.get(f"/v/{creator_video.public_id}/").status_code == 200

    # The ban is overturned on appeal: everything shows again.
    action = ModerationAction.objects.get(action="ban")
    appeal = services.appeal_create(user=creator_video.owner, action_id=action.pk, text="Wrong.")
    services.appeal_decide(appeal=appeal, moderator=moderator2, outcome="overturned")
    _feed_pool_expires()
    assert _seen_by_others(creator_video, viewer) == before


def test_suspension_through_admin_hides_until_it_ends(
    client: Client, moderator: Any, creator_video: Video
) -> None:
    viewer = UserFactory()
    _admin_apply(client, moderator, creator_video, "suspend", days="3")
    hidden = _seen_by_others(creator_video, viewer)
    assert not any(hidden.values()), hidden

    # Three days later the suspension has run out: no write was needed to show the videos again.
    AccountStanding.objects.filter(user=creator_video.owner).update(
        suspended_until=timezone.now() - dt.timedelta(seconds=1)
    )
    _feed_pool_expires()
    shown = _seen_by_others(creator_video, viewer)
    assert all(shown.values()), shown


def test_a_warning_or_strike_hides_nothing(client: Client, moderator: Any, creator_video: Video):
    _admin_apply(client, moderator, creator_video, "strike")
    assert all(_seen_by_others(creator_video, UserFactory()).values())
