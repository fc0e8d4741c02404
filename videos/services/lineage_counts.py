"""The stored counts of a remix family tree: each video's `descendant_count` (every video below
it, whatever its status: the lineage page lists them all, unavailable ones included) and
`remix_count` (its direct remixes).

Kept here, by the services that create and delete videos, in their transactions and with F()
expressions (concurrent remixes of one tree never lose an update), so that no page has to count
a subtree. A deleted video's remixes stay in the tree (their paths still name it), so only the
deleted rows themselves are taken off their ancestors' counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import Case, F, PositiveIntegerField, When
from django.db.models.functions import Greatest

from videos.models import Video


def remix_counted(*, remix: Video) -> None:
    """A remix was created: one more descendant for each ancestor, one more remix for its
    parent. One UPDATE."""
    ancestor_ids = remix.ancestor_ids
    if not ancestor_ids:
        return
    Video.objects.filter(pk__in=ancestor_ids).update(
        descendant_count=F("descendant_count") + 1,
        remix_count=Case(
            When(pk=remix.parent_id, then=F("remix_count") + 1),
            default=F("remix_count"),
            output_field=PositiveIntegerField(),
        ),
    )


def remixes_uncounted(*, videos: Iterable[Video]) -> None:
    """`videos` are about to be deleted: take them off their ancestors' counts. One UPDATE per
    distinct change (one for a single video). Counts never go below zero, so a tree written
    around the services (a bulk load, an admin delete) cannot make a deletion fail."""
    descendants: Counter[int] = Counter()
    remixes: Counter[int] = Counter()
    for video in videos:
        descendants.update(video.ancestor_ids)
        if video.parent_id is not None:
            remixes[video.parent_id] += 1
    by_change: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, lost in descendants.items():
        by_change[(lost, remixes[pk])].append(pk)
    for (lost, lost_remixes), pks in by_change.items():
        Video.objects.filter(pk__in=pks).update(
            descendant_count=Greatest(
                F("descendant_count") - lost, 0, output_field=PositiveIntegerField()
            ),
            remix_count=Greatest(
                F("remix_count") - lost_remixes, 0, output_field=PositiveIntegerField()
            ),
        )
