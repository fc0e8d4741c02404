"""`manage.py seed_demo`: the demo account `make run` prints. Created once, printed every time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User

DEMO_EMAIL = "demo@framecast.local"
DEMO_HANDLE = "demo"
# A development-only password: the command refuses to run with production settings.
DEMO_PASSWORD = "framecast-demo"  # noqa: S105
DEMO_BIRTHDATE = dt.date(1990, 1, 1)


class Command(BaseCommand):
    help = "Create the demo account once (development only) and print its login."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo is for development: it refuses production settings.")
        with transaction.atomic():
            user = User.objects.filter(email=DEMO_EMAIL).first()
            created = user is None
            if user is None:
                if User.objects.filter(handle=DEMO_HANDLE).exists():
                    raise CommandError(
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
        state = "created" if created else "exists"
        self.stdout.write(
            f"Demo account ({state}): log in at /accounts/login/ with "
            f"{DEMO_EMAIL} / {DEMO_PASSWORD}"
        )
