"""Reads of the feed: candidates, ranking, pages. A constant number of queries per page.

Paging: the first page fixes a snapshot time; later pages carry it in the cursor, so videos the
viewer watched meanwhile (or that were published since) do not shift the ranking under them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User
from accounts.social import Block, Follow
from feed import ranking
from feed.models import FeedDay, FeedPreference, Like, SeeLess, VideoStats, ViewEvent
from moderation.selectors import hidden_account_ids, restricted_ids
from sora_site.core import embeddings
from sora_site.core.errors import ValidationFailed
from videos.models import Video
from videos.selectors import adult_only_hidden

CANDIDATES_RECENT = 300
CANDIDATES_POPULAR = 100
CANDIDATES_FOLLOWED = 200
# The shared suggestion pool: about twice what one viewer uses, so that what they follow, have
# seen or may not see still leaves enough.
POOL_RECENT = 600
POOL_POPULAR = 200
POOL_CACHE_KEY = "feed:pool:v1"
CANDIDATE_FIELDS = (
    "id",
    "owner_id",
    "published_at",
    "stats__likes",
    "stats__comments",
    "stats__views",
    "stats__remixes",
)
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
    capped: bool = False  # a teen watched today's cap of videos: show the stop screen
    remaining_today: int | None = None  # teens only: distinct videos they may still watch today
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
    # A banned or suspended creator's videos are hidden from everyone but themselves.
    suspended_owner = Q(owner_id__in=hidden_account_ids())
    if adult_only_hidden(viewer):  # teens and visitors; a creator still sees their own
        own = Q(owner_id=viewer.pk) if viewer is not None else Q(pk=None)
        videos = videos.filter(Q(adult_only=False) | own)
    if viewer is None:
        return videos.filter(visibility=Video.Visibility.PUBLIC).exclude(suspended_owner)
    followed = Follow.objects.filter(follower=viewer).values("followee_id")
    return videos.filter(
        Q(visibility=Video.Visibility.PUBLIC)
        | Q(owner_id__in=Subquery(followed))
        | Q(owner_id=viewer.pk)
    ).exclude(_hidden_owner_ids(viewer) | (suspended_owner & ~Q(owner_id=viewer.pk)))


def _shared_pool() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(newest, most liked) public videos that the site-wide rules allow, shared by every viewer.

    Cached for FEED_POOL_SECONDS: building it is the only part of a page that reads across the
    whole video table. Per-viewer rules are applied to it in `_candidate_rows`, and the page's
    final query goes through `visible_published_videos` again, so a video hidden or removed since
    the pool was built is never shown; a newly published one joins suggestions within the TTL.
    A refresh between two pages can move suggestions, as new likes already could.
    """
    pool = cache.get(POOL_CACHE_KEY)
    if pool is None:
        public = Video.objects.filter(
            status=Video.Status.PUBLISHED,
            visibility=Video.Visibility.PUBLIC,
            owner__is_active=True,
        ).exclude(Q(pk__in=restricted_ids(Video)) | Q(owner_id__in=hidden_account_ids()))
        fields = (*CANDIDATE_FIELDS, "adult_only")
        recent = public.order_by("-published_at").values(*fields)[:POOL_RECENT]
        # INNER JOIN on stats (likes > 0) lets the stats_popular index give the order.
        popular = public.filter(stats__likes__gt=0).order_by("-stats__likes", "-published_at")
        pool = (list(recent), list(popular.values(*fields)[:POOL_POPULAR]))
        cache.set(POOL_CACHE_KEY, pool, settings.FEED_POOL_SECONDS)
    return pool


@dataclass(frozen=True)
class ViewerState:
    """What a page needs to know about the viewer, read in one query."""

    watched_today: int  # distinct videos watched today (FeedDay), what the teen cap counts
    more_embedding: bytes | None
    less_embedding: bytes | None
    has_see_less: bool

    @property
    def steers(self) -> bool:
        return bool(self.more_embedding or self.less_embedding or self.has_see_less)


def _viewer_state(viewer: User) -> ViewerState:
    preference = FeedPreference.objects.filter(user=OuterRef("pk"))
    today = FeedDay.objects.filter(user=OuterRef("pk"), day=timezone.localdate())
    row: Mapping[str, Any] = (
        User.objects.filter(pk=viewer.pk)
        .values(
            watched_today=Subquery(today.values("watched")[:1]),
            more_embedding=Subquery(preference.values("more_embedding")[:1]),
            less_embedding=Subquery(preference.values("less_embedding")[:1]),
            has_see_less=Exists(SeeLess.objects.filter(user=OuterRef("pk"))),
        )
        .first()
    ) or {}
    return ViewerState(
        watched_today=row.get("watched_today") or 0,
        more_embedding=row.get("more_embedding"),
        less_embedding=row.get("less_embedding"),
        has_see_less=bool(row.get("has_see_less")),
    )


FOLLOWS, BLOCKS, SEEN = 1, 2, 3


def _id_in(field: str, ids: set[int]) -> Q:
    """`field IN ids`; on PostgreSQL as one array parameter, since building and sending
    hundreds of separate parameters cost more than the query itself (~5 ms for the pool)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (sorted(ids),))})


def _relations(
    viewer: User, snapshot: dt.datetime, pool_ids: set[int]
) -> tuple[set[int], set[int], set[int]]:
    """(people the viewer follows, people blocked either way, pool videos already seen), in one
    query."""
    kind: IntegerField[int, int] = IntegerField()
    seen = ViewEvent.objects.filter(
        _id_in("video_id", pool_ids), viewer=viewer, created_at__lt=snapshot
    )
    rows = (
        Follow.objects.filter(follower=viewer)
        .values_list("followee_id", Value(FOLLOWS, output_field=kind))
        .union(
            Block.objects.filter(blocker=viewer).values_list(
                "blocked_id", Value(BLOCKS, output_field=kind)
            ),
            Block.objects.filter(blocked=viewer).values_list(
                "blocker_id", Value(BLOCKS, output_field=kind)
            ),
            seen.values_list("video_id", Value(SEEN, output_field=kind)),
            all=True,
        )
    )
    found: dict[int, set[int]] = {FOLLOWS: set(), BLOCKS: set(), SEEN: set()}
    for row_id, relation in rows:
        found[relation].add(row_id)
    return found[FOLLOWS], found[BLOCKS], found[SEEN]


def _candidate_rows(viewer: User, snapshot: dt.datetime) -> list[dict[str, Any]]:
    """Unseen videos of followed creators (one indexed query), then suggestions from the pool."""
    recent, popular = _shared_pool()
    pool_ids = {row["id"] for row in (*recent, *popular)}
    followed_ids, blocked_ids, seen_ids = _relations(viewer, snapshot, pool_ids)
    rows: dict[int, dict[str, Any]] = {}
    if followed_ids - blocked_ids:
        seen = ViewEvent.objects.filter(viewer=viewer, created_at__lt=snapshot)
        followed = (
            visible_published_videos(viewer)
            .filter(owner_id__in=followed_ids - blocked_ids, published_at__lte=snapshot)
            .exclude(id__in=Subquery(seen.values("video_id")))
            .order_by("-published_at")
            .values(*CANDIDATE_FIELDS)[:CANDIDATES_FOLLOWED]
        )
        rows = {row["id"]: {**row, "followed": True} for row in followed}
    skip_owners = followed_ids | blocked_ids | {viewer.pk}
    hide_adult = adult_only_hidden(viewer)

    def allowed(row: dict[str, Any]) -> bool:
        return (
            row["owner_id"] not in skip_owners
            and row["id"] not in seen_ids
            and row["published_at"] <= snapshot
            and not (hide_adult and row["adult_only"])
        )

    for part, limit in ((recent, CANDIDATES_RECENT), (popular, CANDIDATES_POPULAR)):
        for row in [row for row in part if allowed(row)][:limit]:
            rows.setdefault(row["id"], {**row, "followed": False})
    return list(rows.values())


def _embeddings_of(rows: list[dict[str, Any]], viewer: User) -> list[npt.NDArray[np.float32]]:
    """Attach each candidate's prompt embedding (embedding missing ones once per video) and
    return the vectors of the videos the viewer asked to see less like; one query when all
    exist."""
    ids = [row["id"] for row in rows]
    stored = VideoStats.objects.filter(
        Q(video_id__in=ids) | Q(video_id__in=SeeLess.objects.filter(user=viewer).values("video"))
    ).annotate(see_less=Exists(SeeLess.objects.filter(user=viewer, video_id=OuterRef("pk"))))
    vectors: dict[int, bytes | None] = {}
    see_less = []
    for video_id, data, less in stored.values_list("video_id", "embedding", "see_less"):
        vectors[video_id] = data
        if less and (vector := embeddings.from_bytes(data)) is not None:
            see_less.append(vector)
    missing = [row for row in rows if not vectors.get(row["id"])]
    if missing:
        prompts = dict(
            Video.objects.filter(id__in=[row["id"] for row in missing]).values_list("id", "prompt")
        )
        for row, vector in zip(
            missing, embeddings.embed([prompts[row["id"]] for row in missing]), strict=True
        ):
            vectors[row["id"]] = embeddings.to_bytes(vector)
        VideoStats.objects.bulk_create(
            [VideoStats(video_id=row["id"], embedding=vectors[row["id"]]) for row in missing],
            update_conflicts=True,
            unique_fields=["video"],
            update_fields=["embedding"],
        )
    for row in rows:
        row["embedding"] = vectors.get(row["id"])
    return see_less


def _ranked(
    viewer: User, state: ViewerState, snapshot: dt.datetime, page_size: int, *, upto: int
) -> tuple[list[ranking.Ranked], int]:
    """The first `upto` places of the viewer's ranking, and how many candidates there are."""
    rows = _candidate_rows(viewer, snapshot)
    steering = ranking.Steering()
    if state.steers:  # only then are the candidates' embeddings read
        see_less = _embeddings_of(rows, viewer)
        steering = ranking.Steering(
            more=embeddings.matrix_from_bytes(state.more_embedding),
            less=embeddings.matrix_from_bytes(state.less_embedding),
            see_less=np.stack(see_less) if see_less else None,
        )
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
            embedding=embeddings.from_bytes(row.get("embedding")),
        )
        for row in rows
    ]
    ranked = ranking.rank(candidates, steering)
    return ranking.diversify(ranked, page_size, limit=upto), len(ranked)


def _why(reason: str, video: Video) -> str:
    return ranking.REASON_TEXT[reason].format(handle=video.owner.handle, site=settings.SITE_NAME)


def with_viewer_flags(videos: QuerySet[Video], viewer: User) -> QuerySet[Video]:
    return videos.select_related("owner", "stats").annotate(
        liked=Exists(Like.objects.filter(user=viewer, video=OuterRef("pk"))),
        following_owner=Exists(
            Follow.objects.filter(follower=viewer, followee_id=OuterRef("owner_id"))
        ),
    )


def _teen_remaining(viewer: User, watched_today: int) -> int | None:
    if not viewer.is_teen:
        return None
    return max(settings.FEED_TEEN_DAILY_CAP - watched_today, 0)


def remaining_today(viewer: User) -> int | None:
    """How many more distinct videos a teen may watch today; None for adults."""
    if not viewer.is_teen:
        return None
    today = FeedDay.objects.filter(user=viewer, day=timezone.localdate())
    return _teen_remaining(viewer, today.values_list("watched", flat=True).first() or 0)


def video_with_viewer_flags(video: Video, viewer: User | None) -> Video:
    """The video as the action rail needs it (counts; liked and following for a signed-in
    viewer), read in one query. The caller has already decided the viewer may watch it."""
    videos = Video.objects.filter(pk=video.pk)
    flagged: QuerySet[Video]
    if viewer is None:
        flagged = videos.select_related("owner", "stats").annotate(
            liked=Value(False), following_owner=Value(False)
        )
    else:
        flagged = with_viewer_flags(videos, viewer)
    return flagged.first() or video


def feed_page(*, viewer: User, cursor: str | None = None, page_size: int = 10) -> FeedPage:
    """One page of the viewer's feed; reads only. Teens are capped per day here, on the server:
    the cap counts distinct videos watched today (recorded by `services.view_record`), so a page
    holds at most as many (unwatched) videos as the teen may still watch, and none once the cap
    is reached."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    position = Cursor.decode(cursor)
    state = _viewer_state(viewer)
    remaining = _teen_remaining(viewer, state.watched_today)
    if remaining == 0:
        return FeedPage([], None, capped=True, remaining_today=0, continuous_scroll=False)
    if remaining is not None:
        page_size = min(page_size, remaining)
    ranked, total = _ranked(
        viewer, state, position.snapshot, page_size, upto=position.offset + page_size
    )
    window = ranked[position.offset : position.offset + page_size]
    by_id = {
        v.pk: v
        # The visibility rule again: the pool may be up to FEED_POOL_SECONDS old.
        for v in with_viewer_flags(
            visible_published_videos(viewer).filter(id__in=[r.video_id for r in window]), viewer
        )
    }
    items = [
        FeedItem(by_id[r.video_id], r.reason, _why(r.reason, by_id[r.video_id]))
        for r in window
        if r.video_id in by_id
    ]
    more = position.offset + page_size < total
    next_cursor = Cursor(position.offset + page_size, position.snapshot).encode() if more else None
    return FeedPage(
        items=items,
        next_cursor=next_cursor,
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


def comments_for(video: Video, *, limit: int | None = 50) -> QuerySet[Any]:
    """The comments anyone may read on `video`, newest first: without those a moderator removed
    or limited and those hidden by reports. The page and the API both list these; the API pages
    through them with its cursor (`limit=None`), which orders by the same keys."""
    from feed.models import Comment

    visible = video.comments.exclude(pk__in=restricted_ids(Comment))
    ordered = visible.select_related("author").order_by("-created_at", "-id")
    return ordered if limit is None else ordered[:limit]


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
