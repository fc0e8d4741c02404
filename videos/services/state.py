"""The two state machines. Every status change goes through `job_move` / `video_move`."""

from __future__ import annotations

from sora_site.core.errors import Conflict
from videos.models import GenerationJob, Video

JobStatus = GenerationJob.Status
VideoStatus = Video.Status

JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.CANCELLED, JobStatus.FAILED}),
    # running -> queued: a transient failure waiting for its retry, or a lost worker's job.
    JobStatus.RUNNING: frozenset(
        {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.QUEUED}
    ),
    JobStatus.FAILED: frozenset({JobStatus.QUEUED}),  # retried by its owner
    JobStatus.CANCELLED: frozenset({JobStatus.QUEUED}),
    JobStatus.SUCCEEDED: frozenset(),
}

VIDEO_TRANSITIONS: dict[str, frozenset[str]] = {
    VideoStatus.DRAFT_GENERATING: frozenset({VideoStatus.DRAFT_READY, VideoStatus.DRAFT_FAILED}),
    VideoStatus.DRAFT_FAILED: frozenset({VideoStatus.DRAFT_GENERATING}),
    VideoStatus.DRAFT_READY: frozenset({VideoStatus.PUBLISHED, VideoStatus.IN_REVIEW}),
    VideoStatus.IN_REVIEW: frozenset(
        {VideoStatus.PUBLISHED, VideoStatus.DRAFT_READY, VideoStatus.REMOVED}
    ),
    VideoStatus.PUBLISHED: frozenset({VideoStatus.DRAFT_READY, VideoStatus.REMOVED}),
    # An overturned moderation decision restores what was removed.
    VideoStatus.REMOVED: frozenset({VideoStatus.PUBLISHED, VideoStatus.DRAFT_READY}),
}


def job_can_move(current: str, target: str) -> bool:
    return target in JOB_TRANSITIONS.get(current, frozenset())


def video_can_move(current: str, target: str) -> bool:
    return target in VIDEO_TRANSITIONS.get(current, frozenset())


def job_move(job: GenerationJob, target: str) -> None:
    """Set `job.status` to `target` in memory, refusing transitions the machine does not allow.

    The caller saves (with update_fields) inside its own transaction, usually under a row lock.
    """
    if not job_can_move(job.status, target):
        raise Conflict(
            f"This job is {job.get_status_display().lower()}; it cannot become {target}.",
            code="illegal_transition",
        )
    job.status = target


def video_move(video: Video, target: str) -> None:
    if not video_can_move(video.status, target):
        raise Conflict(
            f"This video is {video.get_status_display().lower()}; it cannot become "
            f"{VideoStatus(target).label.lower()}.",
            code="illegal_transition",
        )
    video.status = target
