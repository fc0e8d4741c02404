"""Reads of the remix family tree: ancestors back to the root and a page of descendants.

The number of queries is the same whatever the tree size, and none reads more rows than the
page shows:

- ancestors come from the ids in `lineage_path` (one query by primary key);
- the counts are the video's stored `descendant_count` and `remix_count` (kept by
  `videos.services.lineage_counts`), read by primary key together with the cursor node's path;
- a page of descendants is one range read on the `video_tree_path` index: a video's descendants
  are the rows whose `tree_path` starts with its own, and in byte order they come depth first,
  so the page is the next 51 index entries after a cursor (keyset pagination: no OFFSET, no
  count of the subtree).

The cursors ("after" / "before" a node) are the node's id encrypted with a key derived from
SECRET_KEY: they say nothing about the node, which may be one the viewer cannot see.

A node the viewer may not see (removed, private, a draft, a banned creator's, or deleted) is
shown as "unavailable" and carries nothing: no prompt, caption, owner or media.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db.models import BooleanField, Case, CharField, Q, Subquery, Value, When

from accounts.social import Block, Follow
from moderation.selectors import hidden_account_ids
from sora_site.core.errors import ValidationFailed
from videos.models import ByteOrder, Video
from videos.selectors import adult_only_hidden_for_id

DESCENDANTS_PER_PAGE = 50
# What a lineage node shows (the page and the API), read as plain values: a deep tree has 250
# nodes on a page, and building model instances for them cost more than the queries.
NODE_FIELDS = ("pk", "public_id", "caption", "prompt", "depth", "owner__handle")
_CURSOR_CONTEXT = b"framecast.videos.lineage.cursor"


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
class PageCursor:
    """Where a page of descendants starts: right after, or right before, one node."""

    direction: Literal["after", "before"]
    video_pk: int


@dataclass(frozen=True)
class Lineage:
    video: Video
    ancestors: list[LineageNode]
    descendants: list[LineageNode]
    descendant_count: int
    direct_remix_count: int
    next_cursor: str | None  # pass as `after`
    previous_cursor: str | None  # pass as `before`

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def _fernet() -> Fernet:
    key = hashlib.sha256(_CURSOR_CONTEXT + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def cursor_encode(video_pk: int) -> str:
    return _fernet().encrypt(str(video_pk).encode()).decode()


def cursor_decode(*, after: str | None = None, before: str | None = None) -> PageCursor | None:
    """The cursor from a request's `after` or `before` (at most one); None for the first page.
    A cursor that was not made here raises ValidationFailed."""
    if after and before:
        raise ValidationFailed("Give either after or before, not both.", code="invalid_cursor")
    token = after or before
    if not token:
        return None
    try:
        video_pk = int(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise ValidationFailed(
            "That page link is not valid; start from the first page.", code="invalid_cursor"
        ) from exc
    return PageCursor("after" if after else "before", video_pk)


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


def _own_path(video: Video) -> str:
    return f"{video.lineage_path}{video.pk}/"  # its tree_path, without reading it


def _node_video(row: tuple[Any, ...]) -> NodeVideo:
    _, public_id, caption, prompt, _, handle = row[: len(NODE_FIELDS)]
    return NodeVideo(public_id=public_id, caption=caption, prompt=prompt, owner=NodeOwner(handle))


def _descendant_page(
    video: Video, visible: Q, cursor: PageCursor | None, cursor_path: str | None
) -> tuple[list[LineageNode], list[tuple[Any, ...]], bool]:
    """A page of descendants in depth-first order, its rows, and whether more lie beyond it in
    the cursor's direction. One query that reads at most DESCENDANTS_PER_PAGE + 1 index entries."""
    start = _own_path(video)  # excluded: the video itself
    end = f"{start[:-1]}0"  # paths hold digits and "/", and "0" follows "/" in byte order
    rows = Video.objects.alias(tree_key=ByteOrder("tree_path")).filter(
        tree_key__gt=start, tree_key__lt=end
    )
    backwards = cursor is not None and cursor.direction == "before"
    if cursor is None:
        rows = rows.order_by("tree_key")
    elif backwards:
        rows = rows.filter(tree_key__lt=cursor_path or end).order_by("-tree_key")
    else:
        rows = rows.filter(tree_key__gt=cursor_path or start).order_by("tree_key")
    shown = Case(When(visible, then=Value(True)), default=Value(False), output_field=BooleanField())
    fetched = list(
        rows.annotate(shown=shown).values_list(*NODE_FIELDS, "shown")[: DESCENDANTS_PER_PAGE + 1]
    )
    more = len(fetched) > DESCENDANTS_PER_PAGE
    page = fetched[:DESCENDANTS_PER_PAGE]
    if backwards:
        page.reverse()
    nodes = [
        LineageNode(row[4] - video.depth, _node_video(row) if row[-1] else None) for row in page
    ]
    return nodes, page, more


def _ancestors(video: Video, visible: Q) -> list[LineageNode]:
    ancestor_ids = video.ancestor_ids
    if not ancestor_ids:
        return []
    rows = Video.objects.filter(visible, pk__in=ancestor_ids).order_by().values_list(*NODE_FIELDS)
    found = {row[0]: _node_video(row) for row in rows}
    return [LineageNode(depth, found.get(pk)) for depth, pk in enumerate(ancestor_ids)]


def lineage_for(
    *, video: Video, viewer_id: int | None, cursor: PageCursor | None = None
) -> Lineage:
    visible = _visible_filter(viewer_id)
    # Read again rather than taken from `video`: the caller's instance may predate a remix.
    # The cursor node's path comes in the same query, so that the page's bounds are constants
    # the planner sees (None when that node has been deleted since: the page starts over).
    here = Video.objects.filter(pk=video.pk).order_by()
    if cursor is not None:
        cursor_node = Video.objects.filter(pk=cursor.video_pk).order_by().values("tree_path")
        here = here.annotate(cursor_path=Subquery(cursor_node[:1]))
    else:
        here = here.annotate(cursor_path=Value(None, output_field=CharField()))
    found = here.values_list("descendant_count", "remix_count", "cursor_path").first()
    descendant_count, direct_remix_count, cursor_path = found or (0, 0, None)
    descendants, rows, more = _descendant_page(video, visible, cursor, cursor_path)
    backwards = cursor is not None and cursor.direction == "before"
    # Going forwards there is a next page when more rows came; backwards, there always is
    # (the cursor's node), and symmetrically for the previous page.
    has_next = bool(rows) and (backwards or more)
    has_previous = bool(rows) and cursor is not None and (more or not backwards)
    return Lineage(
        video=video,
        ancestors=_ancestors(video, visible),
        descendants=descendants,
        descendant_count=descendant_count,
        direct_remix_count=direct_remix_count,
        next_cursor=cursor_encode(rows[-1][0]) if has_next else None,
        previous_cursor=cursor_encode(rows[0][0]) if has_previous else None,
    )
