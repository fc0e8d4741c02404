"""Who is a moderator: an active staff member of the Moderators group, or a superuser."""

from __future__ import annotations

from typing import Any

MODERATORS_GROUP = "Moderators"


def is_moderator(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    cached = getattr(user, "_moderation_is_moderator", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._moderation_is_moderator = cached
    return bool(cached)
