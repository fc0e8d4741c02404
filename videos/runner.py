"""One worker run of one job: claim, run the engine with progress and cancel callbacks, store
the files, and make the single final write (see videos/services/worker.py for the rules)."""

from __future__ import annotations

import inspect
import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from dramatiq.middleware.time_limit import TimeLimitExceeded

from cameos.permissions import cameo_consent_still_valid
from gen_engine.types import GenerationCancelled, GenerationError, Progress
from moderation.output_check import FrameCollector
from sora_site.provenance import configure_provenance
from videos import engine_adapter
from videos.models import GenerationJob, Video
from videos.services import (
    job_attempt_failed,
    job_claim,
    job_complete,
    job_fail,
    job_heartbeat,
    job_mark_cancelled,
    job_progress_record,
    job_should_stop,
    new_worker_id,
    storage_delete,
)

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between progress writes (a stage change writes at once)
CANCEL_CHECK_INTERVAL = 0.5


TEMP_PREFIX = "framecast-job-"
TEMP_MARGIN_SECONDS = 600


def _host_tag() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "", socket.gethostname())[:40] or "host"


def _temp_prefix() -> str:
    """Names a job's work folder after this host and process, so a clean-up can tell a folder
    whose process died (a SIGKILL leaves it behind) from one a live job is writing into."""
    return f"{TEMP_PREFIX}{_host_tag()}-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def job_temp_dirs_clean(*, root: str | None = None, now: float | None = None) -> int:
    """Delete work folders no live job holds: those of a dead process on this host, and any
    older than the longest job (GENERATION_TIME_LIMIT_SECONDS, plus a margin). Run when a
    worker boots and by housekeeping. Returns how many were deleted."""
    base = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    longest = float(settings.GENERATION_TIME_LIMIT_SECONDS) + TEMP_MARGIN_SECONDS
    host = _host_tag()
    deleted = 0
    try:
        entries = list(base.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return 0
    for entry in entries:
        try:
            if not entry.is_dir() or entry.is_symlink():
                continue
            age = now - entry.stat().st_mtime
        except OSError:
            continue
        parts = entry.name[len(TEMP_PREFIX) :].rsplit("-", 2)
        dead_owner = (
            len(parts) == 3
            and parts[0] == host
            and parts[1].isdigit()
            and not _pid_alive(int(parts[1]))
        )
        if dead_owner or age > longest:
            shutil.rmtree(entry, ignore_errors=True)
            deleted += 1
    if deleted:
        logger.info("video.job.temp_dirs_deleted", extra={"count": deleted})
    return deleted


class TransientJobError(Exception):
    """Raised to Dramatiq so it redelivers the message with backoff (the job row is queued)."""


class _Callbacks:
    """The engine's on_progress / should_cancel, throttled so the DB sees ~2 writes a second."""

    def __init__(self, job: GenerationJob, worker_id: str) -> None:
        self.job = job
        self.worker_id = worker_id
        self.lost = False
        self._last_write = 0.0
        self._last_check = 0.0
        self._last_stage = job.stage
        self._best = 0.0

    def on_progress(self, progress: Progress) -> None:
        now = time.monotonic()
        fraction = max(self._best, min(1.0, float(progress.fraction)))
        stage_changed = progress.stage != self._last_stage
        if not stage_changed and now - self._last_write < PROGRESS_INTERVAL and fraction < 1.0:
            return
        self._best = fraction
        self._last_write = now
        self._last_stage = progress.stage
        if not job_progress_record(
            job=self.job,
            worker_id=self.worker_id,
            stage=progress.stage,
            fraction=fraction,
            message=progress.message or progress.stage.capitalize(),
        ):
            self.lost = True

    def should_cancel(self) -> bool:
        if self.lost:
            return True
        now = time.monotonic()
        if now - self._last_check < CANCEL_CHECK_INTERVAL:
            return False
        self._last_check = now
        return job_should_stop(job_id=self.job.pk, worker_id=self.worker_id)


class _Heartbeat:
    """Beats from a thread, so a long engine stage without progress reports is not taken for
    a dead worker."""

    def __init__(self, job_id: int, worker_id: str, callbacks: _Callbacks) -> None:
        self.job_id = job_id
        self.worker_id = worker_id
        self.callbacks = callbacks
        self.interval = float(settings.GENERATION_HEARTBEAT_SECONDS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        if self.interval > 0:
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                if not job_heartbeat(job_id=self.job_id, worker_id=self.worker_id):
                    self.callbacks.lost = True
                    return
        except Exception as exc:
            logger.warning("video.job.heartbeat_failed", extra={"error": repr(exc)})
        finally:
            connection.close()


def _tidy_connections() -> None:
    """Drop broken or expired DB connections between jobs, as Django does between requests
    (never inside a transaction: the test suite runs jobs inside one)."""
    if not connection.in_atomic_block:
        close_old_connections()


def _takes_frame_sampler(engine: Any) -> bool:
    """Whether the engine callable names a `frame_sampler` keyword (gen_engine.generate does).

    Stand-ins named by FRAMECAST_ENGINE_CALLABLE, or test wrappers that pass **kwargs on to one,
    may not: they get no sampler, and their file is decoded for the output check instead.
    """
    try:
        return "frame_sampler" in inspect.signature(engine).parameters
    except (TypeError, ValueError):  # a callable without a readable signature
        return False


def _output_held(video: Video, result: Any, collector: Any) -> bool:
    """The output check (frames, dialogue and, when a model made the sound, what is said in
    it); True holds the draft for review. Frames come from the engine's sampler when they cover
    the clip, from the finished file otherwise."""
    from moderation.gate import dialogue_from_plan, output_gate

    plan = result.plan.to_dict() if hasattr(result.plan, "to_dict") else {}
    decision = output_gate(
        video=video,
        video_path=str(result.video_path),
        dialogue=dialogue_from_plan(plan),
        frames=collector.covering(float(result.duration)),
        # `result` is duck-typed (engine callables are pluggable): one without the fields is
        # treated as the default engine's sound, as every Result was before they existed.
        audio_source=str(getattr(result, "audio_source", "engine")),
        audio_model=str(getattr(result, "audio_model", "")),
    )
    return bool(decision.held)


def job_run(job_id: int) -> None:
    _tidy_connections()
    try:
        _job_run(job_id)
    finally:
        _tidy_connections()


def _job_run(job_id: int) -> None:
    configure_provenance()  # the site's signing and watermark keys, once per process
    worker_id = new_worker_id()
    job = job_claim(job_id=job_id, worker_id=worker_id)
    if job is None:
        return
    callbacks = _Callbacks(job, worker_id)
    video = job.video
    consent = cameo_consent_still_valid(cameo_ids=video.cameo_ids, user=video.owner)
    if not consent.allowed:  # revoked since the request: the likeness must not be rendered
        job_fail(job_id=job.pk, worker_id=worker_id, code=consent.code, message=consent.reason)
        return
    stored: tuple[str, str] | None = None
    try:
        with (
            tempfile.TemporaryDirectory(prefix=_temp_prefix()) as out_dir,
            _Heartbeat(job.pk, worker_id, callbacks),
        ):
            spec = engine_adapter.spec_for(video, work_dir=out_dir)
            engine = engine_adapter.engine_function()
            collector = FrameCollector(fps=spec.fps)
            extra = {"frame_sampler": collector} if _takes_frame_sampler(engine) else {}
            result = engine(
                spec,
                out_dir,
                on_progress=callbacks.on_progress,
                should_cancel=callbacks.should_cancel,
                **extra,
            )
            held = _output_held(video, result, collector)
            stored = engine_adapter.store_outputs(
                public_id=video.public_id,
                video_path=result.video_path,
                poster_path=result.poster_path,
            )
    except GenerationCancelled:
        if not callbacks.lost:
            job_mark_cancelled(job_id=job.pk, worker_id=worker_id)
        logger.info("video.generation.cancelled", extra={"job": job.public_id})
        return
    except GenerationError as exc:
        job_fail(job_id=job.pk, worker_id=worker_id, code=exc.code, message=exc.message)
        return
    except TimeLimitExceeded:
        job_fail(
            job_id=job.pk,
            worker_id=worker_id,
            code="time_limit",
            message="This video took too long to make. Try a shorter or simpler one.",
        )
        return
    except Exception as exc:
        logger.exception("video.generation.error", extra={"job": job.public_id})
        if job_attempt_failed(job_id=job.pk, worker_id=worker_id, error=repr(exc)):
            raise TransientJobError(f"job {job.public_id}: {exc!r}") from exc
        return

    assert stored is not None  # the try block either stored the files or returned/raised
    video_name, poster_name = stored
    plan = result.plan.to_dict() if hasattr(result.plan, "to_dict") else {}
    if not job_complete(
        job_id=job.pk,
        worker_id=worker_id,
        video_name=video_name,
        poster_name=poster_name,
        width=int(result.width),
        height=int(result.height),
        length_seconds=float(result.duration),
        plan=plan,
        timings={k: float(v) for k, v in dict(result.timings).items()},
        held=held,
    ):
        storage_delete([video_name, poster_name])
