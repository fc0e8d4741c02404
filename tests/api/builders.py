"""Small builders of videos in given states for the API tests."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from videos.models import GenerationJob, Video


def video_in(owner: Any, status: str, *, visibility: str = "public", files: bool = True) -> Video:
    video = Video.objects.create(
        owner=owner,
        prompt=f"a paper boat drifts down a gutter ({status})",
        duration=5,
        resolution=480,
        status=status,
        visibility=visibility,
        published_at=timezone.now() if status == Video.Status.PUBLISHED else None,
    )
    job_status = {
        Video.Status.DRAFT_GENERATING: GenerationJob.Status.RUNNING,
        Video.Status.DRAFT_FAILED: GenerationJob.Status.FAILED,
    }.get(status, GenerationJob.Status.SUCCEEDED)
    GenerationJob.objects.create(video=video, owner=owner, status=job_status)
    if files and status not in (Video.Status.DRAFT_GENERATING, Video.Status.DRAFT_FAILED):
        video.video_file.save("clip.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
        video.poster_file.save("poster.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=False)
        video.save(update_fields=["video_file", "poster_file"])
    return video
