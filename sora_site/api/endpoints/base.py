"""Shared bits of the API views."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from accounts.models import User
from sora_site.core.errors import NotFound

MAX_DB_INT = 2**63 - 1


def user_of(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # HasRequiredScope has let only people through
    return user


def application_of(request: Request) -> Any | None:
    """The OAuth application behind the request, or None (personal token or session)."""
    return getattr(request.auth, "application", None)


def row_id(value: int, what: str) -> int:
    """Path ids beyond the database's integer range cannot exist: say so instead of erroring."""
    if not 0 < value <= MAX_DB_INT:
        raise NotFound(f"No such {what}.")
    return value
