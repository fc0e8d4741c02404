"""Every write and every rule of the videos app (see DESIGN.md, "Layers")."""

from videos.services.generation import (
    QUEUE_DOWN_MESSAGE,
    GenerationOptions,
    daily_quota_for,
    generation_options_check,
    generation_request,
    job_cancel,
    job_enqueue,
    job_retry,
    moderation_gate,
)
from videos.services.publishing import (
    storage_delete,
    video_delete_draft,
    video_publish,
    video_unpublish,
    videos_adult_only_set,
)
from videos.services.remix import video_set_allow_remix
from videos.services.state import job_can_move, job_move, video_can_move, video_move
from videos.services.sweeper import (
    SweepReport,
    jobs_enqueue_pending,
    jobs_release_instance,
    jobs_sweep,
    orphan_files_delete,
)
from videos.services.worker import (
    job_attempt_failed,
    job_claim,
    job_complete,
    job_fail,
    job_heartbeat,
    job_mark_cancelled,
    job_progress_record,
    job_should_stop,
    new_worker_id,
)

__all__ = [
    "QUEUE_DOWN_MESSAGE",
    "GenerationOptions",
    "SweepReport",
    "daily_quota_for",
    "generation_options_check",
    "generation_request",
    "job_attempt_failed",
    "job_can_move",
    "job_cancel",
    "job_claim",
    "job_complete",
    "job_enqueue",
    "job_fail",
    "job_heartbeat",
    "job_mark_cancelled",
    "job_move",
    "job_progress_record",
    "job_retry",
    "job_should_stop",
    "jobs_enqueue_pending",
    "jobs_release_instance",
    "jobs_sweep",
    "moderation_gate",
    "new_worker_id",
    "orphan_files_delete",
    "storage_delete",
    "video_can_move",
    "video_delete_draft",
    "video_move",
    "video_publish",
    "video_set_allow_remix",
    "video_unpublish",
    "videos_adult_only_set",
]
