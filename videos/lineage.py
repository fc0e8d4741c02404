"""Reads of the remix family tree: ancestors back to the root and a page of descendants.

The number of queries is the same whatever the tree size, and each one reads only what it shows:

- ancestors come from the ids in `lineage_path` (one query by primary key);
- descendants are the rows whose `lineage_path` starts with the video's own path. The prefix is
  read from the `lineage_path` index: on SQLite as a range (its LIKE cannot use an index), on
  PostgreSQL as LIKE 'prefix%' (served by the varchar_pattern_ops index Django adds, whatever the
  database's collation);
- a page is a depth-first slice of the subtree: the subtree's ids are ordered by each node's own
  path compared byte by byte, and only the page's rows are then read in full.

A node the viewer may not see (removed, private, a draft, a banned creator's, or deleted) is
shown as "unavailable" and carries nothing: no prompt, caption, owner or media.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Collate, Concat

from accounts.social import Block, Follow
from moderation.selectors import hidden_account_ids
from videos.models import Video
from videos.selectors import adult_only_hidden_for_id

DESCENDANTS_PER_PAGE = 50
# What a lineage node shows (the page and the API), read as plain values: a deep tree has 250
# nodes on a page, and building model instances for them cost more than the queries.
NODE_FIELDS = ("pk", "public_id", "caption", "prompt", "lineage_path", "depth", "owner__handle")


@dataclass(frozen=True)
class NodeOwner:
    handle: str


@dataclass(frozen=True)
class NodeVideo:
    """What a lineage node shows of a video the viewer may see."""

    public_id: str
    caption: str
    prompt: str
    owner: NodeOwner


@dataclass(frozen=True)
class LineageNode:
    depth: int
    video: NodeVideo | None  # None: unavailable to this viewer

    @property
    def available(self) -> bool:
        return self.video is not None


@dataclass(frozen=True)
class Lineage:
    video: Video
    ancestors: list[LineageNode]
    descendants: list[LineageNode]
    descendant_count: int
    direct_remix_count: int
    page: int
    has_next: bool


def _visible_filter(viewer_id: int | None) -> Q:
    # A banned or suspended creator's videos show as unavailable to everyone else.
    published = Q(status=Video.Status.PUBLISHED) & ~Q(owner_id__in=hidden_account_ids())
    if adult_only_hidden_for_id(viewer_id):
        published &= Q(adult_only=False)
    if viewer_id is None:
        return published & Q(visibility=Video.Visibility.PUBLIC)
    followed = Follow.objects.filter(follower_id=viewer_id).values("followee_id")
    blocked = Block.objects.filter(Q(blocker_id=viewer_id) | Q(blocked_id=viewer_id))
    hidden_owners = blocked.values("blocked_id").union(blocked.values("blocker_id"))
    return (Q(owner_id=viewer_id) & ~Q(status=Video.Status.REMOVED)) | (
        published
        & (Q(visibility=Video.Visibility.PUBLIC) | Q(owner_id__in=followed))
        & ~Q(owner_id__in=hidden_owners)
    )


def _ancestor_ids(video: Video) -> list[int]:
    return [int(part) for part in video.lineage_path.split("/") if part]


def _own_path(video: Video) -> str:
    return f"{video.lineage_path}{video.pk}/"


def _in_subtree(prefix: str) -> Q:
    """Rows whose lineage path starts with `prefix`, in a form the database's index serves."""
    if connection.vendor == "sqlite":
        # Paths hold only digits and "/", and "0" follows "/" in byte order, so [prefix,
        # prefix with its last "/" as "0") is exactly the paths that start with prefix.
        return Q(lineage_path__gte=prefix, lineage_path__lt=f"{prefix[:-1]}0")
    return Q(lineage_path__startswith=prefix)


def _byte_order(expression: Concat) -> Collate | Concat:
    """Depth-first order needs byte order ("/" before digits); PostgreSQL's default collation
    may be a language one that ignores punctuation."""
    if connection.vendor == "postgresql":
        return Collate(expression, "C")
    return expression  # SQLite compares text byte by byte (BINARY) already


def _node_video(row: tuple[Any, ...]) -> NodeVideo:
    _, public_id, caption, prompt, _, _, handle = row[: len(NODE_FIELDS)]
    return NodeVideo(public_id=public_id, caption=caption, prompt=prompt, owner=NodeOwner(handle))


def _row_own_path(row: tuple[Any, ...]) -> str:
    return f"{row[4]}{row[0]}/"


def _descendant_page(video: Video, visible: Q, start: int) -> tuple[list[LineageNode], bool]:
    subtree = Video.objects.filter(_in_subtree(_own_path(video)))
    own_path = Concat("lineage_path", Cast("pk", CharField()), Value("/"))
    # Only the ids are sorted (the whole subtree); the page's rows are read afterwards.
    page_ids = (
        subtree.annotate(tree_path=_byte_order(own_path))
        .order_by("tree_path")
        .values("pk")[start : start + DESCENDANTS_PER_PAGE + 1]
    )
    shown = Case(When(visible, then=Value(True)), default=Value(False), output_field=BooleanField())
    rows = (
        Video.objects.filter(pk__in=page_ids)
        .order_by()
        .annotate(shown=shown)
        .values_list(*NODE_FIELDS, "shown")
    )
    # Python compares str by code point, the same byte order as the query's.
    ordered = sorted(rows, key=_row_own_path)
    descendants = [
        LineageNode(row[5] - video.depth, _node_video(row) if row[-1] else None)
        for row in ordered[:DESCENDANTS_PER_PAGE]
    ]
    return descendants, len(ordered) > DESCENDANTS_PER_PAGE


def _ancestors(video: Video, visible: Q) -> list[LineageNode]:
    ancestor_ids = _ancestor_ids(video)
    if not ancestor_ids:
        return []
    rows = Video.objects.filter(visible, pk__in=ancestor_ids).order_by().values_list(*NODE_FIELDS)
    found = {row[0]: _node_video(row) for row in rows}
    return [LineageNode(depth, found.get(pk)) for depth, pk in enumerate(ancestor_ids)]


def _count(rows: QuerySet[Video]) -> Subquery:
    return Subquery(
        rows.order_by()
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )


def _counts(video: Video) -> dict[str, int]:
    """Both counts in one query, each from its own index: the subtree's from `lineage_path`
    alone (no row is read), the direct remixes' from `parent`."""
    row = (
        Video.objects.filter(pk=video.pk)
        .annotate(
            total=_count(Video.objects.filter(_in_subtree(_own_path(video)))),
            direct=_count(Video.objects.filter(parent_id=video.pk)),
        )
        .values("total", "direct")
        .first()
    )
    return row or {"total": 0, "direct": 0}


def lineage_for(*, video: Video, viewer_id: int | None, page: int = 1) -> Lineage:
    page = max(page, 1)
    visible = _visible_filter(viewer_id)
    counts = _counts(video)
    descendants, has_next = _descendant_page(video, visible, (page - 1) * DESCENDANTS_PER_PAGE)
    return Lineage(
        video=video,
        ancestors=_ancestors(video, visible),
        descendants=descendants,
        descendant_count=counts["total"],
        direct_remix_count=counts["direct"],
        page=page,
        has_next=has_next,
    )
