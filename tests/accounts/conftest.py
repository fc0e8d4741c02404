"""Fixtures for the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from accounts import services
from accounts.models import User
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _verification_optional(settings: pytest.FixtureRequest) -> None:
    """The development default; tests about production set "mandatory" themselves."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"  # type: ignore[attr-defined]


@pytest.fixture
def user(db: None) -> User:
    return UserFactory(email="ada@example.com", handle="ada", display_name="Ada L.")


@pytest.fixture
def user_client(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def registries() -> Iterator[None]:
    """Tests may register collectors and exporters; the module-level registries are restored."""
    collectors = list(services._media_collectors)
    exporters = dict(services._data_exporters)
    listeners = list(services._notification_listeners)
    yield
    services._media_collectors[:] = collectors
    services._data_exporters.clear()
    services._data_exporters.update(exporters)
    services._notification_listeners[:] = listeners
