"""Recovery: jobs whose message or worker was lost go back to the queue; stray files go.

Run by `manage.py sweep_jobs` (once, or `--loop`) and by the `sweep_jobs_tick` actor, which
re-enqueues itself with a delay (see videos/tasks.py). Safe to run anywhere, any number of
times at once: each job is re-checked under its row lock and re-enqueueing is idempotent
(the actor ignores messages for jobs another worker holds or that have finished).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from videos.events import job_event_send
from videos.models import GenerationJob, Video
from videos.services.generation import WAITING_MESSAGE, _cancel_now, job_enqueue
from videos.services.state import job_move
from videos.services.worker import GENERIC_FAILURE, _fail

logger = logging.getLogger(__name__)

MEDIA_PREFIX = "videos"
ORPHAN_AGE = dt.timedelta(hours=1)


@dataclass
class SweepReport:
    requeued: int = 0
    failed: int = 0
    cancelled: int = 0
    orphans_deleted: int = 0


def jobs_sweep(
    *,
    now: dt.datetime | None = None,
    heartbeat_expiry_seconds: float | None = None,
    queued_stale_seconds: float | None = None,
    orphan_age: dt.timedelta = ORPHAN_AGE,
    files: bool = True,
) -> SweepReport:
    now = now or timezone.now()
    expiry = dt.timedelta(
        seconds=heartbeat_expiry_seconds
        if heartbeat_expiry_seconds is not None
        else float(settings.GENERATION_HEARTBEAT_EXPIRY_SECONDS)
    )
    stale = dt.timedelta(
        seconds=queued_stale_seconds
        if queued_stale_seconds is not None
        else float(settings.GENERATION_QUEUED_STALE_SECONDS)
    )
    report = SweepReport()
    report.requeued += jobs_enqueue_pending()
    dead_running = Q(status=GenerationJob.Status.RUNNING) & (
        Q(heartbeat_at__lt=now - expiry) | Q(heartbeat_at__isnull=True)
    )
    stuck_queued = Q(status=GenerationJob.Status.QUEUED, enqueued_at__lt=now - stale)
    candidates = list(
        GenerationJob.objects.filter(dead_running | stuck_queued).values_list("pk", flat=True)
    )
    for job_id in candidates:
        _sweep_job(job_id, now=now, expiry=expiry, stale=stale, report=report)
    if files:
        report.orphans_deleted = orphan_files_delete(older_than=now - orphan_age)
    if candidates or report.orphans_deleted:
        logger.info("video.sweep", extra={"report": report.__dict__})
    return report


def jobs_enqueue_pending() -> int:
    """Send the jobs the broker did not take when they were submitted (`enqueue_pending`).

    Run on every sweep and, more often, by each worker process's recovery loop
    (GENERATION_ENQUEUE_RETRY_SECONDS, videos.tasks.EnqueueRecovery), which does not depend on
    the broker to be scheduled. Stops at the first send that fails: the broker is still down.
    Returns how many were sent."""
    sent = 0
    pending = GenerationJob.objects.filter(
        status=GenerationJob.Status.QUEUED, enqueue_pending=True
    ).order_by("created_at", "id")
    for job_id in list(pending.values_list("pk", flat=True)[:500]):
        if not job_enqueue(job_id):
            break
        sent += 1
        # Only while still queued: a worker may already have claimed it from this message.
        GenerationJob.objects.filter(
            pk=job_id, status=GenerationJob.Status.QUEUED, enqueue_pending=True
        ).update(enqueue_pending=False, message=WAITING_MESSAGE, enqueued_at=timezone.now())
    if sent:
        logger.info("video.job.enqueue_recovered", extra={"sent": sent})
    return sent


def jobs_release_instance(*, instance: str, now: dt.datetime | None = None) -> int:
    """Put back the running jobs of a worker process known to be dead - the supervisor saw it
    exit (sora_site.supervise) - without waiting for their heartbeat to expire. The worker id
    ends with the process's instance token (videos.services.worker.new_worker_id)."""
    if not instance:
        return 0
    now = now or timezone.now()
    report = SweepReport()
    held = GenerationJob.objects.filter(
        status=GenerationJob.Status.RUNNING, worker_id__endswith=f":{instance}"
    )
    for job_id in list(held.values_list("pk", flat=True)):
        # An expiry of zero: the holder is gone, however fresh its last beat.
        _sweep_job(
            job_id,
            now=now,
            expiry=dt.timedelta(0),
            stale=dt.timedelta.max,
            report=report,
            holder_suffix=f":{instance}",
        )
    if report.requeued or report.failed or report.cancelled:
        logger.warning("video.job.released", extra={"instance": instance, **report.__dict__})
    return report.requeued


def _sweep_job(
    job_id: int,
    *,
    now: dt.datetime,
    expiry: dt.timedelta,
    stale: dt.timedelta,
    report: SweepReport,
    holder_suffix: str = "",
) -> None:
    with transaction.atomic():
        job = (
            GenerationJob.objects.select_for_update()
            .select_related("video")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            return
        if job.status == GenerationJob.Status.RUNNING:
            if holder_suffix and not job.worker_id.endswith(holder_suffix):
                return  # another run holds it now
            if job.heartbeat_at is not None and now - job.heartbeat_at < expiry:
                return  # it beat again since we looked
            if job.cancel_requested:
                _cancel_now(job, message="Cancelled")
                report.cancelled += 1
            elif job.attempts >= job.max_attempts:
                _fail(job, code="worker_lost", message=GENERIC_FAILURE, now=now)
                report.failed += 1
            else:
                job_move(job, GenerationJob.Status.QUEUED)
                job.worker_id = ""
                job.heartbeat_at = None
                job.enqueued_at = now
                job.stage = ""
                job.progress = 0.0
                job.message = "The worker stopped; starting again"
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
                transaction.on_commit(lambda: job_enqueue(job_id))
                report.requeued += 1
            job_event_send(job)
        elif job.status == GenerationJob.Status.QUEUED and now - job.enqueued_at >= stale:
            job.enqueued_at = now
            job.save(update_fields=["enqueued_at"])
            transaction.on_commit(lambda: job_enqueue(job_id))
            report.requeued += 1


def orphan_files_delete(*, older_than: dt.datetime) -> int:
    """Delete files under videos/ that no Video names and that are older than `older_than`
    (younger ones may belong to a worker that is between storing and its final write)."""
    try:
        folders, _ = default_storage.listdir(MEDIA_PREFIX)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    deleted = 0
    for start in range(0, len(folders), 500):
        batch = folders[start : start + 500]
        referenced: set[str] = set()
        for video_name, poster_name in Video.objects.filter(public_id__in=batch).values_list(
            "video_file", "poster_file"
        ):
            referenced.update(n for n in (video_name, poster_name) if n)
        for folder in batch:
            _, names = default_storage.listdir(f"{MEDIA_PREFIX}/{folder}")
            for name in names:
                path = f"{MEDIA_PREFIX}/{folder}/{name}"
                if path in referenced:
                    continue
                try:
                    modified = default_storage.get_modified_time(path)
                except (FileNotFoundError, NotImplementedError):
                    continue
                if modified < older_than:
                    default_storage.delete(path)
                    deleted += 1
    return deleted
