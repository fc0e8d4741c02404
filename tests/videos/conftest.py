"""Fixtures of the videos tests: an isolated broker, an injected engine, fast hashing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from dramatiq.brokers.stub import StubBroker

from tests.videos import fake_engine
from videos import engine_adapter
from videos import tasks as video_tasks

ACTORS = (video_tasks.generate_video, video_tasks.sweep_jobs_tick, video_tasks.verify_check)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _quiet_heartbeat(settings: Any) -> None:
    """No heartbeat thread in unit tests: their DB transaction is not visible to it."""
    settings.GENERATION_HEARTBEAT_SECONDS = 0


def rebind_actors(broker: Any) -> Callable[[], None]:
    previous = [(actor, actor.broker) for actor in ACTORS]
    for actor in ACTORS:
        actor.broker = broker
        broker.declare_actor(actor)

    def restore() -> None:
        for actor, old in previous:
            actor.broker = old

    return restore


@pytest.fixture
def stub_broker() -> Iterator[StubBroker]:
    """The actors bound to a fresh in-memory broker, whatever BROKER_URL the process has."""
    broker = StubBroker()
    broker.emit_after("process_boot")
    restore = rebind_actors(broker)
    yield broker
    restore()
    broker.close()


def queued_job_ids(broker: StubBroker) -> list[int]:
    queue = broker.queues.get(video_tasks.GENERATION_QUEUE)
    if queue is None:
        return []
    return [message_args(m)[0] for m in list(queue.queue)]


def message_args(raw: Any) -> tuple[Any, ...]:
    from dramatiq import Message

    message = raw if isinstance(raw, Message) else Message.decode(raw)
    return tuple(message.args)


@pytest.fixture
def engine() -> Iterator[Callable[[Callable[..., Any]], None]]:
    """Install an engine function for this test (the real one is the default)."""

    def install(function: Callable[..., Any]) -> None:
        engine_adapter.ENGINE_GENERATE = function

    install(fake_engine.generate)
    yield install
    engine_adapter.ENGINE_GENERATE = None
