"""Webhook events of the videos app, sent to the owner's registered apps after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from videos.models import GenerationJob, Video


def webhook_after_commit(event: str, *, user: User, payload: dict[str, Any]) -> None:
    from sora_site.api.webhooks import webhook_emit

    transaction.on_commit(lambda: webhook_emit(event, user=user, payload=payload))


def job_payload(job: GenerationJob, video: Video) -> dict[str, Any]:
    return {
        "generation": job.public_id,
        "video": video.public_id,
        "status": job.status,
        "error_code": job.error_code or None,
        "error_message": job.error_message or None,
    }
