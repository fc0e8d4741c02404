"""Reads of the remix family tree: ancestors back to the root and a page of descendants.

Each query is bounded whatever the tree size: ancestors come from the ids in `lineage_path` (one
query), descendants from a prefix match inside one root, ordered by path so a page is a
depth-first slice of the tree. A node the viewer may not see (removed, private, a draft, or
deleted) is shown as "unavailable" and carries nothing: no prompt, caption, owner or media.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, CharField, Count, Q, Value, When
from django.db.models.functions import Cast, Concat

from accounts.social import Block, Follow
from videos.models import Video

DESCENDANTS_PER_PAGE = 50


@dataclass(frozen=True)
class LineageNode:
    depth: int
    video: Video | None  # None: unavailable to this viewer

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
    published = Q(status=Video.Status.PUBLISHED)
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


def lineage_for(*, video: Video, viewer_id: int | None, page: int = 1) -> Lineage:
    page = max(page, 1)
    ancestor_ids = _ancestor_ids(video)
    visible = Video.objects.filter(_visible_filter(viewer_id)).select_related("owner")
    found = {v.pk: v for v in visible.filter(pk__in=ancestor_ids)}
    ancestors = [LineageNode(depth, found.get(pk)) for depth, pk in enumerate(ancestor_ids)]

    prefix = f"{video.lineage_path}{video.pk}/"
    root_id = video.root_id or video.pk
    subtree = Video.objects.filter(root_id=root_id, lineage_path__startswith=prefix)
    counts = subtree.aggregate(total=Count("pk"), direct=Count("pk", filter=Q(parent_id=video.pk)))
    start = (page - 1) * DESCENDANTS_PER_PAGE
    rows = list(
        subtree.annotate(
            shown=Case(
                When(_visible_filter(viewer_id), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            # The node's own path: ordering by it lists the tree depth-first.
            tree_path=Concat("lineage_path", Cast("pk", CharField()), Value("/")),
        )
        .select_related("owner")
        .order_by("tree_path")[start : start + DESCENDANTS_PER_PAGE + 1]
    )
    descendants = [
        LineageNode(row.depth - video.depth, row if row.shown else None)
        for row in rows[:DESCENDANTS_PER_PAGE]
    ]
    return Lineage(
        video=video,
        ancestors=ancestors,
        descendants=descendants,
        descendant_count=counts["total"],
        direct_remix_count=counts["direct"],
        page=page,
        has_next=len(rows) > DESCENDANTS_PER_PAGE,
    )
