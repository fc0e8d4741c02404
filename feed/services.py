"""Every write of the feed: likes, comments, views (and the teen daily count), steering."""

from __future__ import annotations

import re

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import User
from accounts.social import is_blocked_between
from feed.models import (
    Comment,
    FeedDay,
    FeedDayVideo,
    FeedPreference,
    Like,
    SeeLess,
    VideoStats,
    ViewEvent,
)
from feed.selectors import visible_published_videos
from sora_site.core import embeddings
from sora_site.core.errors import NotFound, PermissionDenied, ValidationFailed
from sora_site.core.rate_limits import rate_limit_take
from sora_site.core.text import reject_nul
from videos.models import Video

COMMENT_MAX_CHARS = 500
PREFERENCE_MAX_CHARS = 300
MAX_WATCH_SECONDS_PER_EVENT = 3600.0


def video_for_viewer(*, viewer: User | None, public_id: str) -> Video:
    """A published video the viewer may see, or NotFound (never reveals that a draft exists)."""
    video = (
        visible_published_videos(viewer).select_related("owner").filter(public_id=public_id).first()
    )
    if video is None:
        raise NotFound("This video is not available.")
    return video


def _bump(video_id: int, **deltas: int | float) -> None:
    """Add to a video's counters with F() so concurrent updates never lose one."""
    updates = {name: Greatest(F(name) + delta, 0) for name, delta in deltas.items()}
    if not VideoStats.objects.filter(video_id=video_id).update(**updates):
        try:
            with transaction.atomic():
                VideoStats.objects.create(
                    video_id=video_id, **{k: max(v, 0) for k, v in deltas.items()}
                )
        except IntegrityError:  # created concurrently: apply the delta to that row
            VideoStats.objects.filter(video_id=video_id).update(**updates)


def remix_count_add(parent_id: int, delta: int) -> None:
    """Registered with videos (feed/apps.py): a remix of `parent_id` was published (+1) or
    stopped being published (-1)."""
    _bump(parent_id, remixes=delta)


def _check_interaction(viewer: User, video: Video) -> None:
    if is_blocked_between(viewer, video.owner):
        raise PermissionDenied("You can't interact with this account.", code="blocked")


def like_set(*, viewer: User, video: Video, liked: bool) -> bool:
    """Like or unlike; repeating the same request changes nothing. Returns the new state."""
    _check_interaction(viewer, video)
    with transaction.atomic():
        if liked:
            _, created = Like.objects.get_or_create(user=viewer, video=video)
            if created:
                _bump(video.pk, likes=1)
        elif Like.objects.filter(user=viewer, video=video).delete()[0]:
            _bump(video.pk, likes=-1)
    return liked


def _moderate_comment(viewer: User, text: str) -> None:
    """The same policy gate as prompts (records decisions, refuses suspended accounts); a
    comment that would need review is not posted: there is no review queue for comments."""
    from moderation.gate import prompt_gate

    decision = prompt_gate(user=viewer, text=text, context="comment")
    if not decision.allowed:
        raise ValidationFailed(
            f"This comment can't be posted: {decision.reason}", code="comment_blocked"
        )


def comment_create(*, viewer: User, video: Video, text: str) -> Comment:
    text = reject_nul((text or "").strip(), "comment")
    if not text:
        raise ValidationFailed("Write something first.", code="empty_comment")
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationFailed(
            f"Comments are at most {COMMENT_MAX_CHARS} characters.", code="comment_too_long"
        )
    _check_interaction(viewer, video)
    rate_limit_take(
        key=f"comment:{viewer.pk}",
        limit=int(settings.FEED_COMMENTS_PER_MINUTE),
        window_seconds=60,
        message="You're commenting very fast. Wait a minute and try again.",
        code="rate_limited",
    )
    _moderate_comment(viewer, text)
    with transaction.atomic():
        comment = Comment.objects.create(video=video, author=viewer, text=text)
        _bump(video.pk, comments=1)
    return comment


def comment_delete(*, viewer: User, comment_id: int) -> None:
    """The comment's author and the video's owner may delete it; nobody else learns it exists."""
    comment = Comment.objects.select_related("video").filter(pk=comment_id).first()
    if comment is None or viewer.pk not in (comment.author_id, comment.video.owner_id):
        raise NotFound("This comment is not available.")
    with transaction.atomic():
        comment.delete()
        _bump(comment.video_id, comments=-1)


def watched_enough(video: Video, seconds: float) -> bool:
    """Whether one report of `seconds` played is a real watch: FEED_WATCHED_SECONDS, or the
    whole clip when it is shorter. The feed's player applies the same rule to its break prompt."""
    needed = float(settings.FEED_WATCHED_SECONDS)
    length = video.length_seconds or float(video.duration)
    if length > 0:
        needed = min(needed, length)
    return seconds >= needed


def view_record(*, viewer: User, video: Video, watch_seconds: float) -> ViewEvent:
    """A view is counted once per viewer and video; later reports only add watch time. For a
    teen, a report of a real watch (`watched_enough`) also counts the video in today's
    `FeedDay`, once a day however often it is reported - this is what the daily cap counts."""
    seconds = min(max(float(watch_seconds), 0.0), MAX_WATCH_SECONDS_PER_EVENT)
    if not np.isfinite(seconds):
        raise ValidationFailed("watch_seconds must be a number of seconds.", code="invalid")
    with transaction.atomic():
        event = ViewEvent.objects.filter(viewer=viewer, video=video).first()
        if event is None:
            event = ViewEvent.objects.create(viewer=viewer, video=video, watch_seconds=seconds)
            _bump(video.pk, views=1, watch_seconds=seconds)
        elif seconds > event.watch_seconds:
            added = seconds - event.watch_seconds
            ViewEvent.objects.filter(pk=event.pk).update(watch_seconds=seconds)
            _bump(video.pk, watch_seconds=added)
        if viewer.is_teen and watched_enough(video, seconds):
            _feed_day_count(viewer, video)
    return event


def _feed_day_count(viewer: User, video: Video) -> None:
    """Count `video` in the viewer's today once. The unique (day, video) row decides: of two
    reports at once, the second's insert waits for the first and fails, so it adds nothing."""
    feed_day, _ = FeedDay.objects.get_or_create(user=viewer, day=timezone.localdate())
    try:
        with transaction.atomic():
            FeedDayVideo.objects.create(feed_day=feed_day, video=video)
    except IntegrityError:
        return  # already counted today
    FeedDay.objects.filter(pk=feed_day.pk).update(watched=F("watched") + 1)


_LESS = re.compile(r"^(?:less|fewer|no|not|without|stop|don'?t show|never)\b\s*(?:of\s+)?", re.I)
_MORE = re.compile(r"^(?:more|show me|i want|i like|lots of|plenty of)\b\s*(?:of\s+)?", re.I)


def parse_preference(text: str) -> tuple[list[str], list[str]]:
    """Plain words -> (more of, less of). "more animals and cooking, less pranks" gives
    (["animals", "cooking"], ["pranks"]). A clause keeps its direction until a new cue."""
    more: list[str] = []
    less: list[str] = []
    target = more
    for clause in re.split(r"[,;.\n]|\bbut\b", text):
        clause = clause.strip()
        if not clause:
            continue
        if _LESS.match(clause):
            target, clause = less, _LESS.sub("", clause, count=1)
        elif _MORE.match(clause):
            target, clause = more, _MORE.sub("", clause, count=1)
        for phrase in re.split(r"\band\b|&|\+|/", clause):
            phrase = phrase.strip(" -")
            if phrase and len(phrase) <= 80:
                target.append(phrase)
    return more[:10], less[:10]


def _phrase_vectors(phrases: list[str]) -> bytes | None:
    """One vector per phrase, stored back to back (see embeddings.matrix_from_bytes)."""
    return embeddings.to_bytes(embeddings.embed(phrases)) if phrases else None


def preference_set(*, viewer: User, text: str) -> FeedPreference:
    text = reject_nul((text or "").strip(), "text")
    if len(text) > PREFERENCE_MAX_CHARS:
        raise ValidationFailed(
            f"Keep it under {PREFERENCE_MAX_CHARS} characters.", code="preference_too_long"
        )
    more, less = parse_preference(text)
    if text and not (more or less):
        raise ValidationFailed(
            'Say what you want more or less of, like "more animals, less pranks".',
            code="preference_unclear",
        )
    preference, _ = FeedPreference.objects.update_or_create(
        user=viewer,
        defaults={
            "text": text,
            "more_of": more,
            "less_of": less,
            "more_embedding": _phrase_vectors(more),
            "less_embedding": _phrase_vectors(less),
        },
    )
    return preference


def see_less(*, viewer: User, video: Video) -> None:
    SeeLess.objects.get_or_create(user=viewer, video=video)
    # Steering compares candidates with this video's prompt: make sure its vector exists.
    if not VideoStats.objects.filter(video=video, embedding__isnull=False).exists():
        vector = embeddings.to_bytes(embeddings.embed([video.prompt])[0])
        VideoStats.objects.bulk_create(
            [VideoStats(video=video, embedding=vector)],
            update_conflicts=True,
            unique_fields=["video"],
            update_fields=["embedding"],
        )
