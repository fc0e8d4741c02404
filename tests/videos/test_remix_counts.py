"""A video's remix count (VideoStats.remixes) counts its published remixes: publishing a remix
adds one, unpublishing or a moderator's removal takes it away, a restore puts it back."""

from __future__ import annotations

import pytest

from feed.models import VideoStats
from moderation import records
from moderation import services as moderation_services
from moderation.models import Case
from sora_site.core.errors import PermissionDenied
from tests.cameos.factories import CameoFactory
from tests.factories import UserFactory
from tests.videos.factories import VideoFactory
from videos.models import Video
from videos.services import video_publish, video_unpublish

pytestmark = pytest.mark.django_db


def _remixes(video: Video) -> int:
    stats = VideoStats.objects.filter(video=video).first()
    return stats.remixes if stats else 0


def _remix_draft(parent: Video, **fields: object) -> Video:
    return VideoFactory(
        status=Video.Status.DRAFT_READY,
        parent=parent,
        root=parent,
        depth=1,
        lineage_path=f"{parent.pk}/",
        **fields,
    )


def _publish(video: Video) -> None:
    video_publish(user=video.owner, public_id=video.public_id, caption="", visibility="public")


def test_publishing_and_unpublishing_a_remix_moves_the_parents_count() -> None:
    parent = VideoFactory(status=Video.Status.PUBLISHED)
    first, second = _remix_draft(parent), _remix_draft(parent)
    assert _remixes(parent) == 0  # drafts are not counted
    _publish(first)
    _publish(second)
    assert _remixes(parent) == 2
    video_unpublish(user=second.owner, public_id=second.public_id)
    assert _remixes(parent) == 1
    _publish(second)
    assert _remixes(parent) == 2


def test_a_video_that_is_no_remix_changes_no_count() -> None:
    video = VideoFactory(status=Video.Status.DRAFT_READY)
    _publish(video)
    assert VideoStats.objects.filter(remixes__gt=0).count() == 0


def test_a_refused_publish_counts_nothing() -> None:
    parent = VideoFactory(status=Video.Status.PUBLISHED)
    cameo = CameoFactory(owner=UserFactory())  # nobody granted the remixer this cameo
    remix = _remix_draft(parent, cameo_ids=[cameo.pk])
    with pytest.raises(PermissionDenied):
        _publish(remix)
    assert _remixes(parent) == 0


def test_moderators_removal_and_restore_move_the_count() -> None:
    moderator = UserFactory(is_staff=True)
    parent = VideoFactory(status=Video.Status.PUBLISHED)
    remix = _remix_draft(parent)
    _publish(remix)
    case = records.case_open(target=remix, opened_by=Case.OpenedBy.REPORTS, category="spam")
    action = moderation_services.action_apply(
        case=case, moderator=moderator, action="remove", reason="Spam."
    )
    remix.refresh_from_db()
    assert remix.status == Video.Status.REMOVED and _remixes(parent) == 0
    appeal = moderation_services.appeal_create(user=remix.owner, action_id=action.pk, text="No!")
    moderation_services.appeal_decide(
        appeal=appeal, moderator=UserFactory(is_staff=True), outcome="overturned"
    )
    remix.refresh_from_db()
    assert remix.status == Video.Status.PUBLISHED and _remixes(parent) == 1


def test_the_count_never_goes_below_zero() -> None:
    parent = VideoFactory(status=Video.Status.PUBLISHED)
    remix = _remix_draft(parent)
    _publish(remix)
    VideoStats.objects.filter(video=parent).update(remixes=0)  # e.g. counted before this code
    video_unpublish(user=remix.owner, public_id=remix.public_id)
    assert _remixes(parent) == 0
