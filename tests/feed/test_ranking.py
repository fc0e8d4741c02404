"""The scoring rules on their own, with plain numbers."""

from __future__ import annotations

import numpy as np

from feed import ranking


def _c(
    video_id: int,
    owner_id: int,
    *,
    followed: bool = False,
    age: float = 1.0,
    likes: int = 0,
    embedding: np.ndarray | None = None,
) -> ranking.Candidate:
    return ranking.Candidate(video_id, owner_id, followed, age, likes, 0, 0, 0, embedding)


def test_followed_videos_come_before_more_popular_suggestions() -> None:
    ranked = ranking.rank(
        [_c(1, 10, likes=5000), _c(2, 20, followed=True, age=30), _c(3, 30, likes=10)],
        ranking.Steering(),
    )
    assert [r.video_id for r in ranked] == [2, 1, 3]
    assert ranked[0].reason == ranking.REASON_FOLLOWING
    assert ranked[1].reason == ranking.REASON_POPULAR


def test_recency_decays_engagement() -> None:
    fresh, stale = _c(1, 10, likes=50, age=1), _c(2, 20, likes=50, age=24 * 7)
    assert [r.video_id for r in ranking.rank([stale, fresh], ranking.Steering())] == [1, 2]


def test_diversity_caps_suggestions_per_creator_per_page() -> None:
    ranked = ranking.rank(
        [_c(i, 10, likes=100 - i) for i in range(1, 6)] + [_c(9, 20, likes=1)], ranking.Steering()
    )
    paged = ranking.diversify(ranked, page_size=3)
    first_page = paged[:3]
    assert sum(1 for r in first_page if r.owner_id == 10) == ranking.MAX_PER_CREATOR
    assert 9 in [r.video_id for r in first_page]
    assert sorted(r.video_id for r in paged) == [1, 2, 3, 4, 5, 9]  # deferred, never dropped


def test_diversity_with_a_limit_settles_the_same_first_places() -> None:
    ranked = ranking.rank(
        [_c(i, 10 + i % 3, likes=200 - i) for i in range(1, 40)], ranking.Steering()
    )
    whole = ranking.diversify(ranked, page_size=4)
    limited = ranking.diversify(ranked, page_size=4, limit=8)
    assert 8 <= len(limited) < len(whole)
    assert limited == whole[: len(limited)]


def test_steering_boosts_similar_and_demotes_see_less() -> None:
    cooking = np.array([1.0, 0.0], dtype=np.float32)
    pranks = np.array([0.0, 1.0], dtype=np.float32)
    a = _c(1, 10, likes=20, embedding=pranks)
    b = _c(2, 20, likes=5, embedding=cooking)
    plain = ranking.rank([a, b], ranking.Steering())
    assert [r.video_id for r in plain] == [1, 2]
    steered = ranking.rank([a, b], ranking.Steering(more=cooking))
    assert [r.video_id for r in steered] == [2, 1]
    assert steered[0].reason == ranking.REASON_STEERED
    demoted = ranking.rank([a, b], ranking.Steering(see_less=np.stack([pranks])))
    assert [r.video_id for r in demoted] == [2, 1]
