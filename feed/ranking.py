"""Scoring of feed candidates: pure functions over plain numbers, easy to test and tune.

Followed creators' unseen videos come first, ordered by recency and engagement. Everything else
is "suggested": engagement with a recency decay, nudged by the viewer's steering (similarity to
what they asked for, away from what they said they want less of), with at most
`MAX_PER_CREATOR` videos of one creator in each page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FOLLOWED_HALF_LIFE_HOURS = 48.0
SUGGESTED_HALF_LIFE_HOURS = 72.0
MAX_PER_CREATOR = 2
STEER_MIN_SIMILARITY = 0.2  # below this a video is unrelated to the viewer's request
STEER_BOOST = 3.0
STEER_DEMOTE = 3.0
SEE_LESS_DEMOTE = 2.5

REASON_FOLLOWING = "following"
REASON_STEERED = "steered"
REASON_POPULAR = "popular"
REASON_SUGGESTED = "suggested"
REASON_TEXT = {
    REASON_FOLLOWING: "You follow @{handle}.",
    REASON_STEERED: "Similar to what you asked for in Tune my feed.",
    REASON_POPULAR: "Popular on {site} right now.",
    REASON_SUGGESTED: "A recent video you might like.",
}


@dataclass(frozen=True)
class Candidate:
    video_id: int
    owner_id: int
    followed: bool
    age_hours: float
    likes: int
    comments: int
    views: int
    remixes: int
    embedding: npt.NDArray[np.float32] | None


@dataclass(frozen=True)
class Ranked:
    video_id: int
    owner_id: int
    score: float
    reason: str


@dataclass(frozen=True)
class Steering:
    """Each is an (n, 384) matrix of unit vectors; a video's similarity to one is its best match
    (a mean of "animals" and "cooking" would match neither)."""

    more: npt.NDArray[np.float32] | None = None  # phrases the viewer wants more of
    less: npt.NDArray[np.float32] | None = None  # phrases the viewer wants less of
    see_less: npt.NDArray[np.float32] | None = None  # videos marked "see less like this"


def engagement(c: Candidate) -> float:
    return math.log1p(c.likes + 2.0 * c.comments + 3.0 * c.remixes + 0.1 * c.views)


def decay(age_hours: float, half_life: float) -> float:
    return float(0.5 ** (max(age_hours, 0.0) / half_life))


def _similarity(
    vector: npt.NDArray[np.float32] | None, targets: npt.NDArray[np.float32] | None
) -> float:
    if vector is None or targets is None or not len(targets):
        return 0.0
    return float(np.max(np.atleast_2d(targets) @ vector))


def steer_factor(c: Candidate, steering: Steering) -> tuple[float, bool]:
    """Multiplier from the viewer's steering, and whether the boost is the reason to show it."""
    factor = 1.0
    more = _similarity(c.embedding, steering.more) - STEER_MIN_SIMILARITY
    if more > 0:
        factor *= 1.0 + STEER_BOOST * more
    less = _similarity(c.embedding, steering.less) - STEER_MIN_SIMILARITY
    if less > 0:
        factor /= 1.0 + STEER_DEMOTE * less
    closest = _similarity(c.embedding, steering.see_less) - STEER_MIN_SIMILARITY
    if closest > 0:
        factor /= 1.0 + SEE_LESS_DEMOTE * closest
    return factor, more > 0.1


def rank(candidates: Sequence[Candidate], steering: Steering) -> list[Ranked]:
    """Followed first (unseen ones are the only ones passed in), then suggested."""
    followed: list[Ranked] = []
    suggested: list[Ranked] = []
    for c in candidates:
        factor, steered = steer_factor(c, steering)
        if c.followed:
            score = decay(c.age_hours, FOLLOWED_HALF_LIFE_HOURS) * (1.0 + 0.3 * engagement(c))
            followed.append(Ranked(c.video_id, c.owner_id, score * factor, REASON_FOLLOWING))
            continue
        popularity = engagement(c)
        score = (0.2 + popularity) * decay(c.age_hours, SUGGESTED_HALF_LIFE_HOURS) * factor
        if steered:
            reason = REASON_STEERED
        elif popularity >= math.log1p(10):
            reason = REASON_POPULAR
        else:
            reason = REASON_SUGGESTED
        suggested.append(Ranked(c.video_id, c.owner_id, score, reason))
    key = lambda r: (-r.score, -r.video_id)  # noqa: E731 - ties broken newest first
    return sorted(followed, key=key) + sorted(suggested, key=key)


def diversify(ranked: Sequence[Ranked], page_size: int, limit: int | None = None) -> list[Ranked]:
    """Reorder so that no page holds more than MAX_PER_CREATOR suggested videos of one creator.

    Followed videos keep their place at the front (the viewer chose those creators); a suggested
    video that would break the cap waits for the next page instead of being dropped. With
    `limit`, stops once the first `limit` places are settled (the pages a request needs).
    """
    result: list[Ranked] = []
    pending = list(ranked)
    while pending and (limit is None or len(result) < limit):
        page: list[Ranked] = []
        per_creator: dict[int, int] = {}
        deferred: list[Ranked] = []
        for item in pending:
            if len(page) >= page_size:
                deferred.append(item)
                continue
            if item.reason != REASON_FOLLOWING:
                if per_creator.get(item.owner_id, 0) >= MAX_PER_CREATOR:
                    deferred.append(item)
                    continue
                per_creator[item.owner_id] = per_creator.get(item.owner_id, 0) + 1
            page.append(item)
        if not page:  # only over-cap items remain: let them through rather than loop forever
            page, deferred = deferred[:page_size], deferred[page_size:]
        result.extend(page)
        pending = deferred
    return result
