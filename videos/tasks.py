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
"""

from __future__ import annotations

import logging
import secrets
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
    from videos.verify import verify_checks_purge

    verification_clips_purge()
    idempotency_keys_purge()
    verify_checks_purge()


def _sweep_delay_ms() -> int:
    return int(float(settings.GENERATION_SWEEP_INTERVAL_SECONDS) * 1000)


def sweeper_start() -> str:
    """Start a new chain; older chains see the new token and stop."""
    token = secrets.token_hex(8)
    cache.set(SWEEP_CHAIN_KEY, token, timeout=None)
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


def _install_kickoff() -> None:
    broker = dramatiq.get_broker()
    if not any(isinstance(m, SweeperKickoff) for m in broker.middleware):
        broker.add_middleware(SweeperKickoff())


_install_kickoff()
