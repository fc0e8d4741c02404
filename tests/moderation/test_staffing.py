"""Moderators from the first run (issue 20): `make run`'s seed prints a moderator login that
opens the moderation admin, and `manage.py moderators` makes and unmakes moderators in
production, each change audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from moderation.models import AuditLogEntry
from moderation.permissions import is_moderator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_prints_a_moderator_login_that_opens_the_moderation_admin(client: Client) -> None:
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    for out in (first, second):
        assert "moderator@framecast.local / framecast-moderator" in out.getvalue()
    assert "Moderator account (created)" in first.getvalue()
    assert "Moderator account (exists)" in second.getvalue()
    assert User.objects.filter(email="moderator@framecast.local").count() == 1
    response = client.post(
        reverse("account_login"),
        {"login": "moderator@framecast.local", "password": "framecast-moderator"},
    )
    assert response.status_code == 302
    queue = client.get(reverse("admin:moderation_case_changelist"))
    assert queue.status_code == 200
    demo = User.objects.get(email="demo@framecast.local")
    assert not is_moderator(demo) and not demo.is_staff


def test_the_command_adds_lists_and_removes_a_moderator() -> None:
    member = UserFactory(email="ana@example.com", handle="ana")
    out = io.StringIO()
    call_command("moderators", "add", "ANA@example.com", stdout=out)
    assert "is now a moderator" in out.getvalue()
    member.refresh_from_db()
    assert is_moderator(member) and member.is_staff
    listing = io.StringIO()
    call_command("moderators", "list", stdout=listing)
    assert "ana@example.com" in listing.getvalue()
    again = io.StringIO()
    call_command("moderators", "add", "ana@example.com", stdout=again)
    assert "was already a moderator" in again.getvalue()
    call_command("moderators", "remove", "ana@example.com", stdout=io.StringIO())
    member = User.objects.get(pk=member.pk)
    assert not is_moderator(member) and not member.is_staff
    actions = list(AuditLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["moderator.grant", "moderator.revoke"]  # the repeat changed nothing


def test_the_command_refuses_an_unknown_address_and_changes_nothing() -> None:
    with pytest.raises(CommandError, match="No account has the email address"):
        call_command("moderators", "add", "nobody@example.com", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Say whose account"):
        call_command("moderators", "remove", stdout=io.StringIO())
    assert not AuditLogEntry.objects.exists()


def test_removing_a_superuser_from_moderators_keeps_their_admin_access() -> None:
    boss = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    call_command("moderators", "add", "boss@example.com", stdout=io.StringIO())
    call_command("moderators", "remove", "boss@example.com", stdout=io.StringIO())
    boss.refresh_from_db()
    assert boss.is_staff and not boss.groups.filter(name="Moderators").exists()
