"""The SDK's types (openai/types/video*.py) as this instance answers them, and the request
forms. Shapes only: the values come from the models, every rule from the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cameos.models import Cameo
from sora_site.api.openai_compat import mapping
from videos.models import GenerationJob, Video

QUEUED, IN_PROGRESS, COMPLETED, FAILED = "queued", "in_progress", "completed", "failed"
STATUSES = (QUEUED, IN_PROGRESS, COMPLETED, FAILED)
CHARACTER_PREFIX = "char_"


def _unix(value: Any) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _job(video: Video) -> GenerationJob | None:
    try:
        return video.job
    except GenerationJob.DoesNotExist:
        return None


def video_status(video: Video) -> str:
    """A draft held for review (the output check) is still in progress for the caller: its
    files are not theirs to download until a moderator releases it."""
    if video.status in (Video.Status.DRAFT_READY, Video.Status.PUBLISHED):
        return COMPLETED
    if video.status in (Video.Status.DRAFT_FAILED, Video.Status.REMOVED):
        return FAILED
    if video.status == Video.Status.IN_REVIEW:
        return IN_PROGRESS
    job = _job(video)
    return IN_PROGRESS if job is not None and job.status == GenerationJob.Status.RUNNING else QUEUED


def video_object(video: Video) -> dict[str, Any]:
    job = _job(video)
    status = video_status(video)
    progress = round(100 * job.progress) if job is not None else 0
    progress = 100 if status == COMPLETED else max(0, min(99, progress))
    error = None
    if status == FAILED:
        cancelled = job is not None and job.status == GenerationJob.Status.CANCELLED
        error = {
            "code": (job.error_code if job else "") or ("cancelled" if cancelled else "failed"),
            "message": (job.error_message or job.message if job else "")
            or "The video could not be made.",
        }
    parent = video.parent if video.parent_id else None
    return {
        "id": video.public_id,
        "object": "video",
        "status": status,
        "progress": progress,
        "created_at": _unix(video.created_at),
        "completed_at": _unix(job.finished_at) if job is not None and status == COMPLETED else None,
        "expires_at": None,  # stored files do not expire here
        "model": mapping.model_name(video.resolution),
        "seconds": str(video.duration),
        "size": mapping.size_name(video.aspect, video.resolution),
        # A remix's prompt is its edit; the parent's prompt is the parent's.
        "prompt": video.remix_edit or video.prompt,
        "remixed_from_video_id": parent.public_id if parent is not None else None,
        "error": error,
    }


def character_object(cameo: Cameo) -> dict[str, Any]:
    return {
        "id": f"{CHARACTER_PREFIX}{cameo.pk}",
        "name": cameo.display_name,
        "created_at": _unix(cameo.created),
    }


# --- documentation of the answers (drf-spectacular) ---------------------------------------------


class VideoErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class VideoObjectSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.ChoiceField(choices=["video"])
    status = serializers.ChoiceField(choices=list(STATUSES))
    progress = serializers.IntegerField(min_value=0, max_value=100)
    created_at = serializers.IntegerField(help_text="Unix seconds.")
    completed_at = serializers.IntegerField(allow_null=True)
    expires_at = serializers.IntegerField(allow_null=True, help_text="Always null here.")
    model = serializers.CharField(help_text="sora-2 (up to 720p) or sora-2-pro (1080p).")
    seconds = serializers.CharField(help_text="The engine's length: 5, 10, 15 or 20.")
    size = serializers.CharField()
    prompt = serializers.CharField(allow_null=True)
    remixed_from_video_id = serializers.CharField(allow_null=True)
    error = VideoErrorSerializer(allow_null=True)


class VideoListSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["list"])
    data = VideoObjectSerializer(many=True)
    first_id = serializers.CharField(allow_null=True)
    last_id = serializers.CharField(allow_null=True)
    has_more = serializers.BooleanField()


class VideoDeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.ChoiceField(choices=["video.deleted"])
    deleted = serializers.BooleanField()


class CharacterSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    created_at = serializers.IntegerField()


class OpenAIErrorDetailSerializer(serializers.Serializer):
    message = serializers.CharField()
    type = serializers.CharField()
    param = serializers.CharField(allow_null=True)
    code = serializers.CharField(allow_null=True)


class OpenAIErrorSerializer(serializers.Serializer):
    error = OpenAIErrorDetailSerializer()


# --- request forms (types only; the rules are the services') ------------------------------------


class VideoCreateForm(serializers.Serializer):
    prompt = serializers.CharField(allow_blank=True)
    model = serializers.CharField(required=False, help_text="sora-2 (default) or sora-2-pro.")
    seconds = serializers.CharField(
        required=False, help_text="4 (default), 8, 12, 16 or 20 (or the engine's 5, 10, 15)."
    )
    size = serializers.CharField(
        required=False,
        help_text=f"One of {', '.join(mapping.SIZES)}; 720x1280 by default.",
    )
    input_reference = serializers.FileField(
        required=False,
        help_text="Not supported by this instance's engine (no image condition): a 400.",
    )


class VideoRemixForm(serializers.Serializer):
    prompt = serializers.CharField(allow_blank=True, help_text="The change, in plain words.")


class VideoReferenceSerializer(serializers.Serializer):
    id = serializers.CharField()


class VideoEditForm(serializers.Serializer):
    prompt = serializers.CharField(allow_blank=True)
    video = VideoReferenceSerializer(help_text='{"id": ...} of one of your completed videos.')


class VideoExtendForm(serializers.Serializer):
    prompt = serializers.CharField(allow_blank=True)
    seconds = serializers.CharField()
    video = VideoReferenceSerializer()


class CharacterCreateForm(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    video = serializers.FileField(help_text="A clip of at most 15 s (MP4, MOV, WebM).")
