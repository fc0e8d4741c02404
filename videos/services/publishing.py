"""The owner's decisions about a finished draft: publish, unpublish, delete, its settings."""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cameos.permissions import cameo_consent_still_valid
from cameos.services import appearance_forget
from sora_site.core.errors import Conflict, NotFound, ValidationFailed
from videos.models import GenerationJob, Video
from videos.services.generation import moderation_gate
from videos.services.lineage_counts import remixes_uncounted
from videos.services.remix import remix_published_changed
from videos.services.state import video_move
from videos.webhooks import webhook_after_commit

logger = logging.getLogger(__name__)

MAX_CAPTION_CHARS = 500


def _owned_video_locked(*, user: User, public_id: str) -> Video:
    video = Video.objects.select_for_update().filter(owner_id=user.pk, public_id=public_id).first()
    if video is None:
        raise NotFound("No such video.")
    return video


def video_publish(
    *,
    user: User,
    public_id: str,
    caption: str,
    visibility: str,
    adult_only: bool = False,
    allow_remix: bool | None = None,  # None: keep the draft's setting
) -> Video:
    caption = (caption or "").strip()
    if len(caption) > MAX_CAPTION_CHARS:
        raise ValidationFailed(
            f"Captions are at most {MAX_CAPTION_CHARS} characters.", code="caption"
        )
    if visibility not in Video.Visibility.values:
        raise ValidationFailed("Choose who can see the video.", code="visibility")
    if caption:
        moderation_gate(user=user, prompt=caption, context="caption")
    with transaction.atomic():
        video = _owned_video_locked(user=user, public_id=public_id)
        if video.status != Video.Status.DRAFT_READY:
            raise Conflict("Only a finished draft can be published.", code="not_ready")
        # Consent again: a cameo owner may have revoked it since the draft was made.
        cameo_consent_still_valid(cameo_ids=video.cameo_ids, user=user).raise_if_denied()
        video_move(video, Video.Status.PUBLISHED)
        video.caption = caption
        video.visibility = visibility
        video.adult_only = adult_only  # hidden from teens and signed-out visitors
        video.published_at = timezone.now()
        if allow_remix is not None:
            video.allow_remix = allow_remix
        video.save(
            update_fields=[
                "status",
                "caption",
                "visibility",
                "adult_only",
                "allow_remix",
                "published_at",
            ]
        )
        remix_published_changed(video=video, was_published=False)
        webhook_after_commit(
            "video.published",
            user=user,
            payload={"video": video.public_id, "visibility": visibility, "caption": caption},
        )
    logger.info("video.published", extra={"video": video.public_id, "user": user.pk})
    return video


def videos_adult_only_set(*, moderator: User, video_ids: list[int], adult_only: bool) -> int:
    """A moderator marks (or clears) videos as adult-only; returns how many changed."""
    changed = (
        Video.objects.filter(pk__in=video_ids)
        .exclude(adult_only=adult_only)
        .update(adult_only=adult_only)
    )
    logger.info(
        "video.adult_only.set",
        extra={"videos": video_ids, "adult_only": adult_only, "moderator": moderator.pk},
    )
    return changed


def video_unpublish(*, user: User, public_id: str) -> Video:
    with transaction.atomic():
        video = _owned_video_locked(user=user, public_id=public_id)
        if video.status != Video.Status.PUBLISHED:
            raise Conflict("This video is not published.", code="not_published")
        video_move(video, Video.Status.DRAFT_READY)
        video.published_at = None
        video.save(update_fields=["status", "published_at"])
        remix_published_changed(video=video, was_published=True)
    return video


def video_delete_draft(*, user: User, public_id: str) -> None:
    """Delete a draft, its job and its files. A worker still generating it finds the job gone
    at its final write and deletes what it made."""
    with transaction.atomic():
        video = _owned_video_locked(user=user, public_id=public_id)
        if video.status not in Video.DRAFT_STATUSES:
            raise Conflict("Only drafts can be deleted; unpublish it first.", code="not_draft")
        names = [name for name in (video.video_file.name, video.poster_file.name) if name]
        GenerationJob.objects.filter(video_id=video.pk).delete()
        appearance_forget(video_pk=video.pk)
        remixes_uncounted(videos=[video])
        video.delete()
        transaction.on_commit(lambda: storage_delete(names))
    logger.info("video.draft.deleted", extra={"video": public_id, "user": user.pk})


def storage_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as exc:  # the sweeper removes what is left behind
            logger.warning("video.file.delete_failed", extra={"name": name, "error": repr(exc)})


def video_settings_change(
    *,
    user: User,
    public_id: str,
    allow_remix: bool | None = None,
    allow_download: bool | None = None,
) -> Video:
    """The owner opens or closes a video to remixes (teens' videos start closed) and to
    downloads; None leaves a setting as it is. Remixes made before stay; a closed video refuses
    new ones. Downloads can be stopped, not recalled: a copy already saved stays saved."""
    changes = {
        name: value
        for name, value in (("allow_remix", allow_remix), ("allow_download", allow_download))
        if value is not None
    }
    if not changes:
        raise ValidationFailed("Say which setting to change.", code="no_setting")
    with transaction.atomic():
        video = _owned_video_locked(user=user, public_id=public_id)
        if video.status == Video.Status.REMOVED:
            raise NotFound("No such video.")
        changed = [name for name, value in changes.items() if getattr(video, name) != value]
        for name in changed:
            setattr(video, name, changes[name])
        if changed:
            video.save(update_fields=changed)
    logger.info("video.settings.set", extra={"video": public_id, "user": user.pk, **changes})
    return video
