"""/ws/jobs/: session auth, origin check, own events only, state on (re)connect."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from tests.factories import UserFactory
from tests.videos.factories import GenerationJobFactory
from tests.videos.ws import communicator, session_cookie
from videos.models import GenerationJob
from videos.services import job_cancel, job_progress_record

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_connection_is_refused() -> None:
    async def scenario() -> tuple[bool, Any]:
        socket = communicator(None)
        connected, code = await socket.connect()
        return connected, code

    connected, code = async_to_sync(scenario)()
    assert connected is False and code == 4401


def test_foreign_origin_is_refused() -> None:
    cookie = session_cookie(UserFactory())

    async def scenario() -> bool:
        connected, _ = await communicator(cookie, origin=b"http://evil.example").connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_snapshot_then_only_own_events() -> None:
    alice, bob = UserFactory(), UserFactory()
    alice_job = GenerationJobFactory(
        video__owner=alice,
        status=GenerationJob.Status.RUNNING,
        worker_id="w:1:a",
        stage="render",
        progress=0.5,
    )
    bob_job = GenerationJobFactory(
        video__owner=bob, status=GenerationJob.Status.RUNNING, worker_id="w:1:b"
    )
    old_finished = GenerationJobFactory(video__owner=alice, status=GenerationJob.Status.SUCCEEDED)
    GenerationJob.objects.filter(pk=old_finished.pk).update(finished_at="2000-01-01T00:00:00Z")
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario() -> dict[str, Any]:
        a, b = communicator(alice_cookie), communicator(bob_cookie)
        assert (await a.connect())[0] and (await b.connect())[0]
        seen: dict[str, Any] = {
            "a_snapshot": await a.receive_json_from(timeout=5),
            "b_snapshot": await b.receive_json_from(timeout=5),
        }
        # A worker reports progress on Bob's job; then Alice's.
        await database_sync_to_async(job_progress_record)(
            job=bob_job, worker_id="w:1:b", stage="physics", fraction=0.3, message="Simulating"
        )
        await database_sync_to_async(job_progress_record)(
            job=alice_job, worker_id="w:1:a", stage="audio", fraction=0.8, message="Mixing"
        )
        seen["a_event"] = await a.receive_json_from(timeout=5)
        seen["b_event"] = await b.receive_json_from(timeout=5)
        seen["a_quiet"] = await a.receive_nothing(timeout=0.3)
        seen["b_quiet"] = await b.receive_nothing(timeout=0.3)
        # Bob cannot cancel Alice's job, and hears nothing of the attempt.
        with pytest.raises(Exception, match="No such draft"):
            await database_sync_to_async(job_cancel)(
                user=bob, video_public_id=alice_job.video.public_id
            )
        seen["a_after"] = await a.receive_nothing(timeout=0.3)
        # A page asks again after a reconnect: it gets the rows' current state.
        await a.send_json_to({"type": "sync"})
        seen["a_resync"] = await a.receive_json_from(timeout=5)
        await a.disconnect()
        await b.disconnect()
        return seen

    seen = async_to_sync(scenario)()
    assert seen["a_snapshot"]["type"] == "jobs.snapshot"
    assert [j["video"] for j in seen["a_snapshot"]["jobs"]] == [alice_job.video.public_id]
    first = seen["a_snapshot"]["jobs"][0]
    assert first["status"] == "running" and first["progress"] == 0.5 and first["stage"] == "render"
    assert [j["video"] for j in seen["b_snapshot"]["jobs"]] == [bob_job.video.public_id]

    assert seen["a_event"]["video"] == alice_job.video.public_id
    assert seen["a_event"]["stage"] == "audio" and seen["a_event"]["progress"] == 0.8
    assert seen["a_event"]["type"] == "job.progress" and seen["a_event"]["message"] == "Mixing"
    assert isinstance(seen["a_event"]["eta_seconds"], int)
    assert seen["b_event"]["video"] == bob_job.video.public_id
    assert seen["a_quiet"] and seen["b_quiet"] and seen["a_after"]
    assert seen["a_resync"]["jobs"][0]["progress"] == 0.8
