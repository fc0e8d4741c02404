"""Template context for every page: the signed-in person's unread notification count."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest

from accounts.selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notification_unread_count": 0}

    # A callable: templates call it only when they show the count, and at most once a request.
    @functools.cache
    def unread() -> int:
        return notification_unread_count(user)

    return {"notification_unread_count": unread}
