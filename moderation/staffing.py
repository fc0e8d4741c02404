"""Who moderates: making a member a moderator and taking it back, audited.

A moderator is an active staff member of the Moderators group (moderation/permissions.py): staff
so Django admin lets them in, the group for what they may do there. Both changes are made here,
in one transaction with their audit entry, by `manage.py moderators` and the development seed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.demo import dev_account_ensure
from accounts.models import User
from moderation.permissions import MODERATORS_GROUP
from moderation.records import audit_write
from sora_site.core.errors import NotFound

DEV_MODERATOR_EMAIL = "moderator@framecast.local"
DEV_MODERATOR_HANDLE = "moderator"
# Development only, like the demo account's: dev_account_ensure refuses production settings.
DEV_MODERATOR_PASSWORD = "framecast-moderator"  # noqa: S105


def _user_by_email(email: str) -> User:
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise NotFound(f"No account has the email address {email!r}.", code="no_such_user")
    return user


def moderator_grant(*, email: str, actor: Any = None) -> tuple[User, bool]:
    """Make the account with this email a moderator; whether it was not one before."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=_user_by_email(email).pk)
        group = Group.objects.get(name=MODERATORS_GROUP)
        changed = not user.is_staff or not user.groups.filter(pk=group.pk).exists()
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(group)
        if changed:
            audit_write(actor=actor, action="moderator.grant", target=user, reason="")
    return user, changed


def moderator_revoke(*, email: str, actor: Any = None) -> tuple[User, bool]:
    """Take moderation away (and admin access with it, unless the account is a superuser)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=_user_by_email(email).pk)
        group = Group.objects.get(name=MODERATORS_GROUP)
        changed = user.groups.filter(pk=group.pk).exists()
        user.groups.remove(group)
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        if changed:
            audit_write(actor=actor, action="moderator.revoke", target=user, reason="")
    return user, changed


def moderators() -> list[User]:
    return list(
        User.objects.filter(groups__name=MODERATORS_GROUP, is_staff=True, is_active=True)
        .order_by("email")
        .distinct()
    )


def dev_moderator_ensure() -> tuple[User, bool]:
    """The development moderator `make run` prints; refused with production settings."""
    user, created = dev_account_ensure(
        email=DEV_MODERATOR_EMAIL,
        handle=DEV_MODERATOR_HANDLE,
        password=DEV_MODERATOR_PASSWORD,
        display_name="Moderator",
    )
    moderator_grant(email=user.email)
    return user, created
