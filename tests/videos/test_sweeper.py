"""Recovery: lost jobs go back to the queue, stray files are deleted; and the engine seam."""

from __future__ import annotations

import datetime as dt
import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

import gen_engine
from tests.videos.conftest import queued_job_ids
from tests.videos.factories import GenerationJobFactory, VideoFactory
from videos import engine_adapter
from videos.models import GenerationJob, Video
from videos.services import jobs_sweep

pytestmark = pytest.mark.django_db
J = GenerationJob.Status


def ago(**kwargs: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def test_running_job_with_expired_heartbeat_is_requeued(
    stub_broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dead = GenerationJobFactory(
        status=J.RUNNING, attempts=1, worker_id="dead:1:a", heartbeat_at=ago(minutes=5)
    )
    alive = GenerationJobFactory(
        status=J.RUNNING, attempts=1, worker_id="live:1:a", heartbeat_at=ago(seconds=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = jobs_sweep(files=False)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert report.requeued == 1
    assert dead.status == J.QUEUED and dead.worker_id == "" and dead.attempts == 1
    assert alive.status == J.RUNNING and alive.worker_id == "live:1:a"
    assert queued_job_ids(stub_broker) == [dead.pk]


def test_lost_job_out_of_attempts_fails_and_cancel_requests_are_honoured(
    stub_broker: Any,
) -> None:
    spent = GenerationJobFactory(status=J.RUNNING, attempts=3, heartbeat_at=ago(minutes=5))
    cancelling = GenerationJobFactory(
        status=J.RUNNING, attempts=1, heartbeat_at=ago(minutes=5), cancel_requested=True
    )
    report = jobs_sweep(files=False)
    spent.refresh_from_db()
    cancelling.refresh_from_db()
    assert (report.failed, report.cancelled) == (1, 1)
    assert spent.status == J.FAILED and spent.error_code == "worker_lost"
    assert Video.objects.get(pk=spent.video_id).status == Video.Status.DRAFT_FAILED
    assert cancelling.status == J.CANCELLED


def test_queued_job_whose_message_was_lost_is_enqueued_again(
    stub_broker: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.GENERATION_QUEUED_STALE_SECONDS = 60
    stuck = GenerationJobFactory(enqueued_at=ago(minutes=10))
    fresh = GenerationJobFactory()
    with django_capture_on_commit_callbacks(execute=True):
        report = jobs_sweep(files=False)
    assert report.requeued == 1
    assert queued_job_ids(stub_broker) == [stuck.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep(files=False).requeued == 0  # enqueued_at moved on: not every sweep
    assert fresh.status == J.QUEUED


def test_orphaned_files_are_deleted_when_old(settings: Any) -> None:
    video = VideoFactory(status=Video.Status.DRAFT_READY)
    kept = default_storage.save(f"videos/{video.public_id}/a.mp4", ContentFile(b"x"))
    video.video_file.name = kept
    video.save(update_fields=["video_file"])
    stray_old = default_storage.save(f"videos/{video.public_id}/b.mp4", ContentFile(b"x"))
    stray_young = default_storage.save(f"videos/{video.public_id}/c.mp4", ContentFile(b"x"))
    gone_old = default_storage.save("videos/deletedvideo/d.mp4", ContentFile(b"x"))
    two_hours_ago = ago(hours=2).timestamp()
    for name in (kept, stray_old, gone_old):
        os.utime(Path(default_storage.path(name)), (two_hours_ago, two_hours_ago))
    report = jobs_sweep()
    assert report.orphans_deleted == 2
    assert default_storage.exists(kept) and default_storage.exists(stray_young)
    assert not default_storage.exists(stray_old) and not default_storage.exists(gone_old)


def test_management_command(stub_broker: Any) -> None:
    GenerationJobFactory(status=J.RUNNING, attempts=3, heartbeat_at=ago(minutes=5))
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "failed=1" in out.getvalue()


def test_real_engine_is_the_default(monkeypatch: Any) -> None:
    monkeypatch.delenv(engine_adapter.ENV_CALLABLE, raising=False)
    assert engine_adapter.ENGINE_GENERATE is None
    assert engine_adapter.engine_function() is gen_engine.generate
    monkeypatch.setenv(engine_adapter.ENV_CALLABLE, "tests.videos.fake_engine:generate")
    from tests.videos import fake_engine

    assert engine_adapter.engine_function() is fake_engine.generate


def test_sweeper_chain_stops_when_superseded(stub_broker: Any) -> None:
    from videos import tasks

    first = tasks.sweeper_start()
    second = tasks.sweeper_start()
    queue = stub_broker.queues[tasks.SWEEP_QUEUE + ".DQ"]
    assert queue.qsize() == 2
    tasks.sweep_jobs_tick.fn(first)  # superseded: stops without re-enqueueing
    assert queue.qsize() == 2
    tasks.sweep_jobs_tick.fn(second)  # current: sweeps and schedules the next tick
    assert queue.qsize() == 3


@pytest.mark.django_db
def test_housekeeping_drops_expired_idempotency_keys() -> None:
    import datetime as dt

    from django.utils import timezone

    from sora_site.api.models import IdempotencyKey
    from tests.factories import UserFactory
    from tests.videos.factories import GenerationJobFactory
    from videos.tasks import housekeeping

    user = UserFactory()
    job = GenerationJobFactory(video__owner=user)
    old = IdempotencyKey.objects.create(user=user, key="old", request_hash="h", job=job)
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    fresh = IdempotencyKey.objects.create(user=user, key="fresh", request_hash="h", job=job)
    housekeeping()
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]
