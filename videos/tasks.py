"""Dramatiq actors of the videos app. Thin: the work is in videos.runner and videos.services.

Queues: "generation-cpu" for the default (CPU) engine, "generation-gpu" when GEN_ENGINE_BACKEND
names a GPU backend, so GPU machines run `dramatiq sora_site.worker --queues generation-gpu`.

The periodic sweeper is an actor that re-enqueues itself with a delay (`sweep_jobs_tick`).
Chosen over a thread because it works the same in the in-process worker and in separate worker
processes on many machines, and needs no extra scheduler process. Each worker process starts
a chain when it boots (`SweeperKickoff`); a chain carries a token and stops when the cache holds
a newer one, so restarts do not multiply chains (with the cache in Redis, shared by all
processes). A lost chain only delays recovery: the next worker boot starts a new one, and
`manage.py sweep_jobs` does the same work by hand.

The chain rides on the broker, so it cannot be what recovers from a broker outage (a delayed
tick that was due while the broker was down is lost with it). Each worker process therefore
also runs a small recovery loop on a thread (`EnqueueRecovery`) every
GENERATION_ENQUEUE_RETRY_SECONDS (10 s): it sends the jobs the broker refused at submit
(`enqueue_pending`) and starts a new sweeper chain when the current one has not ticked for three
intervals. So a job submitted during an outage is handed to the broker at most
GENERATION_ENQUEUE_RETRY_SECONDS after it answers again.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Any

import dramatiq
from django.conf import settings
from django.core.cache import cache
from dramatiq.middleware import Middleware

from videos.runner import TransientJobError, job_run

logger = logging.getLogger(__name__)

GENERATION_QUEUE = (
    "generation-cpu" if settings.GEN_ENGINE_BACKEND == "default" else "generation-gpu"
)
MAX_RETRIES = 3
SWEEP_QUEUE = "maintenance"
VERIFY_QUEUE = "verify"
SWEEP_CHAIN_KEY = "videos:sweeper:chain"
SWEEP_BEAT_KEY = "videos:sweeper:beat"
SWEEP_RESTART_KEY = "videos:sweeper:restart"


def _retry_transient(retries: int, exc: BaseException) -> bool:
    return isinstance(exc, TransientJobError) and retries < MAX_RETRIES


@dramatiq.actor(
    queue_name=GENERATION_QUEUE,
    time_limit=int(settings.GENERATION_TIME_LIMIT_SECONDS) * 1000,
    max_retries=MAX_RETRIES,
    retry_when=_retry_transient,
    min_backoff=5_000,
    max_backoff=120_000,
)
def generate_video(job_id: int) -> None:
    job_run(job_id)


@dramatiq.actor(queue_name=VERIFY_QUEUE, max_retries=0, time_limit=10 * 60 * 1000)
def verify_check(check_id: str) -> None:
    """A Verify upload too large to check inside the request (videos.verify)."""
    from videos.verify import verify_check_run

    verify_check_run(check_id)


@dramatiq.actor(queue_name=SWEEP_QUEUE, max_retries=0, time_limit=10 * 60 * 1000)
def sweep_jobs_tick(token: str) -> None:
    from videos.services import jobs_sweep

    current = cache.get(SWEEP_CHAIN_KEY)
    if current is None:
        # The cache lost the token (flushed, restarted): the first chain to look adopts it.
        cache.add(SWEEP_CHAIN_KEY, token, timeout=None)
        current = cache.get(SWEEP_CHAIN_KEY)
    if current != token:
        logger.info("video.sweeper.chain_superseded")
        return
    cache.set(SWEEP_BEAT_KEY, time.time(), timeout=None)
    try:
        jobs_sweep()
        housekeeping()
    finally:
        sweep_jobs_tick.send_with_options(args=(token,), delay=_sweep_delay_ms())


def housekeeping() -> None:
    """Cheap periodic clean-ups of other rooms, on the sweeper's beat: verification clips past
    their 30 days, expired API idempotency keys, and Verify findings past their hour."""
    from cameos.services import verification_clips_purge
    from sora_site.api.services import idempotency_keys_purge
    from videos.runner import job_temp_dirs_clean
    from videos.verify import verify_checks_purge

    job_temp_dirs_clean()  # this machine's only; every machine's workers run ticks in turn
    verification_clips_purge()
    idempotency_keys_purge()
    verify_checks_purge()


def _sweep_delay_ms() -> int:
    return int(float(settings.GENERATION_SWEEP_INTERVAL_SECONDS) * 1000)


def sweeper_start() -> str:
    """Start a new chain; older chains see the new token and stop."""
    token = secrets.token_hex(8)
    cache.set(SWEEP_CHAIN_KEY, token, timeout=None)
    cache.set(SWEEP_BEAT_KEY, time.time(), timeout=None)
    sweep_jobs_tick.send_with_options(args=(token,), delay=_sweep_delay_ms())
    return token


class SweeperKickoff(Middleware):
    """Starts a sweeper chain when a worker (separate process or in-process) boots."""

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        if float(settings.GENERATION_SWEEP_INTERVAL_SECONDS) <= 0:
            return
        try:
            sweeper_start()
        except Exception as exc:
            logger.warning("video.sweeper.start_failed", extra={"error": repr(exc)})


def recovery_pass() -> None:
    """One turn of the recovery loop (see the module docstring)."""
    from videos.services import jobs_enqueue_pending

    jobs_enqueue_pending()
    interval = float(settings.GENERATION_SWEEP_INTERVAL_SECONDS)
    if interval <= 0:
        return
    beat = cache.get(SWEEP_BEAT_KEY)
    if beat is not None and time.time() - float(beat) < 3 * interval:
        return
    if cache.add(SWEEP_RESTART_KEY, 1, timeout=max(1, int(3 * interval))):
        logger.warning("video.sweeper.chain_restarted", extra={"last_beat": beat})
        sweeper_start()


class EnqueueRecovery(Middleware):
    """Runs `recovery_pass` on a daemon thread of every worker process of a real broker (the
    in-memory broker of `make run` cannot refuse a message)."""

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        from dramatiq.brokers.stub import StubBroker

        interval = float(settings.GENERATION_ENQUEUE_RETRY_SECONDS)
        if interval <= 0 or isinstance(broker, StubBroker):
            return
        stop = threading.Event()
        self._stop = stop
        threading.Thread(
            target=self._loop, args=(interval, stop), name="enqueue-recovery", daemon=True
        ).start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        stop = getattr(self, "_stop", None)
        if stop is not None:
            stop.set()

    @staticmethod
    def _loop(interval: float, stop: threading.Event) -> None:
        from django.db import close_old_connections

        while not stop.wait(interval):
            try:
                recovery_pass()
            except Exception as exc:  # the database or cache is down too: try next turn
                logger.warning("video.recovery.failed", extra={"error": repr(exc)})
            finally:
                close_old_connections()


def _install_kickoff() -> None:
    broker = dramatiq.get_broker()
    if not any(isinstance(m, SweeperKickoff) for m in broker.middleware):
        broker.add_middleware(SweeperKickoff())
    if not any(isinstance(m, EnqueueRecovery) for m in broker.middleware):
        broker.add_middleware(EnqueueRecovery())


_install_kickoff()
