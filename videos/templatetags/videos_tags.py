from __future__ import annotations

from django import template

from videos.events import estimate_remaining
from videos.models import GenerationJob, Video
from videos.selectors import PlanNotes, plan_notes

register = template.Library()

STATUS_LABELS: dict[str, str] = {
    GenerationJob.Status.QUEUED: "Queued",
    GenerationJob.Status.RUNNING: "Generating",
    GenerationJob.Status.SUCCEEDED: "Draft ready",
    GenerationJob.Status.FAILED: "Failed",
    GenerationJob.Status.CANCELLED: "Cancelled",
}


@register.filter
def job_status_label(job: GenerationJob) -> str:
    return STATUS_LABELS.get(str(job.status), str(job.status))


@register.filter
def job_percent(job: GenerationJob) -> int:
    return round(job.progress * 100)


def format_eta(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"about {seconds} s left"
    return f"about {round(seconds / 60)} min left"


@register.simple_tag
def job_eta(job: GenerationJob, per_second: str | float) -> str:
    return format_eta(estimate_remaining(job, per_second=float(per_second)))


@register.filter
def notes_of(video: Video) -> PlanNotes:
    return plan_notes(video=video)
