"""The development accounts `make run` prints (created once; never with production settings)."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction

from accounts.models import User
from sora_site.core.errors import Conflict, PermissionDenied

DEMO_EMAIL = "demo@framecast.local"
DEMO_HANDLE = "demo"
# A development-only password: demo_account_ensure refuses to run with production settings.
DEMO_PASSWORD = "framecast-demo"  # noqa: S105
DEMO_BIRTHDATE = dt.date(1990, 1, 1)


def demo_account_ensure() -> tuple[User, bool]:
    """The demo user and whether it was created now."""
    return dev_account_ensure(
        email=DEMO_EMAIL, handle=DEMO_HANDLE, password=DEMO_PASSWORD, display_name="Demo"
    )


def dev_account_ensure(
    *, email: str, handle: str, password: str, display_name: str
) -> tuple[User, bool]:
    """A development account with a verified email, and whether it was created now. Refused
    with production settings: its password is in the source."""
    if settings.PRODUCTION:
        raise PermissionDenied(
            "Development accounts are for development: refused with production settings."
        )
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        created = user is None
        if user is None:
            if User.objects.filter(handle=handle).exists():
                raise Conflict(
                    f"The handle @{handle} belongs to another account; no account was created "
                    f"for {email}."
                )
            user = User.objects.create_user(
                email=email,
                password=password,
                handle=handle,
                birthdate=DEMO_BIRTHDATE,
                display_name=display_name,
            )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user, created
