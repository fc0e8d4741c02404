"""Where the cache lives on Redis: never in a database the URL did not name or imply.

Rate-limit counters and the feed pool are in the cache, so two deployments sharing a Redis
server must not share its database; and clearing the cache flushes its whole database, so it
must never be the broker's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sora_site.core.redis_urls import cache_redis_url, redis_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "db"),
    [
        ("redis://h:6379", 0),
        ("redis://h:6379/", 0),
        ("redis://h:6379/0", 0),
        ("redis://h:6379/5", 5),
        ("rediss://user:secret@h:6380/7", 7),
        ("redis://h/0?db=3", 3),  # redis-py lets the query win over the path
        ("unix:///run/redis.sock?db=4", 4),
        ("unix:///run/redis.sock", 0),
    ],
)
def test_redis_db_reads_the_database_the_url_names(url: str, db: int) -> None:
    assert redis_db(url) == db


@pytest.mark.parametrize(
    ("url", "cache"),
    [
        ("redis://h:6379", "redis://h:6379/1"),
        ("redis://h:6379/0", "redis://h:6379/1"),
        ("rediss://user:secret@h:6380/0", "rediss://user:secret@h:6380/1"),
        ("redis://h:6379/0?socket_timeout=5", "redis://h:6379/1?socket_timeout=5"),
        ("unix:///run/redis.sock", "unix:///run/redis.sock?db=1"),
    ],
)
def test_database_zero_puts_the_cache_on_database_one(url: str, cache: str) -> None:
    derived = cache_redis_url(redis_url=url)
    assert derived == cache
    assert redis_db(derived) == 1


@pytest.mark.parametrize(
    "url", ["redis://h:6379/5", "redis://h:6379/1", "redis://h/0?db=3", "unix:///r.sock?db=2"]
)
def test_another_database_requires_an_explicit_cache_url(url: str) -> None:
    """A deployment on database 5 is sharing the server: database 1 may be someone else's."""
    with pytest.raises(ImproperlyConfigured, match="REDIS_CACHE_URL"):
        cache_redis_url(redis_url=url)


def test_an_explicit_cache_url_is_used_as_given() -> None:
    assert (
        cache_redis_url(redis_url="redis://h:6379/5", cache_url="redis://h:6379/6")
        == "redis://h:6379/6"
    )
    assert (
        cache_redis_url(redis_url="redis://h:6379/0", cache_url="redis://other:6379/0")
        == "redis://other:6379/0"
    )


@pytest.mark.parametrize(
    ("url", "cache_url"),
    [
        ("redis://h:6379/5", "redis://h:6379/5"),
        ("redis://h:6379/0", "redis://h:6379"),
        ("redis://h/5", "redis://h:6379/0?db=5"),
    ],
)
def test_the_cache_may_not_share_the_brokers_database(url: str, cache_url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="REDIS_CACHE_URL"):
        cache_redis_url(redis_url=url, cache_url=cache_url)


def _settings_run(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "BROKER_", "AWS_", "EMAIL_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="sora_site.settings", **extra)
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.CACHES['default'].get('LOCATION', '')))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_take_the_cache_from_redis_cache_url() -> None:
    result = _settings_run(
        REDIS_URL="redis://shared.internal:6379/5", REDIS_CACHE_URL="redis://shared.internal/6"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "redis://shared.internal/6"


def test_settings_refuse_to_guess_the_cache_database() -> None:
    result = _settings_run(REDIS_URL="redis://shared.internal:6379/5")
    assert result.returncode != 0
    assert "REDIS_CACHE_URL" in result.stderr
