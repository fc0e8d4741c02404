"""Reads of the feed: candidates, ranking, pages. A constant number of queries per page.

Paging: the first page fixes a snapshot time; later pages carry it in the cursor, so videos the
viewer watched meanwhile (or that were published since) do not shift the ranking under them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from accounts.social import Block, Follow
from feed import ranking
from feed.models import FeedDay, FeedPreference, Like, SeeLess, VideoStats, ViewEvent
from moderation.selectors import restricted_ids
from sora_site.core import embeddings
from sora_site.core.errors import ValidationFailed
from videos.models import Video

CANDIDATES_RECENT = 300
CANDIDATES_POPULAR = 100
CANDIDATES_FOLLOWED = 200
MAX_PAGE_SIZE = 30


@dataclass(frozen=True)
class FeedItem:
    video: Video
    reason: str
    why: str  # "Why am I seeing this", in words

    @property
    def suggested(self) -> bool:
        return self.reason != ranking.REASON_FOLLOWING


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next_cursor: str | None
    capped: bool = False  # a teen reached today's cap: show the stop screen
    remaining_today: int | None = None  # teens only
    continuous_scroll: bool = True
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Cursor:
    offset: int
    snapshot: dt.datetime

    def encode(self) -> str:
        raw = json.dumps({"o": self.offset, "t": self.snapshot.timestamp()}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None) -> Cursor:
        if not value:
            return cls(0, timezone.now())
        try:
            padded = value + "=" * (-len(value) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode()))
            offset, stamp = int(data["o"]), float(data["t"])
            snapshot = dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
        except (binascii.Error, ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
            raise ValidationFailed("That feed position is not valid.", code="bad_cursor") from exc
        if offset < 0 or offset > 10_000:
            raise ValidationFailed("That feed position is not valid.", code="bad_cursor")
        return cls(offset, snapshot)


def _hidden_owner_ids(viewer: User) -> Q:
    """Creators hidden from this viewer: blocks count in both directions."""
    blocked = Block.objects.filter(blocker=viewer).values("blocked_id")
    blockers = Block.objects.filter(blocked=viewer).values("blocker_id")
    return Q(owner_id__in=Subquery(blocked)) | Q(owner_id__in=Subquery(blockers))


def visible_published_videos(viewer: User | None) -> QuerySet[Video]:
    """Published videos this viewer may see anywhere in the feed: the rule in one place."""
    videos = Video.objects.filter(status=Video.Status.PUBLISHED, owner__is_active=True).exclude(
        pk__in=restricted_ids(Video)  # limited by a moderator or hidden by reports
    )
    if viewer is None:
        return videos.filter(visibility=Video.Visibility.PUBLIC)
    followed = Follow.objects.filter(follower=viewer).values("followee_id")
    return videos.filter(
        Q(visibility=Video.Visibility.PUBLIC)
        | Q(owner_id__in=Subquery(followed))
        | Q(owner_id=viewer.pk)
    ).exclude(_hidden_owner_ids(viewer))


def _candidate_rows(viewer: User, snapshot: dt.datetime) -> list[dict[str, Any]]:
    base = visible_published_videos(viewer).filter(published_at__lte=snapshot)
    seen = ViewEvent.objects.filter(viewer=viewer, created_at__lt=snapshot).values("video_id")
    base = base.exclude(id__in=Subquery(seen)).exclude(owner_id=viewer.pk)
    followed_ids = Follow.objects.filter(follower=viewer).values("followee_id")
    fields = (
        "id",
        "owner_id",
        "published_at",
        "stats__likes",
        "stats__comments",
        "stats__views",
        "stats__remixes",
        "stats__embedding",
    )
    followed = base.filter(owner_id__in=Subquery(followed_ids)).order_by("-published_at")
    others = base.exclude(owner_id__in=Subquery(followed_ids))
    rows: dict[int, dict[str, Any]] = {}
    for row in followed.values(*fields)[:CANDIDATES_FOLLOWED]:
        rows[row["id"]] = {**row, "followed": True}
    for query in (
        others.order_by("-published_at")[:CANDIDATES_RECENT],
        others.order_by("-stats__likes", "-published_at")[:CANDIDATES_POPULAR],
    ):
        for row in query.values(*fields):
            rows.setdefault(row["id"], {**row, "followed": False})
    return list(rows.values())


def _ensure_embeddings(rows: list[dict[str, Any]]) -> None:
    """Embed the prompts of candidates that have no vector yet (once per video)."""
    missing = [row for row in rows if not row["stats__embedding"]]
    if not missing:
        return
    prompts = dict(
        Video.objects.filter(id__in=[row["id"] for row in missing]).values_list("id", "prompt")
    )
    vectors = embeddings.embed([prompts[row["id"]] for row in missing])
    stats = [
        VideoStats(video_id=row["id"], embedding=embeddings.to_bytes(vector))
        for row, vector in zip(missing, vectors, strict=True)
    ]
    VideoStats.objects.bulk_create(
        stats, update_conflicts=True, unique_fields=["video"], update_fields=["embedding"]
    )
    for row, vector in zip(missing, vectors, strict=True):
        row["stats__embedding"] = embeddings.to_bytes(vector)


def _steering(viewer: User) -> ranking.Steering:
    preference = (
        FeedPreference.objects.filter(user=viewer)
        .values("more_embedding", "less_embedding")
        .first()
    )
    see_less = [
        vector
        for data in VideoStats.objects.filter(
            video_id__in=SeeLess.objects.filter(user=viewer).values("video_id")
        ).values_list("embedding", flat=True)
        if (vector := embeddings.from_bytes(data)) is not None
    ]
    return ranking.Steering(
        more=embeddings.matrix_from_bytes(preference["more_embedding"]) if preference else None,
        less=embeddings.matrix_from_bytes(preference["less_embedding"]) if preference else None,
        see_less=np.stack(see_less) if see_less else None,
    )


def _ranked(viewer: User, snapshot: dt.datetime, page_size: int) -> list[ranking.Ranked]:
    rows = _candidate_rows(viewer, snapshot)
    _ensure_embeddings(rows)
    candidates = [
        ranking.Candidate(
            video_id=row["id"],
            owner_id=row["owner_id"],
            followed=row["followed"],
            age_hours=(snapshot - row["published_at"]).total_seconds() / 3600,
            likes=row["stats__likes"] or 0,
            comments=row["stats__comments"] or 0,
            views=row["stats__views"] or 0,
            remixes=row["stats__remixes"] or 0,
            embedding=embeddings.from_bytes(row["stats__embedding"]),
        )
        for row in rows
    ]
    return ranking.diversify(ranking.rank(candidates, _steering(viewer)), page_size)


def _why(reason: str, video: Video) -> str:
    return ranking.REASON_TEXT[reason].format(handle=video.owner.handle, site=settings.SITE_NAME)


def with_viewer_flags(videos: QuerySet[Video], viewer: User) -> QuerySet[Video]:
    return videos.select_related("owner", "stats").annotate(
        liked=Exists(Like.objects.filter(user=viewer, video=OuterRef("pk"))),
        following_owner=Exists(
            Follow.objects.filter(follower=viewer, followee_id=OuterRef("owner_id"))
        ),
    )


def _teen_allowance(viewer: User) -> int | None:
    if not viewer.is_teen:
        return None
    served = (
        FeedDay.objects.filter(user=viewer, day=timezone.localdate())
        .values_list("served", flat=True)
        .first()
    )
    return max(settings.FEED_TEEN_DAILY_CAP - (served or 0), 0)


def feed_page(*, viewer: User, cursor: str | None = None, page_size: int = 10) -> FeedPage:
    """One page of the viewer's feed. Teens are capped per day here, on the server."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    position = Cursor.decode(cursor)
    allowance = _teen_allowance(viewer)
    if allowance is not None:
        if allowance == 0:
            return FeedPage([], None, capped=True, remaining_today=0, continuous_scroll=False)
        page_size = min(page_size, allowance)
    ranked = _ranked(viewer, position.snapshot, page_size)
    window = ranked[position.offset : position.offset + page_size]
    by_id = {
        v.pk: v
        for v in with_viewer_flags(
            Video.objects.filter(id__in=[r.video_id for r in window]), viewer
        )
    }
    items = [
        FeedItem(by_id[r.video_id], r.reason, _why(r.reason, by_id[r.video_id]))
        for r in window
        if r.video_id in by_id
    ]
    more = position.offset + page_size < len(ranked)
    next_cursor = Cursor(position.offset + page_size, position.snapshot).encode() if more else None
    remaining = None
    if allowance is not None:
        from feed.services import feed_served_record

        remaining = feed_served_record(viewer=viewer, count=len(items), allowance=allowance)
    return FeedPage(
        items=items,
        next_cursor=next_cursor,
        capped=remaining == 0,
        remaining_today=remaining,
        continuous_scroll=not viewer.is_teen,
    )


def public_feed_page(*, page_size: int = 10) -> list[Video]:
    """What a signed-out visitor sees: recent public videos, newest first."""
    return list(
        visible_published_videos(None)
        .select_related("owner", "stats")
        .order_by("-published_at")[:page_size]
    )


def comments_for(video: Video, *, limit: int = 50) -> QuerySet[Any]:
    from feed.models import Comment

    visible = video.comments.exclude(pk__in=restricted_ids(Comment))
    return visible.select_related("author").order_by("-created_at")[:limit]


def profile_videos(owner: User, viewer: User | None, *, limit: int = 60) -> QuerySet[Video]:
    videos = visible_published_videos(viewer).filter(owner=owner)
    return videos.select_related("stats").order_by("-published_at")[:limit]


def follow_counts(user: User) -> dict[str, int]:
    """Both counts in one query."""
    counts = Follow.objects.aggregate(
        followers=Count("pk", filter=Q(followee=user)),
        following=Count("pk", filter=Q(follower=user)),
    )
    return {"followers": counts["followers"], "following": counts["following"]}


def video_counters(video: Video) -> dict[str, int]:
    row = VideoStats.objects.filter(video=video).values_list("likes", "comments", "views").first()
    likes, comments, views = row or (0, 0, 0)
    return {"likes": likes, "comments": comments, "views": views}


def preference_for(user: User) -> FeedPreference | None:
    return FeedPreference.objects.filter(user=user).first()
