"""The worker's side of a job: claim, progress, heartbeat, and exactly-once completion.

A worker run is identified by a `worker_id` ("host:pid:random"). It owns the job while the
row says `running` with its id and a fresh heartbeat. Every write it makes is conditional on
still owning the job, and the final write re-checks ownership under the row lock: a run that
lost its lease (it stalled and the sweeper gave the job to another worker, or the draft was
deleted) makes no change and deletes the files it stored.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from videos.events import job_event_send
from videos.models import GenerationJob, Video
from videos.services.generation import _cancel_now
from videos.services.publishing import storage_delete
from videos.services.state import job_move, video_move
from videos.webhooks import job_payload, webhook_after_commit

logger = logging.getLogger(__name__)

GENERIC_FAILURE = "Something went wrong while making this video. Please try again."


def worker_instance() -> str:
    """The token the supervisor gives each worker process it starts (sora_site.supervise);
    when the process dies, its restart releases the jobs whose worker id ends with it."""
    return os.environ.get("FRAMECAST_WORKER_INSTANCE", "")[:32]


def new_worker_id() -> str:
    run = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
    instance = worker_instance()
    return f"{run}:{instance}" if instance else run


def heartbeat_expiry() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.GENERATION_HEARTBEAT_EXPIRY_SECONDS))


def _heartbeat_fresh(job: GenerationJob, now: dt.datetime) -> bool:
    return job.heartbeat_at is not None and now - job.heartbeat_at < heartbeat_expiry()


def job_claim(*, job_id: int, worker_id: str) -> GenerationJob | None:
    """Take the job for this run, or return None when there is nothing to do.

    Idempotent for redelivered messages: a finished job, a cancelled one, and one running
    with a fresh heartbeat under another worker are all left alone.
    """
    now = timezone.now()
    with transaction.atomic():
        job = (
            GenerationJob.objects.select_for_update()
            .select_related("video", "video__owner")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            logger.info("video.job.claim.gone", extra={"job_id": job_id})
            return None
        if job.status in GenerationJob.FINAL_STATUSES:
            logger.info("video.job.claim.final", extra={"job": job.public_id})
            return None
        if job.status == GenerationJob.Status.RUNNING and _heartbeat_fresh(job, now):
            logger.info(
                "video.job.claim.held", extra={"job": job.public_id, "holder": job.worker_id}
            )
            return None
        if job.cancel_requested:
            _cancel_now(job)
            job_event_send(job)
            return None
        if job.attempts >= job.max_attempts:
            _fail(job, code="worker_lost", message=GENERIC_FAILURE, now=now)
            job_event_send(job)
            return None
        if job.status == GenerationJob.Status.RUNNING:
            # Its worker stopped beating: take it over. The lost run counted as an attempt.
            logger.warning(
                "video.job.takeover", extra={"job": job.public_id, "previous": job.worker_id}
            )
        else:
            job_move(job, GenerationJob.Status.RUNNING)
        job.status = GenerationJob.Status.RUNNING
        job.worker_id = worker_id
        job.heartbeat_at = now
        job.attempts += 1
        job.started_at = now
        job.stage = "starting"
        job.progress = 0.0
        job.message = "Starting" if job.attempts == 1 else f"Starting (attempt {job.attempts})"
        job.enqueue_pending = False  # a message reached a worker, whichever sent it
        job.save(
            update_fields=[
                "enqueue_pending",
                "status",
                "worker_id",
                "heartbeat_at",
                "attempts",
                "started_at",
                "stage",
                "progress",
                "message",
            ]
        )
        job_event_send(job)
    logger.info(
        "video.job.claimed",
        extra={"job": job.public_id, "worker": worker_id, "attempt": job.attempts},
    )
    return job


def _held(job_id: int, worker_id: str) -> dict[str, Any]:
    return {"pk": job_id, "worker_id": worker_id, "status": GenerationJob.Status.RUNNING}


def job_progress_record(
    *, job: GenerationJob, worker_id: str, stage: str, fraction: float, message: str
) -> bool:
    """Write progress (and a heartbeat) if this run still holds the job; announce it."""
    now = timezone.now()
    fraction = min(1.0, max(0.0, float(fraction)))
    updated = GenerationJob.objects.filter(**_held(job.pk, worker_id)).update(
        stage=stage[:20], progress=fraction, message=message[:200], heartbeat_at=now
    )
    if not updated:
        return False
    job.stage, job.progress, job.message = stage[:20], fraction, message[:200]
    job.heartbeat_at = now
    job_event_send(job)
    return True


def job_heartbeat(*, job_id: int, worker_id: str) -> bool:
    return bool(
        GenerationJob.objects.filter(**_held(job_id, worker_id)).update(heartbeat_at=timezone.now())
    )


def job_should_stop(*, job_id: int, worker_id: str) -> bool:
    """True when the owner asked to cancel or this run no longer holds the job."""
    row = GenerationJob.objects.filter(pk=job_id).values("status", "worker_id", "cancel_requested")
    state = row.first()
    if state is None:
        return True
    if state["status"] != GenerationJob.Status.RUNNING or state["worker_id"] != worker_id:
        return True
    return bool(state["cancel_requested"])


def _held_locked(job_id: int, worker_id: str) -> GenerationJob | None:
    return (
        GenerationJob.objects.select_for_update()
        .select_related("video")
        .filter(**_held(job_id, worker_id))
        .first()
    )


def job_complete(
    *,
    job_id: int,
    worker_id: str,
    video_name: str,
    poster_name: str,
    width: int,
    height: int,
    length_seconds: float,
    plan: dict[str, Any],
    timings: dict[str, float],
    held: bool = False,
) -> bool:
    """The one final write. Returns False (and changes nothing) if this run lost the job; the
    caller then deletes the files it stored, so a job always ends with one set of files.

    `held`: the output check flagged the result, so the draft waits "in review" for a moderator
    instead of becoming publishable."""
    with transaction.atomic():
        job = _held_locked(job_id, worker_id)
        if job is None:
            logger.warning("video.job.complete.lost", extra={"job_id": job_id, "worker": worker_id})
            return False
        now = timezone.now()
        video = job.video
        old = [n for n in (video.video_file.name, video.poster_file.name) if n]
        video_move(video, Video.Status.DRAFT_READY)
        if held:
            video_move(video, Video.Status.IN_REVIEW)
        video.video_file.name = video_name
        video.poster_file.name = poster_name
        video.width, video.height, video.length_seconds = width, height, length_seconds
        video.plan = plan
        video.save(
            update_fields=[
                "status",
                "video_file",
                "poster_file",
                "width",
                "height",
                "length_seconds",
                "plan",
            ]
        )
        job_move(job, GenerationJob.Status.SUCCEEDED)
        job.stage = "done"
        job.progress = 1.0
        job.message = "Ready"
        started = job.started_at or now
        job.timings = {**timings, "total": (now - started).total_seconds()}
        job.finished_at = now
        job.heartbeat_at = now
        job.cancel_requested = False
        job.save(
            update_fields=[
                "status",
                "stage",
                "progress",
                "message",
                "timings",
                "finished_at",
                "heartbeat_at",
                "cancel_requested",
            ]
        )
        if old:
            transaction.on_commit(lambda: storage_delete(old))
        job_event_send(job)
        webhook_after_commit(
            "generation.succeeded", user=job.owner, payload=job_payload(job, video)
        )
        webhook_after_commit("video.completed", user=job.owner, payload={"id": video.public_id})
    logger.info("video.generation.done", extra={"job": job.public_id, "timings": job.timings})
    return True


def _fail(job: GenerationJob, *, code: str, message: str, now: dt.datetime) -> None:
    job_move(job, GenerationJob.Status.FAILED)
    job.error_code = code[:50]
    job.error_message = message[:500]
    job.message = "Failed"
    job.finished_at = now
    job.cancel_requested = False
    job.save(
        update_fields=[
            "status",
            "error_code",
            "error_message",
            "message",
            "finished_at",
            "cancel_requested",
        ]
    )
    video = job.video
    if video.status == Video.Status.DRAFT_GENERATING:
        video_move(video, Video.Status.DRAFT_FAILED)
        video.save(update_fields=["status"])
    webhook_after_commit("generation.failed", user=job.owner, payload=job_payload(job, video))
    webhook_after_commit("video.failed", user=job.owner, payload={"id": video.public_id})


def job_fail(*, job_id: int, worker_id: str, code: str, message: str) -> bool:
    """A failure the person can read (the engine's GenerationError): no retry."""
    with transaction.atomic():
        job = _held_locked(job_id, worker_id)
        if job is None:
            return False
        _fail(job, code=code, message=message, now=timezone.now())
        job_event_send(job)
    logger.info("video.generation.failed", extra={"job": job.public_id, "code": code})
    return True


def job_mark_cancelled(*, job_id: int, worker_id: str) -> bool:
    with transaction.atomic():
        job = _held_locked(job_id, worker_id)
        if job is None:
            return False
        _cancel_now(job)
        job_event_send(job)
    return True


def job_attempt_failed(*, job_id: int, worker_id: str, error: str) -> bool:
    """An unexpected error. Returns True when the job goes back to queued for a retry (the
    caller raises so Dramatiq redelivers with backoff), False when attempts are used up."""
    with transaction.atomic():
        job = _held_locked(job_id, worker_id)
        if job is None:
            return False
        if job.cancel_requested:
            _cancel_now(job)
            job_event_send(job)
            return False
        if job.attempts >= job.max_attempts:
            _fail(job, code="internal", message=GENERIC_FAILURE, now=timezone.now())
            job_event_send(job)
            logger.error("video.generation.gave_up", extra={"job": job.public_id, "error": error})
            return False
        job_move(job, GenerationJob.Status.QUEUED)
        job.worker_id = ""
        job.heartbeat_at = None
        job.enqueued_at = timezone.now()
        job.stage = ""
        job.progress = 0.0
        job.message = f"Attempt {job.attempts} failed; retrying shortly"
        job.save(
            update_fields=[
                "status",
                "worker_id",
                "heartbeat_at",
                "enqueued_at",
                "stage",
                "progress",
                "message",
            ]
        )
        job_event_send(job)
    logger.warning("video.generation.retry", extra={"job": job.public_id, "error": error})
    return True
