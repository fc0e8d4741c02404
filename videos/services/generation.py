"""Asking for a video: checks, the draft + job, and the owner's cancel / retry."""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cameos.models import Cameo
from cameos.permissions import cameos_resolve_for_prompt
from cameos.services import appearance_record
from sora_site.core.errors import Conflict, LimitExceeded, NotFound, ValidationFailed
from videos import options
from videos.events import job_event_send
from videos.models import GenerationCharge, GenerationJob, Video
from videos.services.lineage_counts import remix_counted
from videos.services.state import job_move, video_move
from videos.webhooks import webhook_after_commit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GenerationOptions:
    prompt: str
    duration: int
    aspect: str
    resolution: int
    style: str  # "" = the director chooses
    camera: str
    seed: int


def moderation_gate(*, user: User, prompt: str, context: str = "prompt") -> None:
    """The content-policy check of every text a user puts into a video (prompt, remix edit,
    caption). Raises PromptRefused (400, names the policy) or AccountSuspended (403); a "review"
    verdict lets generation go ahead and the output check then holds the result.

    moderation.gate is the lower half of moderation (it imports neither videos nor feed)."""
    from moderation.gate import prompt_gate

    prompt_gate(user=user, text=prompt, context=context)


def generation_options_check(
    *,
    prompt: str,
    duration: int | str,
    aspect: str,
    style: str = "",
    camera: str = "",
    seed: int | str | None = None,
    resolution: int | str = options.DEFAULT_RESOLUTION,
) -> GenerationOptions:
    """Validate and normalise what was asked for. Raises ValidationFailed with a readable line."""
    prompt = (prompt or "").strip()
    if not prompt:
        raise ValidationFailed("Write a prompt: what should happen in the video?", code="prompt")
    if len(prompt) > options.MAX_PROMPT_CHARS:
        raise ValidationFailed(
            f"Prompts are at most {options.MAX_PROMPT_CHARS} characters "
            f"(this one has {len(prompt)}).",
            code="prompt",
        )
    duration_value = _choice_int(duration, options.DURATIONS, "duration", "Duration")
    resolution_value = _choice_int(resolution, options.RESOLUTIONS, "resolution", "Resolution")
    if aspect not in options.ASPECTS:
        raise ValidationFailed(
            f"Aspect must be one of {', '.join(options.ASPECTS)}.", code="aspect"
        )
    style = (style or "").strip().lower()
    if style == options.AUTO:
        style = ""
    if style and style not in options.STYLES:
        raise ValidationFailed(f"Unknown style {style!r}.", code="style")
    camera = (camera or "").strip().lower()
    if camera == options.AUTO:
        camera = ""
    if camera and camera not in options.CAMERAS:
        raise ValidationFailed(f"Unknown camera move {camera!r}.", code="camera")
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        seed_value = secrets.randbelow(options.MAX_SEED)
    else:
        try:
            seed_value = int(seed)
        except (TypeError, ValueError):
            raise ValidationFailed("The seed must be a whole number.", code="seed") from None
        if not 0 <= seed_value <= options.MAX_SEED:
            raise ValidationFailed(
                f"The seed must be between 0 and {options.MAX_SEED}.", code="seed"
            )
    return GenerationOptions(
        prompt=prompt,
        duration=duration_value,
        aspect=aspect,
        resolution=resolution_value,
        style=style,
        camera=camera,
        seed=seed_value,
    )


def _choice_int(value: int | str, allowed: tuple[int, ...], code: str, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number not in allowed:
        raise ValidationFailed(
            f"{label} must be one of {', '.join(str(a) for a in allowed)}.", code=code
        )
    return number


def daily_quota_for(user: User) -> int:
    if user.is_teen:
        return int(settings.GENERATION_DAILY_QUOTA_TEEN)
    return int(settings.GENERATION_DAILY_QUOTA)


QUOTA_WINDOW = dt.timedelta(days=1)


def _limits_check(*, user: User) -> None:
    """Quota and concurrency. Called under the user's row lock, so two requests at once
    cannot both take the last slot."""
    _quota_check(user=user)
    _active_check(user=user)


def _quota_check(*, user: User) -> None:
    """The daily quota counts charges of the last 24 hours (a rolling window). When it is used
    up, Retry-After says when enough of them age out for one more generation."""
    now = timezone.now()
    in_window = GenerationCharge.objects.filter(user_id=user.pk, created_at__gte=now - QUOTA_WINDOW)
    used = in_window.count()
    quota = daily_quota_for(user)
    if used < quota:
        return
    if quota <= 0:  # the operator has switched generation off: nothing will free up
        raise LimitExceeded("Generating videos is switched off on this site.", code="daily_quota")
    # One more is allowed once `used - quota + 1` charges have left the window (more than one
    # when the quota was lowered, e.g. for a teen): the (used - quota)-th oldest decides.
    freeing = in_window.order_by("created_at", "id").values_list("created_at", flat=True)
    frees_at = freeing[used - quota] + QUOTA_WINDOW
    wait = max(1, math.ceil((frees_at - now).total_seconds()))
    raise LimitExceeded(
        f"You have used your {quota} generations for the last 24 hours (retries and remixes "
        f"count). The next one frees up in {_duration_words(wait)}.",
        code="daily_quota",
        retry_after=wait,
    )


def _duration_words(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"


def _charge(*, user: User, job: GenerationJob, kind: str) -> None:
    GenerationCharge.objects.create(user=user, job=job, kind=kind)


def _active_check(*, user: User) -> None:
    active = GenerationJob.objects.filter(
        owner_id=user.pk, status__in=GenerationJob.ACTIVE_STATUSES
    ).count()
    limit = int(settings.GENERATION_MAX_ACTIVE)
    if active >= limit:
        raise LimitExceeded(
            f"You already have {active} videos generating; wait for one to finish "
            f"(at most {limit} at a time).",
            code="too_many_active",
        )


def _lock_user(user: User) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


QUEUE_DOWN_MESSAGE = "Queued: the job queue is not answering; it will start when it is back"
WAITING_MESSAGE = "Waiting for a worker"


def job_enqueue(job_id: int, *, job: GenerationJob | None = None) -> bool:
    """Hand the job to the broker. Only ever called from `transaction.on_commit` (or by the
    recovery pass), so the rows are committed whatever the broker does.

    A broker that does not answer leaves the job queued and marked `enqueue_pending`, with a
    note the owner sees, and the recovery pass (jobs_enqueue_pending) sends it once the broker
    answers; `job`, the caller's instance, gets the note too. Returns whether it was sent."""
    from sora_site.broker import broker_errors
    from videos.tasks import generate_video

    try:
        generate_video.send(job_id)
    except broker_errors() as exc:
        logger.warning("video.job.enqueue_failed", extra={"job_id": job_id, "error": repr(exc)})
        GenerationJob.objects.filter(pk=job_id, status=GenerationJob.Status.QUEUED).update(
            enqueue_pending=True, message=QUEUE_DOWN_MESSAGE
        )
        if job is not None and job.status == GenerationJob.Status.QUEUED:
            job.enqueue_pending = True
            job.message = QUEUE_DOWN_MESSAGE
        return False
    if job is not None and job.enqueue_pending:  # a retry of a job once left pending
        GenerationJob.objects.filter(pk=job_id).update(enqueue_pending=False)
        job.enqueue_pending = False
    return True


def generation_request(
    *,
    user: User,
    prompt: str,
    duration: int | str = options.DEFAULT_DURATION,
    aspect: str = options.DEFAULT_ASPECT,
    style: str = "",
    camera: str = "",
    seed: int | str | None = None,
    resolution: int | str = options.DEFAULT_RESOLUTION,
    cameo_ids: Sequence[int | str] = (),
) -> GenerationJob:
    """Check the request, then write the draft and its job in one transaction; the actor is
    enqueued only when that transaction commits.

    Cameos come from `cameo_ids` (picked on Create) and @mentions in the prompt; each must be
    usable by `user` (consent and the owner's restrictions), at most two."""
    opts = generation_options_check(
        prompt=prompt,
        duration=duration,
        aspect=aspect,
        style=style,
        camera=camera,
        seed=seed,
        resolution=resolution,
    )
    moderation_gate(user=user, prompt=opts.prompt)
    cameos = cameos_resolve_for_prompt(user=user, prompt=opts.prompt, selected_ids=cameo_ids)
    return draft_create(user=user, opts=opts, cameos=cameos)


def draft_create(
    *,
    user: User,
    opts: GenerationOptions,
    cameos: Sequence[Cameo] = (),
    parent: Video | None = None,
    remix_edit: str = "",
    cameos_left_out: int = 0,
) -> GenerationJob:
    """The one place a draft and its job are written (new videos and remixes alike)."""
    with transaction.atomic():
        _lock_user(user)
        _limits_check(user=user)
        lineage: dict[str, Any] = {}
        if parent is not None:
            lineage = {
                "parent": parent,
                "root_id": parent.root_id or parent.pk,
                "depth": parent.depth + 1,
                "lineage_path": f"{parent.lineage_path}{parent.pk}/",
                "remix_edit": remix_edit,
                "cameos_left_out": cameos_left_out,
            }
        video = Video.objects.create(
            owner=user,
            prompt=opts.prompt,
            duration=opts.duration,
            aspect=opts.aspect,
            resolution=opts.resolution,
            style=opts.style,
            camera=opts.camera,
            seed=opts.seed,
            allow_remix=not user.is_teen,
            status=Video.Status.DRAFT_GENERATING,
            cameo_ids=[cameo.pk for cameo in cameos],
            **lineage,
        )
        if parent is not None:
            remix_counted(remix=video)
        for cameo in cameos:
            appearance_record(
                cameo=cameo, video_pk=video.pk, video_public_id=video.public_id, video_owner=user
            )
            webhook_after_commit(
                "cameo.used",
                user=cameo.owner,
                payload={"cameo": cameo.pk, "video": video.public_id, "by": user.handle},
            )
        job = GenerationJob.objects.create(video=video, owner=user, message=WAITING_MESSAGE)
        kind = GenerationCharge.Kind.NEW if parent is None else GenerationCharge.Kind.REMIX
        _charge(user=user, job=job, kind=kind)
        job_id = job.pk
        transaction.on_commit(lambda: job_enqueue(job_id, job=job))
        job_event_send(job)
    logger.info(
        "video.generation.requested",
        extra={"job": job.public_id, "video": video.public_id, "user": user.pk},
    )
    return job


def _owned_job_locked(*, user: User, video_public_id: str) -> GenerationJob:
    job = (
        GenerationJob.objects.select_for_update()
        .select_related("video")
        .filter(owner_id=user.pk, video__public_id=video_public_id, video__owner_id=user.pk)
        .first()
    )
    if job is None:
        raise NotFound("No such draft.")
    return job


def job_cancel(*, user: User, video_public_id: str) -> GenerationJob:
    """Stop a queued job at once; ask a running one to stop (the worker checks every ~0.5 s)."""
    with transaction.atomic():
        job = _owned_job_locked(user=user, video_public_id=video_public_id)
        if job.status == GenerationJob.Status.QUEUED:
            _cancel_now(job)
        elif job.status == GenerationJob.Status.RUNNING:
            if not job.cancel_requested:
                job.cancel_requested = True
                job.message = "Cancelling…"
                job.save(update_fields=["cancel_requested", "message"])
        else:
            raise Conflict("Only a queued or running job can be cancelled.", code="not_active")
        job_event_send(job)
    return job


def _cancel_now(job: GenerationJob, message: str = "Cancelled") -> None:
    """Under the caller's lock: the job ends cancelled and its draft counts as failed."""
    job_move(job, GenerationJob.Status.CANCELLED)
    job.cancel_requested = False
    job.message = message
    job.finished_at = timezone.now()
    job.worker_id = ""
    job.save(update_fields=["status", "cancel_requested", "message", "finished_at", "worker_id"])
    video = job.video
    video_move(video, Video.Status.DRAFT_FAILED)
    video.save(update_fields=["status"])


def job_retry(*, user: User, video_public_id: str) -> GenerationJob:
    """A failed or cancelled job starts over with fresh attempts (same prompt, same seed).
    It is a new generation, so it takes one from the daily quota like any other."""
    with transaction.atomic():
        _lock_user(user)
        job = _owned_job_locked(user=user, video_public_id=video_public_id)
        if job.status not in (GenerationJob.Status.FAILED, GenerationJob.Status.CANCELLED):
            raise Conflict("Only a failed or cancelled job can be retried.", code="not_retryable")
        _limits_check(user=user)
        _charge(user=user, job=job, kind=GenerationCharge.Kind.RETRY)
        job_move(job, GenerationJob.Status.QUEUED)
        now = timezone.now()
        job.attempts = 0
        job.stage = ""
        job.progress = 0.0
        job.message = "Waiting for a worker"
        job.error_code = ""
        job.error_message = ""
        job.cancel_requested = False
        job.worker_id = ""
        job.heartbeat_at = None
        job.started_at = None
        job.finished_at = None
        job.enqueued_at = now
        job.save(
            update_fields=[
                "status",
                "attempts",
                "stage",
                "progress",
                "message",
                "error_code",
                "error_message",
                "cancel_requested",
                "worker_id",
                "heartbeat_at",
                "started_at",
                "finished_at",
                "enqueued_at",
            ]
        )
        video = job.video
        video_move(video, Video.Status.DRAFT_GENERATING)
        video.save(update_fields=["status"])
        job_id = job.pk
        transaction.on_commit(lambda: job_enqueue(job_id, job=job))
        job_event_send(job)
    return job
