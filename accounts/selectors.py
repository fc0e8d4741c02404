"""Reads about people. Every query here is scoped to the user it is asked about."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from accounts.models import HANDLE_PATTERN, Notification, User

NOTIFICATIONS_PAGE = 50


def user_by_handle(*, handle: str) -> User | None:
    """The active user with this handle (case-insensitive), or None."""
    handle = handle.strip().lower()
    if not re.match(HANDLE_PATTERN, handle):
        return None
    return User.objects.filter(handle=handle, is_active=True).first()


def notification_unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_recent(*, user: User, limit: int = NOTIFICATIONS_PAGE) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor")
        .order_by("-created", "-id")[:limit]
    )
