"""The actor's run of a job: claim, engine, files, final write, failures and redelivery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from gen_engine.types import GenerationError, GenerationSpec, Progress
from tests.videos import fake_engine
from tests.videos.factories import GenerationJobFactory
from videos import runner
from videos.models import GenerationJob, Video
from videos.runner import TransientJobError, job_run
from videos.services import job_claim
from videos.tasks import GENERATION_QUEUE, generate_video

pytestmark = pytest.mark.django_db
J = GenerationJob.Status


def stored_files(video: Video) -> list[str]:
    try:
        return sorted(default_storage.listdir(f"videos/{video.public_id}")[1])
    except FileNotFoundError:
        return []


class Recorder:
    """Wraps the fake engine and remembers the specs it was called with."""

    def __init__(self) -> None:
        self.specs: list[GenerationSpec] = []

    def __call__(self, spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        self.specs.append(spec)
        return fake_engine.generate(spec, out_dir, **kwargs)


def test_actor_is_on_the_cpu_queue_with_long_time_limit() -> None:
    assert GENERATION_QUEUE == "generation-cpu"
    assert generate_video.queue_name == "generation-cpu"
    assert generate_video.options["time_limit"] >= 30 * 60 * 1000
    assert generate_video.options["max_retries"] == 3


def test_success_stores_files_and_marks_draft_ready(engine: Any) -> None:
    recorder = Recorder()
    engine(recorder)
    job = GenerationJobFactory(video__style="noir", video__camera="orbit")
    job_run(job.pk)
    job.refresh_from_db()
    video = job.video
    video.refresh_from_db()
    assert job.status == J.SUCCEEDED and job.progress == 1.0 and job.attempts == 1
    assert job.finished_at is not None and "total" in job.timings
    assert video.status == Video.Status.DRAFT_READY
    assert video.video_file.name.startswith(f"videos/{video.public_id}/")
    assert video.video_file.name.endswith(".mp4") and video.poster_file.name.endswith(".jpg")
    with default_storage.open(video.video_file.name) as handle:
        assert handle.read(12)[4:8] == b"ftyp"  # a real MP4
    assert (video.width, video.height) == (64, 112)
    assert video.plan["style"] == "noir"
    spec = recorder.specs[0]
    assert spec.video_id == video.public_id and spec.watermark_id == video.watermark_id
    assert spec.creator_handle == video.owner.handle
    assert (spec.style, spec.camera, spec.resolution, spec.duration) == ("noir", "orbit", 480, 5)
    assert len(stored_files(video)) == 2


def test_redelivered_message_for_finished_job_does_nothing(engine: Any) -> None:
    recorder = Recorder()
    engine(recorder)
    job = GenerationJobFactory()
    job_run(job.pk)
    job_run(job.pk)  # the broker delivered the same message again
    job.refresh_from_db()
    assert len(recorder.specs) == 1
    assert job.attempts == 1 and job.status == J.SUCCEEDED
    assert len(stored_files(job.video)) == 2


def test_job_held_by_another_live_worker_is_left_alone(engine: Any) -> None:
    recorder = Recorder()
    engine(recorder)
    job = GenerationJobFactory(
        status=J.RUNNING, worker_id="other:1:abc", heartbeat_at=timezone.now(), attempts=1
    )
    job_run(job.pk)
    job.refresh_from_db()
    assert recorder.specs == []
    assert job.status == J.RUNNING and job.worker_id == "other:1:abc"


def test_job_with_expired_heartbeat_is_taken_over(engine: Any) -> None:
    job = GenerationJobFactory(
        status=J.RUNNING,
        worker_id="dead:1:abc",
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5),
        attempts=1,
    )
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == J.SUCCEEDED and job.attempts == 2
    assert job.worker_id != "dead:1:abc"


def test_deleted_or_cancelled_jobs_are_skipped(engine: Any) -> None:
    recorder = Recorder()
    engine(recorder)
    job_run(999_999)  # no such job: acknowledged, nothing happens
    cancelled = GenerationJobFactory(status=J.CANCELLED)
    job_run(cancelled.pk)
    assert recorder.specs == []


def test_generation_error_fails_at_once_with_its_message(engine: Any) -> None:
    calls = []

    def refusing(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        calls.append(spec)
        raise GenerationError("unplaceable", "Nothing in this prompt could be drawn.")

    engine(refusing)
    job = GenerationJobFactory()
    job_run(job.pk)  # does not raise: no Dramatiq retry
    job.refresh_from_db()
    assert len(calls) == 1
    assert job.status == J.FAILED and job.attempts == 1
    assert (job.error_code, job.error_message) == (
        "unplaceable",
        "Nothing in this prompt could be drawn.",
    )
    assert Video.objects.get(pk=job.video_id).status == Video.Status.DRAFT_FAILED


def test_unexpected_error_retries_then_fails_with_generic_message(engine: Any) -> None:
    def crashing(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        raise RuntimeError("CUDA out of memory at 0xdeadbeef")

    engine(crashing)
    job = GenerationJobFactory()
    for attempt in (1, 2):
        with pytest.raises(TransientJobError):
            job_run(job.pk)
        job.refresh_from_db()
        assert job.status == J.QUEUED and job.attempts == attempt
        assert "retrying" in job.message
    job_run(job.pk)  # third and last attempt: no raise, the job fails
    job.refresh_from_db()
    assert job.status == J.FAILED and job.attempts == 3
    assert job.error_code == "internal"
    assert "0xdeadbeef" not in job.error_message and "try again" in job.error_message
    assert generate_video.options["retry_when"](0, TransientJobError())
    assert not generate_video.options["retry_when"](0, RuntimeError())


def test_transient_error_then_success(engine: Any) -> None:
    state = {"calls": 0}

    def flaky(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        state["calls"] += 1
        if state["calls"] == 1:
            raise OSError("disk hiccup")
        return fake_engine.generate(spec, out_dir, **kwargs)

    engine(flaky)
    job = GenerationJobFactory()
    with pytest.raises(TransientJobError):
        job_run(job.pk)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == J.SUCCEEDED and job.attempts == 2


def test_cancel_requested_while_running_stops_the_engine(engine: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(runner, "CANCEL_CHECK_INTERVAL", 0)
    seen = []

    def slow(spec: GenerationSpec, out_dir: Any, on_progress: Any, should_cancel: Any) -> Any:
        on_progress(Progress(stage="render", fraction=0.3))
        GenerationJob.objects.filter(video__public_id=spec.video_id).update(cancel_requested=True)
        seen.append(should_cancel())
        from gen_engine.types import GenerationCancelled

        raise GenerationCancelled()

    engine(slow)
    job = GenerationJobFactory()
    job_run(job.pk)
    job.refresh_from_db()
    assert seen == [True]
    assert job.status == J.CANCELLED and job.finished_at is not None
    assert Video.objects.get(pk=job.video_id).status == Video.Status.DRAFT_FAILED
    assert stored_files(job.video) == []


def test_progress_is_written_to_the_row(engine: Any) -> None:
    snapshots = []

    def reporting(spec: GenerationSpec, out_dir: Any, on_progress: Any, **kwargs: Any) -> Any:
        on_progress(Progress(stage="physics", fraction=0.25, message="Simulating"))
        snapshots.append(
            GenerationJob.objects.values("stage", "progress", "message").get(
                video__public_id=spec.video_id
            )
        )
        return fake_engine.generate(spec, out_dir, **kwargs)

    engine(reporting)
    job = GenerationJobFactory()
    job_run(job.pk)
    assert snapshots == [{"stage": "physics", "progress": 0.25, "message": "Simulating"}]


def test_run_that_lost_its_lease_changes_nothing_and_deletes_its_files(engine: Any) -> None:
    def stolen(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        result = fake_engine.generate(spec, out_dir)
        # While this run was busy the sweeper gave the job to another worker.
        GenerationJob.objects.filter(video__public_id=spec.video_id).update(
            worker_id="other:2:def", heartbeat_at=timezone.now()
        )
        return result

    engine(stolen)
    job = GenerationJobFactory()
    job_run(job.pk)
    job.refresh_from_db()
    video = Video.objects.get(pk=job.video_id)
    assert job.status == J.RUNNING and job.worker_id == "other:2:def"
    assert video.status == Video.Status.DRAFT_GENERATING and not video.video_file
    assert stored_files(video) == []  # the loser's files are gone


def test_draft_deleted_during_generation_leaves_no_files(engine: Any) -> None:
    def deleting(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        result = fake_engine.generate(spec, out_dir)
        Video.objects.filter(public_id=spec.video_id).delete()
        return result

    engine(deleting)
    job = GenerationJobFactory()
    public_id = job.video.public_id
    job_run(job.pk)
    assert not GenerationJob.objects.exists()
    assert not Path(default_storage.path(f"videos/{public_id}")).exists() or not any(
        Path(default_storage.path(f"videos/{public_id}")).iterdir()
    )


def test_claim_of_job_out_of_attempts_fails_it() -> None:
    job = GenerationJobFactory(
        status=J.RUNNING,
        attempts=3,
        worker_id="dead:1:x",
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert job_claim(job_id=job.pk, worker_id="me") is None
    job.refresh_from_db()
    assert job.status == J.FAILED and job.error_code == "worker_lost"


def test_time_limit_fails_the_job(engine: Any) -> None:
    from dramatiq.middleware.time_limit import TimeLimitExceeded

    def too_long(spec: GenerationSpec, out_dir: Any, **kwargs: Any) -> Any:
        raise TimeLimitExceeded()

    engine(too_long)
    job = GenerationJobFactory()
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == J.FAILED and job.error_code == "time_limit"


def test_gpu_backend_selects_the_gpu_queue() -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "GEN_ENGINE_BACKEND": "diffusers",
        "GEN_ENGINE_MODEL_DIR": "",
        "DJANGO_SETTINGS_MODULE": "sora_site.settings",
    }
    code = (
        "import django; django.setup(); from videos.tasks import generate_video; "
        "print(generate_video.queue_name)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip().splitlines()[-1] == "generation-gpu"
