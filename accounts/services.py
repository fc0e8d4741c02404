"""Every write about people: profile, avatar, account deletion, data export, notifications.

Other apps plug in without accounts importing them (accounts is the ground floor):

- `register_user_media_collector(fn)`: fn(user) returns the storage paths the user owns. Account
  deletion removes them; the data export includes them.
- `register_user_data_exporter(name, fn)`: fn(user) returns JSON-able data, exported as `name`.
- `register_notification_listener(fn)`: fn(notification) runs after a notification is committed
  (the websocket push of the unread count plugs in here).
- `register_user_delete_listener(fn)`: fn(user) runs in the account deletion's transaction,
  before the rows go (stored counts that the deleted rows are part of are corrected there).
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from accounts.images import AVATAR_EXTENSION, avatar_reencode
from accounts.models import Notification, User
from sora_site.core.errors import Conflict, ValidationFailed

logger = logging.getLogger(__name__)

UserMediaCollector = Callable[[User], Iterable[str]]
UserDataExporter = Callable[[User], Any]
NotificationListener = Callable[[Notification], None]
UserDeleteListener = Callable[[User], None]

_media_collectors: list[UserMediaCollector] = []
_data_exporters: dict[str, UserDataExporter] = {}
_notification_listeners: list[NotificationListener] = []
_delete_listeners: list[UserDeleteListener] = []

EXPORT_FORMAT_VERSION = 1
NOTIFICATION_KIND_MAX = 40
DISPLAY_NAME_MAX = 60
BIO_MAX = 500


# --- Registries ----------------------------------------------------------------------------------


def register_user_delete_listener(fn: UserDeleteListener) -> UserDeleteListener:
    """Register fn(user), called inside the account deletion's transaction before the delete."""
    if fn not in _delete_listeners:
        _delete_listeners.append(fn)
    return fn


def register_user_media_collector(fn: UserMediaCollector) -> UserMediaCollector:
    """Register fn(user) -> storage paths the user owns. Idempotent; usable as a decorator.
    Call it from your AppConfig.ready()."""
    if fn not in _media_collectors:
        _media_collectors.append(fn)
    return fn


def register_user_data_exporter(name: str, fn: UserDataExporter) -> UserDataExporter:
    """Register fn(user) -> JSON-able data, exported under `name` in the data export."""
    if name in ("format_version", "exported_at", "profile", "media"):
        raise ValueError(f"{name!r} is a reserved export section")
    _data_exporters[name] = fn
    return fn


def register_notification_listener(fn: NotificationListener) -> NotificationListener:
    """Register fn(notification), called after the notification is committed."""
    if fn not in _notification_listeners:
        _notification_listeners.append(fn)
    return fn


def _avatar_media(user: User) -> list[str]:
    return [user.avatar.name] if user.avatar else []


register_user_media_collector(_avatar_media)


def user_media_paths(*, user: User) -> list[str]:
    """Every storage path the user owns, from accounts and every registered collector."""
    paths: list[str] = []
    for collector in _media_collectors:
        for path in collector(user):
            if path and path not in paths:
                paths.append(path)
    return paths


# --- Profile -------------------------------------------------------------------------------------


def profile_update(*, user: User, display_name: str, bio: str) -> User:
    display_name, bio = display_name.strip(), bio.strip()
    if len(display_name) > DISPLAY_NAME_MAX:
        raise ValidationFailed(
            f"Display names are at most {DISPLAY_NAME_MAX} characters.", code="too_long"
        )
    if len(bio) > BIO_MAX:
        raise ValidationFailed(f"Bios are at most {BIO_MAX} characters.", code="too_long")
    user.display_name = display_name
    user.bio = bio
    user.save(update_fields=["display_name", "bio"])
    return user


def _storage_delete_quietly(paths: Iterable[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            # The row is gone already; a leftover file is logged for the operator, not raised.
            logger.warning("accounts.media.delete_failed", extra={"path": path})


def avatar_update(*, user: User, upload: IO[bytes]) -> User:
    """Check and re-encode an uploaded avatar, store it under a server-made name and drop the
    old file. A refused upload raises ValidationFailed and stores nothing."""
    encoded = avatar_reencode(upload)
    name = f"avatars/{secrets.token_hex(16)}.{AVATAR_EXTENSION}"
    stored = default_storage.save(name, ContentFile(encoded))
    old = user.avatar.name if user.avatar else ""
    try:
        with transaction.atomic():
            user.avatar.name = stored
            user.save(update_fields=["avatar"])
            if old:
                transaction.on_commit(lambda: _storage_delete_quietly([old]))
    except Exception:
        # The row kept the old avatar: the new file must not linger.
        _storage_delete_quietly([stored])
        user.avatar.name = old
        raise
    logger.info("accounts.avatar.updated", extra={"user_id": user.pk})
    return user


def avatar_remove(*, user: User) -> User:
    if not user.avatar:
        return user
    old = user.avatar.name
    with transaction.atomic():
        user.avatar.name = ""
        user.save(update_fields=["avatar"])
        transaction.on_commit(lambda: _storage_delete_quietly([old]))
    return user


# --- Deletion ------------------------------------------------------------------------------------


def user_delete(*, user: User, password: str) -> None:
    """Delete the account after checking its password, then remove its media from storage."""
    if not password or not user.check_password(password):
        raise ValidationFailed("That password is not correct.", code="wrong_password")
    paths = user_media_paths(user=user)
    user_id = user.pk
    try:
        with transaction.atomic():
            for listener in _delete_listeners:
                listener(user)
            user.delete()
            # Files go only once the rows are surely gone: a rolled-back delete keeps its media.
            transaction.on_commit(lambda: _storage_delete_quietly(paths))
    except (ProtectedError, RestrictedError) as exc:
        # Another app holds on to this account (e.g. an open moderation case).
        logger.warning("accounts.user.delete_blocked", extra={"user_id": user_id})
        raise Conflict(
            "Your account cannot be deleted right now because records that must be kept still "
            "point to it. Please contact the site's support.",
            code="delete_blocked",
        ) from exc
    logger.info("accounts.user.deleted", extra={"user_id": user_id, "files": len(paths)})


# --- Export --------------------------------------------------------------------------------------


def _profile_data(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "handle": user.handle,
        "display_name": user.display_name,
        "bio": user.bio,
        "birthdate": user.birthdate.isoformat() if user.birthdate else None,
        "is_teen": user.is_teen,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "avatar": user.avatar.name or None,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        # Which second factors exist, never their secrets.
        "two_factor": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
        "notifications": [
            {
                "kind": n.kind,
                "text": n.text,
                "url": n.url,
                "created": n.created.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(recipient=user).order_by("created", "id")
        ],
    }


def user_export_build(*, user: User) -> IO[bytes]:
    """A zip of the user's data (data.json) and media files (media/...), in a temporary file
    positioned at its start. The caller streams and closes it."""
    paths = user_media_paths(user=user)
    data: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "profile": _profile_data(user),
    }
    for section, exporter in _data_exporters.items():
        data[section] = exporter(user)
    included: list[str] = []
    archive: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in paths:
            try:
                with default_storage.open(path, "rb") as src, zf.open(f"media/{path}", "w") as dst:
                    while chunk := src.read(1024 * 1024):
                        dst.write(chunk)
            except FileNotFoundError:
                logger.warning("accounts.export.media_missing", extra={"path": path})
                continue
            included.append(path)
        data["media"] = [f"media/{path}" for path in included]
        zf.writestr("data.json", json.dumps(data, indent=2, default=str, ensure_ascii=False))
    archive.seek(0)
    logger.info("accounts.export.built", extra={"user_id": user.pk, "files": len(included)})
    return archive


# --- Notifications -------------------------------------------------------------------------------


def notification_send(
    *,
    recipient: User,
    kind: str,
    text: str,
    url: str = "",
    actor: User | None = None,
    email: bool = False,
) -> Notification:
    """Tell `recipient` that something happened. With email=True an email goes out too, after
    the surrounding transaction commits."""
    if not kind or len(kind) > NOTIFICATION_KIND_MAX:
        raise ValidationFailed("A notification needs a short kind.", code="invalid_kind")
    if actor is not None and actor.pk == recipient.pk:
        actor = None  # nobody is notified "by themselves"
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        text=text[:300],
        url=url[:500],
        actor=actor,
    )
    if email and recipient.email and recipient.is_active:
        transaction.on_commit(lambda: _notification_email(notification))
    for listener in list(_notification_listeners):
        transaction.on_commit(lambda fn=listener: fn(notification))  # type: ignore[misc]
    return notification


def _notification_email(notification: Notification) -> None:
    link = notification.url
    if link.startswith("/"):
        link = f"{settings.SITE_URL}{link}"
    body = notification.text + (f"\n\n{link}" if link else "")
    send_mail(
        subject=f"[{settings.SITE_NAME}] {notification.text[:80]}",
        message=body,
        from_email=None,
        recipient_list=[notification.recipient.email],
    )


def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
