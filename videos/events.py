"""Live job events: one schema, one sender.

Every event a browser receives about a job is built by `job_event` and sent by `job_event_send`,
always after the surrounding transaction commits (a rolled-back change is never announced).
Channel layers deliver at most once, so the job row stays the source of truth: the consumer
sends the rows' state on (re)connect, and a page reload renders the same state from the DB.

Schema (JSON sent over /ws/jobs/)::

    {
      "type": "job.progress",
      "job": "<job public id>",
      "video": "<video public id>",
      "status": "queued|running|succeeded|failed|cancelled",
      "video_status": "draft_generating|draft_ready|draft_failed|...",
      "stage": "director|physics|render|...",   # engine stage, "" before the first report
      "progress": 0.0..1.0,
      "message": "human-readable line",
      "eta_seconds": int | null,                # remaining time, null when unknown
      "error_code": "", "error_message": "",     # set when status is failed
      "video_url": "" | "/media/v/<id>/video",  # set once the draft is ready
      "poster_url": "" | "/media/v/<id>/poster"
    }
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from videos.models import GenerationJob, Video

logger = logging.getLogger(__name__)

EVENT_TYPE = "job.progress"
SEND_TIMEOUT_SECONDS = 5.0

# The loop of the ASGI server in this process, noted by the consumer. An in-memory channel
# layer is plain asyncio queues, so events sent from a worker thread must run on that loop.
_server_loop: asyncio.AbstractEventLoop | None = None
# Other layers (Redis) get one long-lived loop per process, so one connection serves all sends.
_sender_loop: asyncio.AbstractEventLoop | None = None
_sender_lock = threading.Lock()


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def note_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    global _server_loop
    _server_loop = loop


def estimate_remaining(job: GenerationJob, *, per_second: float) -> int | None:
    """Seconds left: from the pace so far once there is one, else the per-second estimate."""
    if job.status == GenerationJob.Status.QUEUED:
        return round(job.video.duration * per_second)
    if job.status != GenerationJob.Status.RUNNING:
        return None
    if job.started_at and job.progress >= 0.05:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        return max(0, round(elapsed / job.progress * (1 - job.progress)))
    return round(job.video.duration * per_second * (1 - job.progress))


def job_event(job: GenerationJob, *, per_second: float | None = None) -> dict[str, Any]:
    from videos.selectors import generation_seconds_per_video_second

    video: Video = job.video
    ready = job.status == GenerationJob.Status.SUCCEEDED and bool(video.video_file)
    if per_second is None:
        per_second = generation_seconds_per_video_second()
    return {
        "type": EVENT_TYPE,
        "job": job.public_id,
        "video": video.public_id,
        "status": job.status,
        "video_status": video.status,
        "stage": job.stage,
        "progress": round(float(job.progress), 4),
        "message": job.message,
        "eta_seconds": estimate_remaining(job, per_second=per_second),
        "error_code": job.error_code,
        "error_message": job.error_message,
        "video_url": reverse("videos:media_video", args=[video.public_id]) if ready else "",
        "poster_url": reverse("videos:media_poster", args=[video.public_id]) if ready else "",
    }


def job_event_send(job: GenerationJob) -> None:
    """Announce the job's current state to its owner, once the transaction commits."""
    payload = job_event(job)
    group = user_group(job.owner_id)
    transaction.on_commit(lambda: _group_send(group, {"type": EVENT_TYPE, "event": payload}))


def _ensure_sender_loop() -> asyncio.AbstractEventLoop:
    global _sender_loop
    with _sender_lock:
        if _sender_loop is None or _sender_loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="videos-events", daemon=True).start()
            _sender_loop = loop
        return _sender_loop


def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if isinstance(layer, InMemoryChannelLayer):
            loop = _server_loop
            if loop is None or not loop.is_running() or _running_loop() is loop:
                async_to_sync(layer.group_send)(group, message)
                return
        else:
            loop = _ensure_sender_loop()
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
        future.result(timeout=SEND_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("videos.event.send_failed", extra={"group": group, "error": repr(exc)})


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
