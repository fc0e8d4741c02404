"""The broker is down when someone asks for a video (issue 16, Faults).

The draft and its job are committed before the message is handed over (on commit), so a broker
that does not answer must not turn into a 500 - nor leave a job that only the five-minute stale
check would ever send. The job answers `queued` with a note, is marked as not yet handed to
the broker, and is handed over by the next recovery pass once the broker answers again.

The down broker is a real RedisBroker pointed at a closed port: the client library fails the
way it does when Redis is unreachable, and no Redis server is needed.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from dramatiq.brokers.redis import RedisBroker

from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.videos.conftest import queued_job_ids, rebind_actors
from videos.models import GenerationJob
from videos.services import (
    QUEUE_DOWN_MESSAGE,
    generation_request,
    job_cancel,
    job_retry,
    jobs_enqueue_pending,
    jobs_sweep,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def broker_down() -> Iterator[RedisBroker]:
    broker = RedisBroker(url=f"redis://127.0.0.1:{_closed_port()}/0")
    restore = rebind_actors(broker)
    yield broker
    restore()


def _submit_api(user: Any) -> Any:
    return client_for(user).post(
        "/api/v1/generations",
        {"prompt": "a red ball bounces on a wooden floor", "duration": 5},
        content_type="application/json",
    )


def test_api_submit_with_the_broker_down_answers_the_queued_job_with_a_note(
    broker_down: RedisBroker,
) -> None:
    user = UserFactory()
    client = client_for(user)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/generations",
        {"prompt": "a red ball bounces on a wooden floor", "duration": 5},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content[:300]
    body = response.json()
    assert body["status"] == "queued"
    assert body["message"] == QUEUE_DOWN_MESSAGE
    job = GenerationJob.objects.get()
    assert job.enqueue_pending is True
    assert job.message == QUEUE_DOWN_MESSAGE
    # What the client's poll and the draft page read is the same row.
    detail = client.get(f"/api/v1/generations/{body['id']}").json()
    assert detail["message"] == QUEUE_DOWN_MESSAGE


def test_create_page_with_the_broker_down_shows_the_note_on_the_draft(
    broker_down: RedisBroker, client: Any
) -> None:
    user = UserFactory()
    client.force_login(user)
    client.raise_request_exception = False
    response = client.post(
        "/create/",
        {
            "prompt": "a dog runs across a beach",
            "duration": 5,
            "aspect": "9:16",
            "resolution": 480,
            "style": "auto",
            "camera": "auto",
        },
    )
    assert response.status_code == 302, response.content[:500]
    drafts = client.get(response["Location"].split("#")[0])
    assert drafts.status_code == 200
    assert QUEUE_DOWN_MESSAGE in drafts.content.decode()


def test_pending_job_is_handed_over_by_the_next_sweep_not_after_five_minutes(
    broker_down: RedisBroker, stub_broker: Any, settings: Any
) -> None:
    settings.GENERATION_QUEUED_STALE_SECONDS = 300
    rebind_actors(broker_down)
    job = generation_request(user=UserFactory(), prompt="a kite in the wind", duration=5)
    job.refresh_from_db()
    assert job.enqueue_pending
    rebind_actors(stub_broker)  # the broker answers again
    report = jobs_sweep(files=False)
    assert report.requeued == 1
    assert queued_job_ids(stub_broker) == [job.pk]
    job.refresh_from_db()
    assert not job.enqueue_pending
    assert job.message == "Waiting for a worker"
    assert jobs_sweep(files=False).requeued == 0  # handed over once


def test_enqueue_retry_keeps_the_mark_while_the_broker_is_still_down(
    broker_down: RedisBroker, stub_broker: Any
) -> None:
    rebind_actors(broker_down)
    job = generation_request(user=UserFactory(), prompt="rain on a window", duration=5)
    assert jobs_enqueue_pending() == 0
    job.refresh_from_db()
    assert job.enqueue_pending
    rebind_actors(stub_broker)
    assert jobs_enqueue_pending() == 1
    assert queued_job_ids(stub_broker) == [job.pk]
    job.refresh_from_db()
    assert not job.enqueue_pending


def test_cancelled_pending_job_is_not_sent(broker_down: RedisBroker, stub_broker: Any) -> None:
    rebind_actors(broker_down)
    user = UserFactory()
    job = generation_request(user=user, prompt="a cat sleeps", duration=5)
    job_cancel(user=user, video_public_id=job.video.public_id)
    rebind_actors(stub_broker)
    assert jobs_enqueue_pending() == 0
    assert queued_job_ids(stub_broker) == []


def test_retry_with_the_broker_down_is_queued_with_the_note(
    broker_down: RedisBroker, stub_broker: Any
) -> None:
    user = UserFactory()
    rebind_actors(stub_broker)
    job = generation_request(user=user, prompt="a cat sleeps", duration=5)
    job_cancel(user=user, video_public_id=job.video.public_id)
    rebind_actors(broker_down)
    retried = job_retry(user=user, video_public_id=job.video.public_id)
    assert retried.status == GenerationJob.Status.QUEUED
    assert retried.message == QUEUE_DOWN_MESSAGE
    retried.refresh_from_db()
    assert retried.enqueue_pending
