"""Reads. Every query that answers a person is scoped to what that person may see."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.social import Block, Follow
from cameos.selectors import appearance_owner_ids
from moderation.selectors import hidden_account_ids
from sora_site.core.errors import NotFound, PermissionDenied
from videos.models import GenerationJob, Video

ESTIMATE_CACHE_KEY = "videos:estimate:per_second"
ESTIMATE_SAMPLE = 20
RECENT_FINISHED = dt.timedelta(minutes=15)


def generation_seconds_per_video_second() -> float:
    """Wall seconds of generation per second of video, from the last finished jobs.

    Falls back to GENERATION_SECONDS_PER_VIDEO_SECOND before any job has finished. Cached for a
    minute: it is shown on every Create page and in every progress event.
    """
    cached = cache.get(ESTIMATE_CACHE_KEY)
    if cached is not None:
        return float(cached)
    rows = (
        GenerationJob.objects.filter(
            status=GenerationJob.Status.SUCCEEDED,
            started_at__isnull=False,
            finished_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("started_at", "finished_at", "video__duration")[:ESTIMATE_SAMPLE]
    )
    ratios = [
        (finished - started).total_seconds() / duration
        for started, finished, duration in rows
        if duration and started is not None and finished is not None
    ]
    value = (
        statistics.median(ratios)
        if ratios
        else float(getattr(settings, "GENERATION_SECONDS_PER_VIDEO_SECOND", 2.0))
    )
    cache.set(ESTIMATE_CACHE_KEY, value, 60)
    return value


def generation_estimate_seconds(*, duration: int) -> int:
    return max(1, round(duration * generation_seconds_per_video_second()))


def drafts_for_user(*, user_id: int) -> QuerySet[Video]:
    """The owner's videos that are not published or removed, with their job, newest first."""
    return (
        Video.objects.filter(owner_id=user_id, status__in=Video.DRAFT_STATUSES)
        .select_related("job")
        .order_by("-created_at", "-id")
    )


def published_for_user(*, user_id: int) -> QuerySet[Video]:
    return Video.objects.filter(owner_id=user_id, status=Video.Status.PUBLISHED).order_by(
        "-published_at", "-id"
    )


def active_jobs_for_user(*, user_id: int) -> QuerySet[GenerationJob]:
    return (
        GenerationJob.objects.filter(owner_id=user_id, status__in=GenerationJob.ACTIVE_STATUSES)
        .select_related("video")
        .order_by("created_at", "id")
    )


def job_snapshot_for_user(*, user_id: int) -> list[dict[str, Any]]:
    """What the websocket sends on (re)connect: active jobs, plus those finished lately, so a
    page that missed the final event while disconnected still learns the outcome."""
    from videos.events import job_event

    since = timezone.now() - RECENT_FINISHED
    jobs = (
        GenerationJob.objects.filter(owner_id=user_id)
        .filter(
            Q(status__in=GenerationJob.ACTIVE_STATUSES)
            | Q(status__in=GenerationJob.FINAL_STATUSES, finished_at__gte=since)
        )
        .select_related("video")
    )
    per_second = generation_seconds_per_video_second()
    ordered = sorted(jobs, key=lambda job: (job.created_at, job.pk))
    return [job_event(job, per_second=per_second) for job in ordered]


def video_owned(*, user_id: int, public_id: str) -> Video:
    """One of the person's own videos, or NotFound (never someone else's)."""
    video = (
        Video.objects.filter(owner_id=user_id, public_id=public_id).select_related("job").first()
    )
    if video is None:
        raise NotFound("No such video.")
    return video


def adult_only_hidden(viewer: User | None) -> bool:
    """Adult-only videos are hidden from teens, and from signed-out visitors (age unknown)."""
    return viewer is None or not viewer.is_authenticated or viewer.is_teen


def adult_only_hidden_for_id(viewer_id: int | None) -> bool:
    viewer = None
    if viewer_id is not None:
        viewer = User.objects.only("birthdate").filter(pk=viewer_id).first()
    return adult_only_hidden(viewer)


def video_viewable(*, viewer_id: int | None, public_id: str) -> Video:
    """A video this viewer may watch: their own (any state but removed), or a published one.

    Followers-only videos are shown to the owner's followers; blocks hide a video both ways.
    """
    video = (
        Video.objects.select_related("owner")
        .filter(public_id=public_id)
        # Read in the same query: is the creator banned or suspended right now?
        .annotate(
            owner_hidden=ExpressionWrapper(
                Q(owner_id__in=hidden_account_ids()), output_field=BooleanField()
            )
        )
        .first()
    )
    if video is None or video.status == Video.Status.REMOVED:
        raise NotFound("No such video.")
    if viewer_id is not None and video.owner_id == viewer_id:
        return video
    if video.owner_hidden:
        raise NotFound("No such video.")  # a banned or suspended creator's content is hidden
    if video.status != Video.Status.PUBLISHED:
        # The owners of cameos in a draft may watch it: they co-own where they appear.
        if viewer_id is not None and viewer_id in appearance_owner_ids(video_pk=video.pk):
            return video
        raise NotFound("No such video.")
    if video.adult_only and adult_only_hidden_for_id(viewer_id):
        raise NotFound("No such video.")  # the same answer as a missing one: nothing leaks
    if (
        viewer_id is not None
        and Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=video.owner_id)
            | Q(blocker_id=video.owner_id, blocked_id=viewer_id)
        ).exists()
    ):
        raise NotFound("No such video.")
    if video.visibility == Video.Visibility.FOLLOWERS and not _followers_may_view(
        viewer_id=viewer_id, video=video
    ):
        raise NotFound("No such video.")
    return video


def video_public(*, public_id: str) -> Video:
    """A video anyone may watch: what a link preview, oEmbed or another site's embed may show.
    The same checks as for a signed-out visitor, and followers-only never."""
    video = video_viewable(viewer_id=None, public_id=public_id)
    if not video.open_to_everyone:
        raise NotFound("No such video.")
    return video


def video_remixable(*, viewer_id: int, public_id: str) -> Video:
    """A video this person may fork: one they may watch that is published, or their own draft.

    Watching is not forking: the owners of cameos in someone else's draft may watch it, but a
    remix of it could be published before the draft itself ever is."""
    video = video_viewable(viewer_id=viewer_id, public_id=public_id)
    if video.owner_id != viewer_id and video.status != Video.Status.PUBLISHED:
        raise PermissionDenied(
            "Only published videos can be remixed: this one is still a draft.",
            code="not_published",
        )
    return video


def _followers_may_view(*, viewer_id: int | None, video: Video) -> bool:
    if viewer_id is None:
        return False
    return Follow.objects.filter(follower_id=viewer_id, followee_id=video.owner_id).exists()


@dataclass(frozen=True)
class PlanNotes:
    """What the engine could not show as the prompt said it, in words for the creator."""

    not_drawn: list[str]
    not_understood: list[str]
    left_out: list[str]  # cameos a remix could not keep


def plan_notes(*, video: Video) -> PlanNotes:
    """Read from the stored plan: "a unicycle - shown as a plain shape - no figure for it yet",
    and the words the director could not place at all."""
    plan = video.plan if isinstance(video.plan, dict) else {}
    entries = plan.get("not_drawn")
    words = plan.get("unrecognized")
    not_drawn = [
        f"{entry.get('phrase', '')} - {entry.get('reason', '')}"
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and entry.get("phrase")
    ]
    understood = [w for w in (words if isinstance(words, list) else []) if isinstance(w, str) and w]
    left_out = []
    if video.cameos_left_out == 1:
        left_out.append("A cameo in the original was left out: its owner withdrew it, so that "
                        "person is drawn without their likeness.")  # fmt: skip
    elif video.cameos_left_out > 1:
        left_out.append(
            f"{video.cameos_left_out} cameos in the original were left out: their owners "
            "withdrew them, so those people are drawn without their likeness."
        )
    return PlanNotes(not_drawn=not_drawn, not_understood=understood, left_out=left_out)
