"""Fixtures of the API tests: people, tokens and clients that send them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from dramatiq.brokers.stub import StubBroker

from sora_site.api import tasks as api_tasks
from sora_site.api.scopes import ALL_SCOPES
from sora_site.api.services import pat_create
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _api_defaults(settings: Any) -> None:
    settings.GENERATION_HEARTBEAT_SECONDS = 0
    # High enough that only the throttle test reaches them.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "10000/min", "user": "10000/min"},
    }


@pytest.fixture
def api_broker() -> Any:
    """The generation and webhook actors bound to a fresh in-memory broker."""
    from videos import tasks as video_tasks

    broker = StubBroker()
    broker.emit_after("process_boot")
    actors = (video_tasks.generate_video, video_tasks.sweep_jobs_tick, api_tasks.deliver_webhook)
    previous = [(actor, actor.broker) for actor in actors]
    for actor in actors:
        actor.broker = broker
        broker.declare_actor(actor)
    yield broker
    for actor, old in previous:
        actor.broker = old
    broker.close()


class TokenClient(Client):
    """A test client that sends a bearer token on every request."""

    def __init__(self, token: str, **defaults: Any) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}", **defaults)


@pytest.fixture
def user() -> Any:
    return UserFactory()


@pytest.fixture
def token_for() -> Callable[..., str]:
    def make(user: Any, scopes: list[str] | None = None) -> str:
        _, token = pat_create(user=user, name="test", scopes=sorted(scopes or ALL_SCOPES))
        return token

    return make


@pytest.fixture
def api(user: Any, token_for: Callable[..., str]) -> TokenClient:
    return TokenClient(token_for(user))


def client_for(user: Any, scopes: list[str] | None = None) -> TokenClient:
    _, token = pat_create(user=user, name="test", scopes=sorted(scopes or ALL_SCOPES))
    return TokenClient(token)
