"""The development demo account `make run` prints (created once; never with production settings)."""

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
    if settings.PRODUCTION:
        raise PermissionDenied(
            "The demo account is for development: refused with production settings."
        )
    with transaction.atomic():
        user = User.objects.filter(email=DEMO_EMAIL).first()
        created = user is None
        if user is None:
            if User.objects.filter(handle=DEMO_HANDLE).exists():
                raise Conflict(
                    f"The handle @{DEMO_HANDLE} belongs to another account; "
                    f"no demo account was created."
                )
            user = User.objects.create_user(
                email=DEMO_EMAIL,
                password=DEMO_PASSWORD,
                handle=DEMO_HANDLE,
                birthdate=DEMO_BIRTHDATE,
                display_name="Demo",
            )
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )
    return user, created
