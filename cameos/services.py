"""Every write about cameos: settings, verification, characters, grants, blocks, the appearance
ledger, deletion and purging. Keyword-only, typed; raises sora_site.core.errors.

Hooks for apps above this one (they register from their AppConfig.ready()):
- `register_video_resolver(fn)`: fn(video_ids) -> {video_id: VideoCard}; the appearance page
  shows titles, posters, status and links through it (without it: the stored public id).
- `register_character_checker(fn)`: fn(images: list[bytes]) -> None, raising ValidationFailed
  to refuse character images (moderation plugs its image classifier in here).
- `register_video_deleter(fn)`: fn(video_id) -> DeletedVideo, deleting the video (job, files,
  ledger rows) through the videos app's own deletion service; `appearance_delete_video` calls
  it once the ledger shows the requester's cameo is in the video.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.social import is_blocked_between
from cameos import verification
from cameos.models import (
    CLIP_RETENTION,
    VOICE_CHOICES,
    Cameo,
    CameoAppearance,
    CameoBlock,
    CameoGrant,
    CameoReference,
    VerificationAttempt,
)
from sora_site.core.errors import (
    Conflict,
    LimitExceeded,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

if TYPE_CHECKING:
    from cameos.verification import FaceDetector

logger = logging.getLogger(__name__)

MODERATORS_GROUP = "Moderators"
ATTEMPTS_PER_DAY = 5
MAX_CHARACTERS = 20
MAX_CHARACTER_IMAGES = 4
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
CHARACTER_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
VOICES = {value for value, _ in VOICE_CHOICES}


# --- hooks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoCard:
    """What the appearance page shows about a video (the videos app fills it in)."""

    title: str
    status: str = ""
    poster_url: str = ""
    watch_url: str = ""
    # False while moderators hold or have removed it: the ledger then offers no Delete button.
    can_delete: bool = True


@dataclass(frozen=True)
class DeletedVideo:
    """What the videos app reports after deleting a video for a cameo owner."""

    public_id: str
    title: str


VideoResolver = Callable[[Sequence[int]], dict[int, VideoCard]]
CharacterChecker = Callable[[list[bytes]], None]
VideoDeleter = Callable[[int], DeletedVideo]

_video_resolvers: list[VideoResolver] = []
_character_checkers: list[CharacterChecker] = []
_video_deleters: list[VideoDeleter] = []


def register_video_resolver(fn: VideoResolver) -> VideoResolver:
    """fn(video_ids) -> {video_id: VideoCard}, one query for the whole list. The last one
    registered wins. Usable as a decorator."""
    _video_resolvers[:] = [fn]
    return fn


def video_resolver() -> VideoResolver | None:
    return _video_resolvers[0] if _video_resolvers else None


def register_video_deleter(fn: VideoDeleter) -> VideoDeleter:
    """fn(video_id) -> DeletedVideo; raises NotFound / Conflict when the video cannot go. The
    last one registered wins. Usable as a decorator."""
    _video_deleters[:] = [fn]
    return fn


def video_deleter() -> VideoDeleter | None:
    return _video_deleters[0] if _video_deleters else None


def register_character_checker(fn: CharacterChecker) -> CharacterChecker:
    if fn not in _character_checkers:
        _character_checkers.append(fn)
    return fn


# --- small helpers -------------------------------------------------------------------------------


def user_is_moderator(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.is_staff and user.groups.filter(name=MODERATORS_GROUP).exists())


def _notify(
    *,
    recipient: User,
    kind: str,
    text: str,
    url: str = "",
    actor: User | None = None,
    email: bool = False,
) -> None:
    """Through accounts' one notification mechanism (imported lazily: it may not exist yet)."""
    try:
        from accounts.services import notification_send
    except ImportError:  # pragma: no cover - accounts always ships it in this project
        logger.warning("cameos.notify.unavailable", extra={"kind": kind})
        return
    notification_send(recipient=recipient, kind=kind, text=text, url=url, actor=actor, email=email)


def _storage_delete_quietly(paths: Iterable[str]) -> None:
    for path in paths:
        if not path:
            continue
        try:
            default_storage.delete(path)
        except OSError:
            logger.warning("cameos.media.delete_failed", extra={"path": path})


@contextlib.contextmanager
def _upload_on_disk(upload: IO[bytes], *, limit: int, suffix: str = ".bin") -> Iterator[str]:
    """The upload copied to a private temporary file, deleted afterwards whatever happens."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationFailed(
            f"That file is too large (at most {limit // (1024 * 1024)} MB).", code="too_large"
        )
    handle, path = tempfile.mkstemp(prefix="framecast-cameo-", suffix=suffix)
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            chunks = (
                upload.chunks()
                if hasattr(upload, "chunks")
                else iter(lambda: upload.read(1024 * 1024), b"")
            )
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise ValidationFailed(
                        f"That file is too large (at most {limit // (1024 * 1024)} MB).",
                        code="too_large",
                    )
                out.write(chunk)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@contextlib.contextmanager
def storage_local_copy(name: str, *, suffix: str = "") -> Iterator[str]:
    """A stored file as a local path: the file itself on local storage, else a temporary copy
    (remote storage such as S3) removed afterwards."""
    try:
        local: str | None = default_storage.path(name)
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    handle, path = tempfile.mkstemp(prefix="framecast-cameo-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out, default_storage.open(name, "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _store(prefix: str, extension: str, data: bytes) -> str:
    return default_storage.save(f"{prefix}/{secrets.token_hex(16)}.{extension}", ContentFile(data))


def _owned(cameo: Cameo, user: Any) -> None:
    if user is None or cameo.owner_id != getattr(user, "pk", None):
        raise NotFound("No such cameo.", code="cameo_not_found")


def _check_permission_for_owner(owner: User, permission: str) -> None:
    if permission not in Cameo.Permission.values:
        raise ValidationFailed("Choose who may use your cameo.", code="invalid_permission")
    if owner.is_teen and permission == Cameo.Permission.EVERYONE:
        raise ValidationFailed(
            "Cameos of people under 18 cannot be open to everyone. Choose mutuals or people "
            "you approve.",
            code="teen_everyone",
        )


def _clean_text(value: str, *, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed(f"{label} is at most {limit} characters.", code="too_long")
    return value


# --- settings and deletion -----------------------------------------------------------------------


def cameo_settings_update(
    *,
    cameo: Cameo,
    user: User,
    permission: str,
    voice_preset: str,
    appearance_notes: str = "",
    restrictions: str = "",
    display_name: str | None = None,
) -> Cameo:
    """The owner changes who may use the cameo and how it looks and sounds. Narrowing the
    permission takes effect at once: every later check (job run, publish) reads it."""
    _owned(cameo, user)
    _check_permission_for_owner(user, permission)
    if voice_preset not in VOICES:
        raise ValidationFailed("Choose one of the offered voices.", code="invalid_voice")
    cameo.permission = permission
    cameo.voice_preset = voice_preset
    cameo.appearance_notes = _clean_text(appearance_notes, limit=500, label="Appearance notes")
    cameo.restrictions = _clean_text(restrictions, limit=1000, label="Restrictions")
    if display_name is not None:
        name = _clean_text(display_name, limit=60, label="The name")
        if not name:
            raise ValidationFailed("Give the cameo a name.", code="name_required")
        cameo.display_name = name
    cameo.owner_is_teen = user.is_teen
    cameo.updated = timezone.now()
    cameo.save(
        update_fields=[
            "permission",
            "voice_preset",
            "appearance_notes",
            "restrictions",
            "display_name",
            "owner_is_teen",
            "updated",
        ]
    )
    logger.info("cameos.settings.updated", extra={"cameo_id": cameo.pk, "permission": permission})
    return cameo


def cameo_media_paths(cameo: Cameo) -> list[str]:
    paths = [r.file.name for r in cameo.references.all() if r.file]
    paths += [a.clip.name for a in cameo.attempts.all() if a.clip]
    return paths


def cameo_delete(*, cameo: Cameo, user: User) -> None:
    """Delete the cameo with its references and clips (files go after commit). Grants, blocks
    and ledger rows go with it; videos that re-check consent then find it gone."""
    _owned(cameo, user)
    paths = cameo_media_paths(cameo)
    cameo_id = cameo.pk
    with transaction.atomic():
        cameo.delete()
        transaction.on_commit(lambda: _storage_delete_quietly(paths))
    logger.info("cameos.cameo.deleted", extra={"cameo_id": cameo_id, "files": len(paths)})


def user_cameo_media(user: User) -> list[str]:
    """For accounts' media collector: every file of every cameo the user owns."""
    paths: list[str] = []
    for cameo in Cameo.objects.filter(owner=user).prefetch_related("references", "attempts"):
        paths += cameo_media_paths(cameo)
    return paths


# --- verification --------------------------------------------------------------------------------


def person_cameo_of(user: User) -> Cameo | None:
    return Cameo.objects.filter(owner=user, kind=Cameo.Kind.PERSON).first()


def verification_submit(
    *,
    user: User,
    upload: IO[bytes],
    challenge: dict[str, Any] | None,
    detector: FaceDetector | None = None,
) -> VerificationAttempt:
    """Check a recorded clip by content and, when it passes, keep it for a moderator.
    A refused clip raises ValidationFailed (ClipRejected) and nothing is kept."""
    if not verification.challenge_is_fresh(challenge):
        raise ValidationFailed(
            "Your challenge expired. Reload the page to get new numbers, then record again.",
            code="challenge_expired",
        )
    assert challenge is not None
    existing = person_cameo_of(user)
    if existing is not None:
        if existing.status == Cameo.Status.VERIFIED:
            raise Conflict("Your cameo is already verified.", code="already_verified")
        if existing.attempts.filter(status=VerificationAttempt.Status.AWAITING_REVIEW).exists():
            raise Conflict(
                "Your last recording is waiting for a moderator. We'll tell you when it's "
                "reviewed.",
                code="awaiting_review",
            )
    day_ago = timezone.now() - dt.timedelta(days=1)
    if (
        VerificationAttempt.objects.filter(cameo__owner=user, created__gte=day_ago).count()
        >= ATTEMPTS_PER_DAY
    ):
        raise LimitExceeded("Too many recordings today. Try again tomorrow.", code="too_many")
    with _upload_on_disk(upload, limit=verification.MAX_CLIP_BYTES) as path:
        report = verification.clip_check(path, detector=detector)
        extension = "webm" if "webm" in report.container else "mp4"
        content_type = f"video/{extension}"
        with open(path, "rb") as clip_file:
            stored = default_storage.save(
                f"cameos/verification/{secrets.token_hex(16)}.{extension}", clip_file
            )
    now = timezone.now()
    try:
        with transaction.atomic():
            cameo = existing
            if cameo is None:
                cameo = Cameo.objects.create(
                    owner=user,
                    kind=Cameo.Kind.PERSON,
                    display_name=user.name,
                    status=Cameo.Status.PENDING,
                    owner_is_teen=user.is_teen,
                )
            elif cameo.status != Cameo.Status.PENDING:
                cameo.status = Cameo.Status.PENDING
                cameo.save(update_fields=["status"])
            attempt = VerificationAttempt.objects.create(
                cameo=cameo,
                clip=stored,
                clip_content_type=content_type,
                purge_after=now + CLIP_RETENTION,
                challenge=challenge,
                checks=report.checks,
                created=now,
            )
    except IntegrityError as exc:  # two submissions at once created the cameo twice
        _storage_delete_quietly([stored])
        raise Conflict("A recording is already being submitted.", code="conflict") from exc
    except Exception:
        _storage_delete_quietly([stored])
        raise
    logger.info("cameos.verification.submitted", extra={"attempt_id": attempt.pk})
    return attempt


def _attempt_for_decision(attempt: VerificationAttempt, reviewer: User) -> VerificationAttempt:
    if not user_is_moderator(reviewer):
        raise PermissionDenied("Only moderators review cameo verifications.", code="not_moderator")
    locked = VerificationAttempt.objects.select_for_update().select_related("cameo", "cameo__owner")
    fresh = locked.get(pk=attempt.pk)
    if fresh.status != VerificationAttempt.Status.AWAITING_REVIEW:
        raise Conflict("This verification was already decided.", code="already_decided")
    return fresh


def verification_approve(
    *, attempt: VerificationAttempt, reviewer: User, detector: FaceDetector | None = None
) -> VerificationAttempt:
    """A moderator approves: face references are extracted from the clip and stored, the
    cameo is verified, the owner is told. The clip stays until `purge_after` (<= 30 days)."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            fresh = _attempt_for_decision(attempt, reviewer)
            if not fresh.clip:
                raise ValidationFailed(
                    "The clip of this attempt was already deleted; ask for a new recording.",
                    code="clip_gone",
                )
            with storage_local_copy(fresh.clip.name, suffix=".clip") as path:
                crops = verification.references_extract(path, detector=detector)
            if not crops:
                raise ValidationFailed(
                    "No clear frontal face could be extracted from this clip; reject it with a "
                    "reason instead.",
                    code="no_reference",
                )
            cameo = fresh.cameo
            old = list(cameo.references.all())
            for position, (png, width, height) in enumerate(crops):
                name = _store(f"cameos/{cameo.pk}", "png", png)
                stored.append(name)
                CameoReference.objects.create(
                    cameo=cameo, file=name, width=width, height=height, position=position
                )
            for ref in old:
                ref.delete()
            old_paths = [r.file.name for r in old]
            transaction.on_commit(lambda: _storage_delete_quietly(old_paths))
            now = timezone.now()
            fresh.status = VerificationAttempt.Status.APPROVED
            fresh.reviewer = reviewer
            fresh.decided_at = now
            fresh.purge_after = min(fresh.purge_after, fresh.created + CLIP_RETENTION)
            fresh.save(update_fields=["status", "reviewer", "decided_at", "purge_after"])
            cameo.status = Cameo.Status.VERIFIED
            cameo.owner_is_teen = cameo.owner.is_teen
            cameo.updated = now
            cameo.save(update_fields=["status", "owner_is_teen", "updated"])
            _notify(
                recipient=cameo.owner,
                kind="cameo_verification",
                text="Your cameo is verified. Choose who may use it.",
                url="/cameo/",
                email=True,
            )
    except Exception:
        _storage_delete_quietly(stored)
        raise
    logger.info("cameos.verification.approved", extra={"attempt_id": fresh.pk})
    return fresh


def verification_reject(
    *, attempt: VerificationAttempt, reviewer: User, reason: str
) -> VerificationAttempt:
    """A moderator rejects with a reason the owner reads; the clip is deleted now."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the person a reason.", code="reason_required")
    with transaction.atomic():
        fresh = _attempt_for_decision(attempt, reviewer)
        now = timezone.now()
        clip = fresh.clip.name if fresh.clip else ""
        fresh.status = VerificationAttempt.Status.REJECTED
        fresh.reviewer = reviewer
        fresh.reason = reason[:500]
        fresh.decided_at = now
        fresh.clip = ""
        fresh.clip_purged_at = now if clip else None
        fresh.save(
            update_fields=["status", "reviewer", "reason", "decided_at", "clip", "clip_purged_at"]
        )
        cameo = fresh.cameo
        if cameo.status != Cameo.Status.VERIFIED:
            cameo.status = Cameo.Status.REJECTED
            cameo.save(update_fields=["status"])
        _notify(
            recipient=cameo.owner,
            kind="cameo_verification",
            text=f"Your cameo verification was not approved: {reason[:200]} You can record again.",
            url="/cameo/verify/",
            email=True,
        )
        transaction.on_commit(lambda: _storage_delete_quietly([clip]))
    logger.info("cameos.verification.rejected", extra={"attempt_id": fresh.pk})
    return fresh


EXPIRED_REASON = "The recording expired before it was reviewed. Please record a new one."


def verification_clips_purge(*, now: dt.datetime | None = None) -> int:
    """Delete raw verification clips whose `purge_after` has passed (schedule this daily; the
    `purge_verification_clips` command runs it). An attempt still waiting is closed as
    expired. Returns how many clips were deleted."""
    now = now or timezone.now()
    due = VerificationAttempt.objects.filter(purge_after__lte=now).exclude(clip="")
    count = 0
    for attempt in due.select_related("cameo").iterator():
        with transaction.atomic():
            fresh = VerificationAttempt.objects.select_for_update().get(pk=attempt.pk)
            if not fresh.clip:
                continue
            name = fresh.clip.name
            fresh.clip = ""
            fresh.clip_purged_at = now
            fields = ["clip", "clip_purged_at"]
            if fresh.status == VerificationAttempt.Status.AWAITING_REVIEW:
                fresh.status = VerificationAttempt.Status.REJECTED
                fresh.reason = EXPIRED_REASON
                fresh.decided_at = now
                fields += ["status", "reason", "decided_at"]
            fresh.save(update_fields=fields)
            transaction.on_commit(lambda name=name: _storage_delete_quietly([name]))  # type: ignore[misc]
        count += 1
    if count:
        logger.info("cameos.verification.clips_purged", extra={"count": count})
    return count


# --- characters ----------------------------------------------------------------------------------


def _image_read(upload: IO[bytes]) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationFailed("Each image must be at most 10 MB.", code="image_too_large")
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationFailed("Each image must be at most 10 MB.", code="image_too_large")
    return data


def _not_an_image() -> ValidationFailed:
    return ValidationFailed(
        "That file is not an image we can read: use JPEG, PNG, WebP or GIF.", code="not_image"
    )


def _image_pixels(data: bytes) -> int:
    """The pixels an image will decode to, from its header alone (nothing is decoded)."""
    from PIL import Image

    from accounts.images import BROKEN_IMAGE_ERRORS

    try:
        # Only these decoders ever see the bytes (no other format's parser is tried).
        with Image.open(io.BytesIO(data), formats=sorted(CHARACTER_IMAGE_FORMATS)) as image:
            width, height = image.size
    except (Image.DecompressionBombError, *BROKEN_IMAGE_ERRORS) as exc:
        raise _not_an_image() from exc
    if width * height > MAX_IMAGE_PIXELS or min(width, height) < 32:
        raise ValidationFailed(
            "Images must be at least 32 px and at most 40 megapixels.", code="image_size"
        )
    return width * height


def _images_pixels_check(images: Sequence[bytes]) -> None:
    """Refuse, before any image is decoded, a set whose pixels together would cost the request
    more memory and time than UPLOAD_MAX_PIXELS_PER_REQUEST allows."""
    total = sum(_image_pixels(data) for data in images)
    limit = int(settings.UPLOAD_MAX_PIXELS_PER_REQUEST)
    if total > limit:
        raise ValidationFailed(
            f"Together these images are too large ({total // 1_000_000} megapixels); at most "
            f"{limit // 1_000_000} megapixels in one upload - use smaller images.",
            code="images_too_large",
        )


def _image_reencode(data: bytes) -> tuple[bytes, int, int]:
    from PIL import Image, ImageOps

    from accounts.images import BROKEN_IMAGE_ERRORS

    try:
        with Image.open(io.BytesIO(data), formats=sorted(CHARACTER_IMAGE_FORMATS)) as image:
            picture: Image.Image = image
            if picture.mode not in ("RGB", "RGBA", "L", "CMYK"):
                picture = picture.convert("RGBA")  # a palette would shrink by nearest pixel
            # Shrunk before it is turned and converted (a JPEG even decodes at a reduced
            # scale): one full-size copy in memory, not three.
            picture.thumbnail((1024, 1024))
            picture = ImageOps.exif_transpose(picture).convert("RGBA")
    except (Image.DecompressionBombError, *BROKEN_IMAGE_ERRORS) as exc:
        raise _not_an_image() from exc
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue(), picture.width, picture.height


def character_upload_max_bytes() -> int:
    """The most a character upload (its images and clip together) may weigh: the limit the
    page and the API declare, so an oversized body is refused before it is read."""
    return MAX_CHARACTER_IMAGES * MAX_IMAGE_BYTES + verification.MAX_CLIP_BYTES


def character_cameo_create(
    *,
    owner: User,
    display_name: str,
    images: Sequence[IO[bytes]] = (),
    clip: IO[bytes] | None = None,
    voice_preset: str = "en-us",
    permission: str = Cameo.Permission.ONLY_ME,
    appearance_notes: str = "",
    restrictions: str = "",
) -> Cameo:
    """A pet, object or drawing from 1-4 images or a short clip: no identity check, active at
    once, owned by its creator. Everything is checked and re-encoded before anything is kept."""
    name = _clean_text(display_name, limit=60, label="The name")
    if not name:
        raise ValidationFailed("Give the character a name.", code="name_required")
    _check_permission_for_owner(owner, permission)
    if voice_preset not in VOICES:
        raise ValidationFailed("Choose one of the offered voices.", code="invalid_voice")
    if Cameo.objects.filter(owner=owner, kind=Cameo.Kind.CHARACTER).count() >= MAX_CHARACTERS:
        raise LimitExceeded(f"You can have at most {MAX_CHARACTERS} characters.", code="too_many")
    images = [i for i in images if i]
    if len(images) > MAX_CHARACTER_IMAGES:
        raise ValidationFailed("Use at most 4 images.", code="too_many_images")
    if not images and clip is None:
        raise ValidationFailed("Add 1 to 4 images or a short clip.", code="no_media")
    read = [_image_read(upload) for upload in images]
    _images_pixels_check(read)
    encoded = [_image_reencode(data) for data in read]
    if clip is not None:
        with _upload_on_disk(clip, limit=verification.MAX_CLIP_BYTES) as path:
            verification.clip_probe(path)
            encoded += verification.video_frames_extract(path)
    for checker in _character_checkers:
        checker([png for png, _, _ in encoded])
    stored: list[str] = []
    try:
        with transaction.atomic():
            cameo = Cameo.objects.create(
                owner=owner,
                kind=Cameo.Kind.CHARACTER,
                display_name=name,
                status=Cameo.Status.ACTIVE,
                permission=permission,
                owner_is_teen=owner.is_teen,
                voice_preset=voice_preset,
                appearance_notes=_clean_text(appearance_notes, limit=500, label="Notes"),
                restrictions=_clean_text(restrictions, limit=1000, label="Restrictions"),
            )
            for position, (png, width, height) in enumerate(encoded):
                stored.append(_store(f"cameos/{cameo.pk}", "png", png))
                CameoReference.objects.create(
                    cameo=cameo, file=stored[-1], width=width, height=height, position=position
                )
    except Exception:
        _storage_delete_quietly(stored)
        raise
    logger.info("cameos.character.created", extra={"cameo_id": cameo.pk})
    return cameo


# --- grants and blocks ---------------------------------------------------------------------------


def grant_request(*, cameo: Cameo, user: User) -> CameoGrant:
    """Ask the owner for permission to use their cameo; the owner is notified."""
    if cameo.owner_id == user.pk:
        raise ValidationFailed("This is your own cameo.", code="own_cameo")
    if not cameo.is_usable or not cameo.owner.is_active:
        raise NotFound("No such cameo.", code="cameo_not_found")
    if (
        is_blocked_between(cameo.owner, user)
        or CameoBlock.objects.filter(cameo=cameo, user=user).exists()
    ):
        raise PermissionDenied("You cannot request this cameo.", code="cameo_blocked")
    if cameo.permission == Cameo.Permission.ONLY_ME:
        raise PermissionDenied("The owner keeps this cameo to themselves.", code="cameo_only_me")
    with transaction.atomic():
        grant, created = CameoGrant.objects.select_for_update().get_or_create(
            cameo=cameo, user=user
        )
        if not created:
            if grant.status == CameoGrant.Status.REQUESTED:
                raise Conflict(
                    "You already asked; the owner hasn't answered yet.", code="already_requested"
                )
            if grant.status == CameoGrant.Status.APPROVED:
                raise Conflict("You already have permission.", code="already_approved")
            raise PermissionDenied("The owner declined your request.", code="request_declined")
        _notify(
            recipient=cameo.owner,
            kind="cameo_request",
            text=f"@{user.handle} asks to use your cameo {cameo.display_name}.",
            url="/cameo/" if cameo.kind == Cameo.Kind.PERSON else f"/cameo/{cameo.pk}/",
            actor=user,
        )
    return grant


def _grant_owned(grant: CameoGrant, owner: User) -> CameoGrant:
    fresh = (
        CameoGrant.objects.select_for_update()
        .select_related("cameo", "user")
        .filter(pk=grant.pk, cameo__owner=owner)
        .first()
    )
    if fresh is None:
        raise NotFound("No such request.", code="grant_not_found")
    return fresh


def _grant_decide(grant: CameoGrant, owner: User, status: str, text: str) -> CameoGrant:
    with transaction.atomic():
        fresh = _grant_owned(grant, owner)
        fresh.status = status
        fresh.decided_at = timezone.now()
        fresh.save(update_fields=["status", "decided_at"])
        _notify(
            recipient=fresh.user,
            kind="cameo_grant",
            text=text.format(name=fresh.cameo.display_name, owner=owner.handle),
            url="/cameos/available/",
            actor=owner,
        )
    return fresh


def grant_approve(*, grant: CameoGrant, owner: User) -> CameoGrant:
    if is_blocked_between(owner, grant.user):
        raise PermissionDenied("Unblock this person first.", code="blocked")
    return _grant_decide(
        grant, owner, CameoGrant.Status.APPROVED, "@{owner} lets you use the cameo {name}."
    )


def grant_deny(*, grant: CameoGrant, owner: User) -> CameoGrant:
    return _grant_decide(
        grant,
        owner,
        CameoGrant.Status.DENIED,
        "@{owner} declined your request to use the cameo {name}.",
    )


def grant_revoke(*, grant: CameoGrant, owner: User) -> CameoGrant:
    """Takes effect at once: queued jobs and drafts re-check consent and fail."""
    return _grant_decide(
        grant, owner, CameoGrant.Status.REVOKED, "@{owner} no longer lets you use the cameo {name}."
    )


def cameo_block_add(*, cameo: Cameo, owner: User, user: User) -> CameoBlock:
    _owned(cameo, owner)
    if user.pk == owner.pk:
        raise ValidationFailed("You cannot block yourself.", code="block_self")
    with transaction.atomic():
        block, _ = CameoBlock.objects.get_or_create(cameo=cameo, user=user)
        CameoGrant.objects.filter(cameo=cameo, user=user).update(
            status=CameoGrant.Status.REVOKED, decided_at=timezone.now()
        )
    return block


def cameo_block_remove(*, cameo: Cameo, owner: User, user_id: int) -> None:
    _owned(cameo, owner)
    CameoBlock.objects.filter(cameo=cameo, user_id=user_id).delete()


# --- the appearance ledger -----------------------------------------------------------------------


def appearance_record(
    *, cameo: Cameo, video_pk: int, video_public_id: str, video_owner: User
) -> CameoAppearance:
    """Called by the videos app when a video using `cameo` is created (the draft). Idempotent.
    The cameo's owner is notified unless they made the video themselves."""
    with transaction.atomic():
        appearance, created = CameoAppearance.objects.get_or_create(
            cameo=cameo,
            video_id=video_pk,
            defaults={"video_public_id": video_public_id, "video_owner": video_owner},
        )
        if created and video_owner.pk != cameo.owner_id:
            _notify(
                recipient=cameo.owner,
                kind="cameo_used",
                text=f"@{video_owner.handle} made a video with your cameo {cameo.display_name}.",
                url="/cameo/appearances/",
                actor=video_owner,
            )
    return appearance


def appearance_forget(*, video_pk: int) -> int:
    """Called by the videos app when a video is deleted: its ledger rows go."""
    deleted, _ = CameoAppearance.objects.filter(video_id=video_pk).delete()
    return deleted


def appearance_delete_video(*, owner: User, video_public_id: str) -> DeletedVideo:
    """The owner of a cameo deletes a video it appears in, someone else's draft included: they
    co-own it. Only the ledger says who may: a video without one of `owner`'s cameos is
    NotFound, never revealed. The videos app deletes it (job, files after commit, ledger rows)
    and the video's creator is told who deleted it and why."""
    appearance = (
        CameoAppearance.objects.filter(cameo__owner=owner, video_public_id=video_public_id)
        .select_related("cameo", "video_owner")
        .first()
    )
    if appearance is None:
        raise NotFound("No such video.", code="video_not_found")
    deleter = video_deleter()
    if deleter is None:  # the videos app always registers one; this is a wiring error
        raise Conflict("Videos cannot be deleted from here right now.", code="unavailable")
    with transaction.atomic():
        deleted = deleter(appearance.video_id)
        creator = appearance.video_owner
        if creator.pk != owner.pk:
            _notify(
                recipient=creator,
                kind="cameo_video_deleted",
                text=f'@{owner.handle} deleted your video "{deleted.title}", which used their '
                f"cameo {appearance.cameo.display_name}.",
                actor=owner,
            )
    logger.info(
        "cameos.appearance.video_deleted",
        extra={"video": video_public_id, "cameo_owner": owner.pk, "creator": creator.pk},
    )
    return deleted
