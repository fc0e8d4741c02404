"""Worker-node recovery pieces, without a broker: work-folder clean-up, the supervisor's
restart policy and environment, and releasing a dead process's jobs (issue 16, Faults)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sora_site import supervise
from tests.factories import UserFactory
from videos import runner
from videos.models import GenerationJob
from videos.services import generation_request, jobs_release_instance


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_work_folders_of_dead_processes_and_old_ones_go_live_ones_stay(
    tmp_path: Path, settings: Any
) -> None:
    settings.GENERATION_TIME_LIMIT_SECONDS = 60
    host = runner._host_tag()
    dead = tmp_path / f"framecast-job-{host}-{_dead_pid()}-abc_123"
    live = tmp_path / f"framecast-job-{host}-{os.getpid()}-def456"
    other_host = tmp_path / "framecast-job-elsewhere-1-ghi789"
    old = tmp_path / "framecast-job-elsewhere-2-old000"
    unrelated = tmp_path / "something-else"
    for folder in (dead, live, other_host, old, unrelated):
        folder.mkdir()
        (folder / "frame.png").write_bytes(b"x")
    long_ago = time.time() - 60 - runner.TEMP_MARGIN_SECONDS - 5
    os.utime(old, (long_ago, long_ago))
    assert runner.job_temp_dirs_clean(root=str(tmp_path)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (live, other_host, unrelated)
    )


def test_job_work_folder_is_named_after_its_process() -> None:
    assert runner._temp_prefix() == f"framecast-job-{runner._host_tag()}-{os.getpid()}-"


def test_supervisor_backoff_doubles_while_dying_and_resets_after_a_stable_run() -> None:
    assert supervise.next_backoff(1.0, ran_for=2) == 2.0
    assert supervise.next_backoff(16.0, ran_for=2) == supervise.BACKOFF_MAX
    assert supervise.next_backoff(16.0, ran_for=supervise.STABLE_SECONDS) == 1.0


def test_supervisor_slots_prefetch_only_what_they_run_and_carry_the_instance() -> None:
    env = supervise.slot_env({"PATH": "/bin"}, threads=1, instance="new", previous="old")
    assert env["dramatiq_queue_prefetch"] == "1"
    assert env["FRAMECAST_WORKER_INSTANCE"] == "new"
    assert env["FRAMECAST_WORKER_PREVIOUS_INSTANCE"] == "old"
    command = supervise.slot_command(1, ["--queues", "generation-cpu"])
    assert command[1:6] == ["-m", "dramatiq", "sora_site.worker", "--processes", "1"]


@pytest.mark.django_db
def test_released_jobs_are_only_those_of_the_dead_instance(stub_broker: Any) -> None:
    from django.utils import timezone

    jobs = [
        generation_request(user=UserFactory(), prompt=f"ball {n}", duration=5) for n in range(2)
    ]
    now = timezone.now()
    for job, worker in zip(jobs, ["h:1:aa:dead", "h:2:bb:alive"], strict=True):
        GenerationJob.objects.filter(pk=job.pk).update(
            status="running", worker_id=worker, heartbeat_at=now, attempts=1
        )
    assert jobs_release_instance(instance="dead") == 1
    statuses = dict(GenerationJob.objects.values_list("worker_id", "status"))
    assert statuses == {"": "queued", "h:2:bb:alive": "running"}


@pytest.mark.django_db
def test_recovery_pass_restarts_a_sweeper_chain_that_stopped_ticking(
    stub_broker: Any, settings: Any
) -> None:
    from django.core.cache import cache

    from videos import tasks

    settings.GENERATION_SWEEP_INTERVAL_SECONDS = 15
    cache.set(tasks.SWEEP_BEAT_KEY, time.time() - 3 * 15 - 1, timeout=None)
    tasks.recovery_pass()
    ticks = stub_broker.queues.get("maintenance.DQ")
    assert ticks is not None and ticks.qsize() == 1  # a new chain
    tasks.recovery_pass()  # its beat is fresh now: no second chain
    assert ticks.qsize() == 1
