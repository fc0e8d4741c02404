"""The shared fixed-window limit (sora_site/core/rate_limits.py) and the Retry-After it gives."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache

from moderation.policy import OTHER
from sora_site.core import rate_limits
from sora_site.core.errors import LimitExceeded
from sora_site.core.rate_limits import rate_limit_take
from tests.api.conftest import client_for
from tests.factories import UserFactory

WINDOW_START = 1_800_000_000 // 3600 * 3600  # a whole hour, so the windows below line up


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _at(monkeypatch: pytest.MonkeyPatch, moment: float) -> None:
    # The limiter's clock only: the rest of the process keeps the real time.
    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: moment))


def _take(key: str = "k", limit: int = 2, window: int = 600) -> None:
    rate_limit_take(key=key, limit=limit, window_seconds=window, message="slow down", code="slow")


def test_the_limit_counts_per_key_and_says_when_it_frees_up(monkeypatch: Any) -> None:
    _at(monkeypatch, WINDOW_START + 100)
    _take()
    _take()
    with pytest.raises(LimitExceeded) as refused:
        _take()
    assert refused.value.code == "slow" and refused.value.detail == "slow down"
    assert refused.value.retry_after == 500  # the 600 s window began 100 s ago
    _take(key="someone-else")  # each key has its own budget
    _at(monkeypatch, WINDOW_START + 600)  # the next window
    _take()


def test_a_limit_of_zero_is_off(monkeypatch: Any) -> None:
    _at(monkeypatch, WINDOW_START)
    for _ in range(5):
        _take(limit=0)


@pytest.mark.django_db
def test_the_api_429_carries_the_limits_own_wait(monkeypatch: Any, settings: Any) -> None:
    """A report budget is an hour: 10 s into it, Retry-After is the 3590 s left, not a guess."""
    settings.MODERATION_REPORTS_PER_HOUR = 1
    _at(monkeypatch, WINDOW_START + 10)
    api = client_for(UserFactory())
    targets = UserFactory.create_batch(2)

    def report(handle: str) -> Any:
        return api.post(
            "/api/v1/reports",
            {"target_type": "account", "target_id": handle, "reason": OTHER},
            content_type="application/json",
        )

    assert report(targets[0].handle).status_code == 201
    limited = report(targets[1].handle)
    assert limited.status_code == 429
    assert limited.json()["code"] == "report_rate_limited"
    assert limited["Retry-After"] == "3590"
