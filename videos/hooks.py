"""What the videos app registers with the apps below it (they may not import videos)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from cameos.services import DeletedVideo, VideoCard
from sora_site.core.errors import Conflict, NotFound
from videos.models import Video
from videos.services.lineage_counts import remixes_uncounted
from videos.services.publishing import video_delete_draft, video_unpublish

# Videos moderators hold for review or have removed: the case stays theirs, the cameo owner
# reports instead of deleting.
MODERATORS_HOLD = (Video.Status.IN_REVIEW, Video.Status.REMOVED)


def user_media(user: User) -> list[str]:
    """Every stored file of the user's videos: deleted with the account, shipped in the export."""
    names: list[str] = []
    for video_name, poster_name in Video.objects.filter(owner=user).values_list(
        "video_file", "poster_file"
    ):
        names += [name for name in (video_name, poster_name) if name]
    return names


def user_remixes_uncount(user: User) -> None:
    """The account's remixes go with it: their ancestors (other people's too) count them no
    more. Only the lineage columns are read."""
    remixes = (
        Video.objects.filter(owner=user).exclude(lineage_path="").only("lineage_path", "parent_id")
    )
    remixes_uncounted(videos=remixes.iterator(chunk_size=2000))


def user_videos_export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": v.public_id,
            "prompt": v.prompt,
            "remix_edit": v.remix_edit,
            "status": v.status,
            "visibility": v.visibility,
            "caption": v.caption,
            "options": {
                "duration": v.duration,
                "aspect": v.aspect,
                "style": v.style,
                "camera": v.camera,
                "seed": v.seed,
                "resolution": v.resolution,
            },
            "plan": v.plan,
            "parent": v.parent.public_id if v.parent else None,
            "created_at": v.created_at.isoformat(),
            "published_at": v.published_at.isoformat() if v.published_at else None,
            "files": [name for name in (v.video_file.name, v.poster_file.name) if name],
        }
        for v in Video.objects.filter(owner=user).select_related("parent").order_by("created_at")
    ]


def appearance_cards(video_ids: Sequence[int]) -> dict[int, VideoCard]:
    """The cameo owner's appearances page: one query for the whole list."""
    cards = {}
    for video in Video.objects.filter(pk__in=list(video_ids)).select_related("owner"):
        ready = bool(video.poster_file.name)
        cards[video.pk] = VideoCard(
            title=f"{(video.caption or video.prompt)[:80]} (by @{video.owner.handle})",
            status=video.get_status_display(),
            poster_url=reverse("videos:media_poster", args=[video.public_id]) if ready else "",
            watch_url=reverse("videos:video", args=[video.public_id]) if ready else "",
            can_delete=video.status not in MODERATORS_HOLD,
        )
    return cards


def appearance_video_delete(video_id: int) -> DeletedVideo:
    """A cameo owner deletes a video their likeness is in (cameos checked the ledger first).
    The videos app's own services do it as the video's creator: a published video is
    unpublished first, in the same transaction, then deleted with its job and files. Videos
    that moderators hold or removed stay with them (the cameo owner can report them)."""
    video = Video.objects.select_related("owner").filter(pk=video_id).first()
    if video is None:
        raise NotFound("No such video.")
    if video.status == Video.Status.IN_REVIEW:
        raise Conflict(
            "Moderators are reviewing this video and nobody can see it meanwhile. Report it to "
            "tell them it uses your cameo.",
            code="with_moderators",
        )
    if video.status == Video.Status.REMOVED:
        raise Conflict("Moderators have already removed this video.", code="with_moderators")
    creator = video.owner
    with transaction.atomic():
        if video.status == Video.Status.PUBLISHED:
            video_unpublish(user=creator, public_id=video.public_id)
        video_delete_draft(user=creator, public_id=video.public_id)
    return DeletedVideo(public_id=video.public_id, title=(video.caption or video.prompt)[:80])
