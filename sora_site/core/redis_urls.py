"""Which Redis database the cache uses, read from the URLs the settings are given.

Plain functions (no settings access) so that sora_site/settings.py can call them at import.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured
from redis.connection import parse_url

CACHE_DB_BESIDE_ZERO = 1


def _parsed(url: str) -> dict[str, Any]:
    try:
        return dict(parse_url(url))
    except ValueError as exc:
        raise ImproperlyConfigured(f"Not a Redis URL: {url!r} ({exc})") from exc


def redis_db(url: str) -> int:
    """The database a client of this URL selects, read the way redis-py reads it (a `db` query
    parameter wins over the path; no database given means 0)."""
    return int(_parsed(url).get("db", 0))


def _server(url: str) -> tuple[Any, ...]:
    parsed = _parsed(url)
    return (parsed.get("host"), parsed.get("port", 6379), parsed.get("path"))


def with_db(url: str, db: int) -> str:
    """The same server and options, another database."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"]
    if parts.scheme == "unix":  # the path is the socket: the database goes in the query
        query.append(("db", str(db)))
        # Spelled out: urlunsplit drops the "//" of an empty netloc ("unix:/run/redis.sock").
        return f"unix://{parts.netloc}{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{db}", query=urlencode(query)))


def cache_redis_url(*, redis_url: str, cache_url: str = "") -> str:
    """REDIS_CACHE_URL when given; database 1 beside a REDIS_URL on database 0; otherwise refuse.

    The cache needs a database of its own: clearing it flushes that whole database, which must
    not hold the broker's queues. A REDIS_URL on a database other than 0 says the server is
    shared between deployments, and "database 1" may then be another deployment's cache (its
    rate-limit counters, its feed pool), so the cache's database has to be named, not guessed.
    """
    if cache_url:
        if _server(cache_url) == _server(redis_url) and redis_db(cache_url) == redis_db(redis_url):
            raise ImproperlyConfigured(
                "REDIS_CACHE_URL names the same database as REDIS_URL; clearing the cache would "
                "flush the task queues. Give the cache a database of its own."
            )
        return cache_url
    db = redis_db(redis_url)
    if db != 0:
        raise ImproperlyConfigured(
            f"REDIS_URL selects database {db}, so this Redis server is shared: set "
            "REDIS_CACHE_URL to the cache's own database (another number than REDIS_URL's, "
            "and not one another deployment uses)."
        )
    return with_db(redis_url, CACHE_DB_BESIDE_ZERO)
