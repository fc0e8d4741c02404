"""Real brokers, real worker processes, real channel layer.

Worker processes are `dramatiq sora_site.worker` subprocesses sharing the test database, so
these tests need PostgreSQL (DATABASE_URL) as well as Redis / RabbitMQ; locally they are
skipped with a reason naming what is missing, in CI (FRAMECAST_REQUIRE_SERVICES=1) they fail.

For speed the workers run the fast stand-in engine (tests/videos/fake_engine.py), injected
through the adapter's documented test seam FRAMECAST_ENGINE_CALLABLE; the real engine is
exercised by the browser test and by test_real_engine_end_to_end below.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.files.storage import default_storage
from django.db import connection

from tests.conftest import REQUIRE_SERVICES
from tests.factories import UserFactory
from tests.videos.conftest import rebind_actors
from tests.videos.ws import communicator, session_cookie
from videos.models import GenerationJob
from videos.services import generation_request, jobs_sweep

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 7  # the broker and channel layer of these tests; nothing else uses it
J = GenerationJob.Status


def _require_postgres() -> None:
    if connection.vendor == "postgresql":
        return
    reason = "PostgreSQL is not available (set DATABASE_URL): worker processes share the test DB"
    if REQUIRE_SERVICES:
        pytest.fail(reason)
    pytest.skip(reason)


def _with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class Workers:
    """`dramatiq sora_site.worker` processes, each in its own process group."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log = tmp / "engine.log"

    def start(self, count: int = 1, threads: int = 2) -> None:
        for index in range(count):
            out = (self.tmp / f"worker{len(self.processes)}-{index}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [
                        str(Path(sys.executable).with_name("dramatiq")),
                        "sora_site.worker",
                        "--processes",
                        "1",
                        "--threads",
                        str(threads),
                        "--queues",
                        "generation-cpu",
                        "--path",
                        str(ROOT),
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def engine_lines(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [line.split() for line in self.log.read_text().splitlines() if line.strip()]

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("worker*")))


@pytest.fixture
def worker_env(tmp_path: Path, settings: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "FRAMECAST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "FRAMECAST_ENGINE_CALLABLE": "tests.videos.fake_engine:generate",
            "FRAMECAST_FAKE_ENGINE_SECONDS": "0.3",
            "FRAMECAST_FAKE_ENGINE_LOG": str(tmp_path / "engine.log"),
            "GENERATION_HEARTBEAT_SECONDS": "0.3",
            "GENERATION_HEARTBEAT_EXPIRY_SECONDS": "2",
            "GENERATION_SWEEP_INTERVAL_SECONDS": "0",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _redis_setup(redis_url: str, settings: Any) -> tuple[str, Any]:
    import redis
    from dramatiq.brokers.redis import RedisBroker

    url = _with_db(redis_url, REDIS_DB)
    redis.Redis.from_url(url).flushdb()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {"address": url, "socket_timeout": settings.CHANNEL_LAYER_SOCKET_TIMEOUT}
                ],
                "prefix": "framecast",
            },
        }
    }
    broker = RedisBroker(url=url)
    broker.emit_after("process_boot")
    return url, broker


@pytest.fixture
def redis_workers(
    redis_url: str, worker_env: dict[str, str], tmp_path: Path, settings: Any
) -> Iterator[Workers]:
    _require_postgres()
    url, broker = _redis_setup(redis_url, settings)
    restore = rebind_actors(broker)
    # A REDIS_URL on database 7 needs the cache named (README): the test process's own cache.
    cache_url = settings.CACHES["default"].get("LOCATION") or _with_db(redis_url, 1)
    workers = Workers(
        tmp_path,
        {**worker_env, "REDIS_URL": url, "BROKER_URL": url, "REDIS_CACHE_URL": cache_url},
    )
    try:
        yield workers
    finally:
        workers.stop()
        restore()
        broker.close()


def wait_for(
    predicate: Callable[[], bool], timeout: float, what: str, logs: Callable[[], str]
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}\n{logs()}")


def folder_files(public_id: str) -> list[str]:
    try:
        return sorted(default_storage.listdir(f"videos/{public_id}")[1])
    except FileNotFoundError:
        return []


def _request(user: Any, n: int) -> GenerationJob:
    return generation_request(
        user=user, prompt=f"ball number {n} bounces", duration=5, aspect="9:16", resolution=480
    )


def test_two_workers_twenty_jobs_exactly_once_and_events_to_owners_only(
    redis_workers: Workers,
) -> None:
    users = UserFactory.create_batch(10)
    watched = users[:2]
    cookies = [session_cookie(u) for u in watched]
    redis_workers.start(count=2, threads=2)

    async def scenario() -> list[list[dict[str, Any]]]:
        sockets = [communicator(cookie) for cookie in cookies]
        for socket in sockets:
            assert (await socket.connect())[0]
            assert (await socket.receive_json_from(timeout=10))["type"] == "jobs.snapshot"
        for n in range(20):
            await database_sync_to_async(_request)(users[n % 10], n)
        received: list[list[dict[str, Any]]] = [[], []]
        for index, socket in enumerate(sockets):
            done: set[str] = set()
            deadline = time.monotonic() + 90
            while len(done) < 2 and time.monotonic() < deadline:
                event = await socket.receive_json_from(timeout=90)
                received[index].append(event)
                if event["status"] == "succeeded":
                    done.add(event["video"])
            await socket.disconnect()
        return received

    received = async_to_sync(scenario)()
    wait_for(
        lambda: GenerationJob.objects.filter(status=J.SUCCEEDED).count() == 20,
        90,
        "20 succeeded jobs",
        redis_workers.logs,
    )
    jobs = list(GenerationJob.objects.select_related("video"))
    assert len(jobs) == 20 and all(j.attempts == 1 for j in jobs)
    lines = redis_workers.engine_lines()
    done = [line[0] for line in lines if line[2] == "done"]
    assert sorted(done) == sorted(j.video.public_id for j in jobs)  # each exactly once
    assert len({line[1] for line in lines}) == 2, "both worker processes took jobs"
    for job in jobs:
        assert folder_files(job.video.public_id) == sorted(
            [Path(job.video.video_file.name).name, Path(job.video.poster_file.name).name]
        )
    for user, events in zip(watched, received, strict=True):
        own = {j.video.public_id for j in jobs if j.owner_id == user.pk}
        assert {e["video"] for e in events} == own  # every event about their own jobs only
        assert {e["video"] for e in events if e["status"] == "succeeded"} == own
        assert any(e["status"] == "running" for e in events)
        assert all(e["video_url"] for e in events if e["status"] == "succeeded")


def test_worker_killed_mid_job_job_still_finishes_once(
    redis_workers: Workers, settings: Any
) -> None:
    settings.GENERATION_HEARTBEAT_EXPIRY_SECONDS = 2  # as in the workers' environment
    redis_workers.env["FRAMECAST_FAKE_ENGINE_SECONDS"] = "4"
    redis_workers.start(count=1, threads=1)
    redis_workers.start(count=1, threads=1)
    job = _request(UserFactory(), 1)
    wait_for(
        lambda: GenerationJob.objects.filter(pk=job.pk, status=J.RUNNING, progress__gt=0).exists(),
        30,
        "the job to run",
        redis_workers.logs,
    )
    job.refresh_from_db()
    pid = int(job.worker_id.split(":")[1])
    os.kill(pid, signal.SIGKILL)  # the worker process dies mid-job, no cleanup of any kind
    killed_at = time.monotonic()
    # Its heartbeat expires (2 s here, 60 s by default); the sweeper re-enqueues the job.
    wait_for(
        lambda: jobs_sweep(files=False).requeued == 1,
        15,
        "the sweeper to requeue",
        redis_workers.logs,
    )
    assert time.monotonic() - killed_at >= 1.5
    wait_for(
        lambda: GenerationJob.objects.filter(pk=job.pk, status=J.SUCCEEDED).exists(),
        40,
        "the job to finish on the surviving worker",
        redis_workers.logs,
    )
    job.refresh_from_db()
    assert job.attempts == 2
    assert str(pid) not in job.worker_id
    lines = [line for line in redis_workers.engine_lines() if line[0] == job.video.public_id]
    assert [line[2] for line in lines].count("start") == 2
    assert [line[2] for line in lines].count("done") == 1
    assert len(folder_files(job.video.public_id)) == 2  # one set of files
    # A late redelivery of the killed worker's message changes nothing.
    time.sleep(0.5)
    job.refresh_from_db()
    assert job.status == J.SUCCEEDED and job.attempts == 2


def test_rabbitmq_basic_flow(rabbitmq_url: str, worker_env: dict[str, str], tmp_path: Path) -> None:
    _require_postgres()
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    broker = RabbitmqBroker(url=rabbitmq_url)
    broker.emit_after("process_boot")
    restore = rebind_actors(broker)
    broker.flush_all()
    env = {k: v for k, v in worker_env.items() if k not in {"REDIS_URL"}}
    env["BROKER_URL"] = rabbitmq_url
    workers = Workers(tmp_path, env)
    try:
        workers.start(count=1, threads=2)
        users = UserFactory.create_batch(2)
        jobs = [_request(users[n % 2], n) for n in range(4)]
        wait_for(
            lambda: GenerationJob.objects.filter(status=J.SUCCEEDED).count() == 4,
            60,
            "4 jobs over RabbitMQ",
            workers.logs,
        )
        done = [line[0] for line in workers.engine_lines() if line[2] == "done"]
        assert sorted(done) == sorted(j.video.public_id for j in jobs)
        assert all(len(folder_files(j.video.public_id)) == 2 for j in jobs)
    finally:
        workers.stop()
        restore()
        broker.close()


def test_real_engine_end_to_end(redis_workers: Workers) -> None:
    """The real gen_engine in a real worker process, at the small size (480p, 5 s)."""
    import av

    redis_workers.env.pop("FRAMECAST_ENGINE_CALLABLE")
    redis_workers.start(count=1, threads=1)
    job = _request(UserFactory(), 1)
    stages: set[str] = set()

    def finished() -> bool:
        row = GenerationJob.objects.filter(pk=job.pk).values("status", "stage").get()
        stages.add(row["stage"])
        return row["status"] in GenerationJob.FINAL_STATUSES

    wait_for(finished, 240, "the real engine", redis_workers.logs)
    job.refresh_from_db()
    video = job.video
    video.refresh_from_db()
    assert job.status == J.SUCCEEDED, (job.error_code, job.error_message)
    assert len(stages - {"", "starting", "done"}) >= 2, stages  # progress moved through stages
    assert (video.width, video.height) == (480, 854)
    assert 4.5 <= video.length_seconds <= 5.5
    assert video.plan["prompt"] == video.prompt
    with default_storage.open(video.video_file.name) as handle, av.open(handle) as container:
        kinds = {stream.type for stream in container.streams}
        picture = container.streams.video[0]
        assert kinds >= {"video", "audio"}
        assert (picture.codec_context.width, picture.codec_context.height) == (480, 854)
    assert len(folder_files(video.public_id)) == 2
