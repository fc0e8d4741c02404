"""Fault drills against the real Redis broker and real worker processes (issue 16, Faults).

A worker node here is `python -m sora_site.supervise` (what `make worker` runs) with the fast
stand-in engine, on the test database (PostgreSQL) and Redis database 7, as in
test_workers_integration.py. Leases and intervals are shortened so the drills take seconds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dramatiq.brokers.redis import RedisBroker

from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.videos.conftest import rebind_actors
from tests.videos.test_workers_integration import (
    ROOT,
    _redis_setup,
    _require_postgres,
    _with_db,
    wait_for,
    worker_env,
)
from videos.models import GenerationJob
from videos.services import QUEUE_DOWN_MESSAGE, generation_request

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
J = GenerationJob.Status
LEASE_SECONDS = 30.0  # the drills' heartbeat lease (45 s by default; no sweeper runs here)
RETRY_SECONDS = 1.0  # the drills' recovery loop (10 s by default)
__all__ = ["worker_env"]  # the fixture, shared with the integration tests


class Node:
    """One supervised worker node, in its own process group."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.work_tmp = tmp / "worker-tmp"
        self.work_tmp.mkdir()
        self.env["TMPDIR"] = str(self.work_tmp)
        self.log = tmp / "node.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, processes: int) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sora_site.supervise",
                "--processes",
                str(processes),
                "--threads",
                "1",
                "--",
                "--queues",
                "generation-cpu",
                "--path",
                str(ROOT),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def logs(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def job_dirs(self) -> list[str]:
        return sorted(p.name for p in self.work_tmp.glob("framecast-job-*"))

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@pytest.fixture
def node(
    redis_url: str, worker_env: dict[str, str], tmp_path: Path, settings: Any
) -> Iterator[Node]:
    _require_postgres()
    url, broker = _redis_setup(redis_url, settings)
    restore = rebind_actors(broker)
    cache_url = settings.CACHES["default"].get("LOCATION") or _with_db(redis_url, 1)
    env = {
        **worker_env,
        "REDIS_URL": url,
        "BROKER_URL": url,
        "REDIS_CACHE_URL": cache_url,
        "GENERATION_HEARTBEAT_EXPIRY_SECONDS": str(LEASE_SECONDS),
        "GENERATION_ENQUEUE_RETRY_SECONDS": str(RETRY_SECONDS),
    }
    node = Node(tmp_path, env)
    try:
        yield node
    finally:
        node.stop()
        restore()
        broker.close()


def _request(user: Any, n: int) -> GenerationJob:
    return generation_request(
        user=user, prompt=f"ball number {n} bounces", duration=5, aspect="9:16", resolution=480
    )


def _status(job: GenerationJob) -> str:
    return str(GenerationJob.objects.filter(pk=job.pk).values_list("status", flat=True).get())


def test_sigkilled_worker_process_costs_only_its_own_job(node: Node) -> None:
    node.env["FRAMECAST_FAKE_ENGINE_SECONDS"] = "3"
    node.start(processes=2)
    warm = [_request(UserFactory(), n) for n in range(2)]  # both slots up and serving
    wait_for(lambda: all(_status(j) == J.SUCCEEDED for j in warm), 90, "warm-up", node.logs)

    victim = _request(UserFactory(), 10)
    wait_for(
        lambda: GenerationJob.objects.filter(
            pk=victim.pk, status=J.RUNNING, progress__gt=0
        ).exists(),
        30,
        "the job to run",
        node.logs,
    )
    victim.refresh_from_db()
    pid = int(victim.worker_id.split(":")[1])
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    # Submitted right after the kill: the other process (and then the restarted one) serve.
    others = [_request(UserFactory(), 20 + n) for n in range(2)]

    wait_for(lambda: _status(victim) == J.SUCCEEDED, LEASE_SECONDS, "the killed job", node.logs)
    resumed_in = time.monotonic() - killed_at
    wait_for(lambda: all(_status(j) == J.SUCCEEDED for j in others), 30, "others", node.logs)
    victim.refresh_from_db()
    assert victim.attempts == 2 and str(pid) not in victim.worker_id
    # Within one lease: the restart put it back; the lease never had to expire.
    assert resumed_in < LEASE_SECONDS
    assert node.process is not None and node.process.poll() is None, node.logs()
    assert "exited unexpectedly (code -9)" in node.logs()  # dramatiq's master gave up ...
    assert "restarting in" in node.logs()  # ... and the supervisor restarted that slot only
    assert node.job_dirs() == [], node.logs()  # the killed run's folder went at restart


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_broker_down_at_submit_then_back_job_runs_within_the_retry_bound(node: Node) -> None:
    node.start(processes=1)
    warm = _request(UserFactory(), 0)
    wait_for(lambda: _status(warm) == J.SUCCEEDED, 90, "the node to serve", node.logs)

    # The web side cannot reach the broker: every send is refused.
    down = RedisBroker(url=f"redis://127.0.0.1:{_closed_port()}/0")
    restore = rebind_actors(down)
    try:
        client = client_for(UserFactory())
        client.raise_request_exception = False
        response = client.post(
            "/api/v1/generations",
            {"prompt": "a red ball bounces", "duration": 5},
            content_type="application/json",
        )
        submitted_at = time.monotonic()
    finally:
        restore()
    assert response.status_code == 201, response.content[:300]
    assert response.json()["status"] == "queued"
    assert response.json()["message"] == QUEUE_DOWN_MESSAGE
    job = GenerationJob.objects.get(public_id=response.json()["id"])

    # The worker node reaches the broker: its recovery loop hands the job over.
    wait_for(
        lambda: not GenerationJob.objects.filter(pk=job.pk, enqueue_pending=True).exists(),
        RETRY_SECONDS + 4,
        "the job to be handed to the broker",
        node.logs,
    )
    handed_in = time.monotonic() - submitted_at
    wait_for(lambda: _status(job) == J.SUCCEEDED, 30, "the job to run", node.logs)
    assert handed_in <= RETRY_SECONDS + 4
