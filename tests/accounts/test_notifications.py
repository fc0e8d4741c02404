"""Notifications: one mechanism, an in-app list with an unread count, optional email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import selectors, services
from accounts.models import Notification, User
from sora_site.core.errors import ValidationFailed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_send_and_count(user: User) -> None:
    actor = UserFactory(handle="bob")
    n = services.notification_send(
        recipient=user, kind="follow", text="@bob followed you", url="/@bob", actor=actor
    )
    assert n.pk and n.read_at is None and n.actor == actor
    assert selectors.notification_unread_count(user) == 1
    assert selectors.notification_unread_count(actor) == 0


def test_a_kind_is_required(user: User) -> None:
    with pytest.raises(ValidationFailed):
        services.notification_send(recipient=user, kind="", text="x")
    assert not Notification.objects.exists()


def test_email_goes_out_after_commit(user: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(
            recipient=user, kind="cameo_used", text="Your cameo was used", url="/v/1", email=True
        )
        assert mail.outbox == []  # not inside the transaction
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Your cameo was used" in mail.outbox[0].body
    assert "http://" in mail.outbox[0].body and "/v/1" in mail.outbox[0].body


def test_listeners_run_after_commit(
    user: User, registries: None, django_capture_on_commit_callbacks
) -> None:
    seen: list[int] = []
    services.register_notification_listener(lambda n: seen.append(n.recipient_id))
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(recipient=user, kind="follow", text="x")
        assert seen == []
    assert seen == [user.pk]


def test_nav_shows_the_unread_count(user_client: Client, user: User) -> None:
    for i in range(3):
        services.notification_send(recipient=user, kind="comment", text=f"comment {i}")
    html = user_client.get("/@ada").content.decode()
    assert '<span class="badge">3</span>' in html
    assert 'href="/notifications/"' in html


def test_list_shows_own_notifications_and_marks_them_read(user_client: Client, user: User) -> None:
    services.notification_send(recipient=user, kind="comment", text="For Ada")
    services.notification_send(recipient=UserFactory(), kind="comment", text="For someone else")
    response = user_client.get(reverse("accounts:notifications"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "For Ada" in html and "For someone else" not in html
    assert "New" in html  # shown as new this time
    assert selectors.notification_unread_count(user) == 0
    again = user_client.get(reverse("accounts:notifications")).content.decode()
    assert '<span class="badge">New</span>' not in again
    assert '<span class="badge">' not in again  # no unread count in the nav either


def test_list_query_count_does_not_grow(
    user_client: Client, user: User, django_assert_num_queries
) -> None:
    actors = [UserFactory() for _ in range(3)]
    for actor in actors * 4:
        services.notification_send(recipient=user, kind="follow", text="f", actor=actor)
    # session, user, list (with actors), mark read
    with django_assert_num_queries(4):
        response = user_client.get(reverse("accounts:notifications"))
    assert response.content.decode().count('class="card notification') == 12


def test_list_requires_login(client: Client) -> None:
    assert client.get(reverse("accounts:notifications")).status_code == 302
