"""Suite-wide fixtures.

Real services: in CI (`FRAMECAST_REQUIRE_SERVICES=1`) the suite runs on the PostgreSQL and Redis
named by DATABASE_URL / REDIS_URL, and a test that needs one fails if it is missing. Locally,
without them, such tests are skipped with a reason that names the missing service.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("FRAMECAST_REQUIRE_SERVICES") == "1"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, default_port: int) -> None:
    """Skip (locally) or fail (CI) when a real service is not configured or not reachable."""
    if url and _reachable(url, default_port):
        return
    reason = f"{name} is not available (set its URL and start it; CI provides it)"
    if REQUIRE_SERVICES:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require_service("Redis", url, 6379)
    return url


@pytest.fixture
def rabbitmq_url() -> str:
    url = os.environ.get("RABBITMQ_URL", "")
    require_service("RabbitMQ", url, 5672)
    return url


def pytest_report_header(config: pytest.Config) -> list[str]:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    lines = [
        f"framecast: database={engine}, redis={'yes' if os.environ.get('REDIS_URL') else 'no'}"
    ]
    if engine == "sqlite3":
        lines.append(
            "framecast: no DATABASE_URL - tests run on SQLite (CI runs them on PostgreSQL)"
        )
    if not os.environ.get("REDIS_URL"):
        lines.append("framecast: no REDIS_URL - in-memory cache, channel layer and broker")
    return lines


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path: Path, settings: pytest.FixtureRequest) -> Iterator[None]:
    """Every test writes media into its own temporary folder, never into var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")  # type: ignore[attr-defined]
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Django's default PBKDF2 costs about a second a hash on these cores and factories hash for
    every user. What the suite tests is the flows, not the hasher."""
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate limits and other cache state must not leak between tests (Redis is shared in CI)."""
    from django.core.cache import cache

    cache.clear()
    yield
