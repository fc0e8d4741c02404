"""Signup through allauth: handle, birthdate and the age gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import UserFactory, birthdate_for_age

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


def signup_data(**overrides: Any) -> dict[str, str]:
    data = {
        "email": "new@example.com",
        "username": "newcomer",
        "birthdate": birthdate_for_age(30).isoformat(),
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def counts() -> tuple[int, int]:
    return User.objects.count(), EmailAddress.objects.count()


def test_signup_page_has_labelled_fields(client: Client) -> None:
    html = client.get(reverse("account_signup")).content.decode()
    for field, label in [
        ("email", "Email"),
        ("username", "Handle"),
        ("birthdate", "Birthdate"),
        ("password1", "Password"),
    ]:
        assert f'<label for="id_{field}">{label}' in html
    assert 'type="date"' in html
    assert "base.html" not in html  # rendered, not echoed
    assert "skip-link" in html  # the site's layout, not allauth's bare one


def test_adult_signup_creates_an_adult_account_and_logs_in(client: Client) -> None:
    response = client.post(reverse("account_signup"), signup_data(username="Alice_1.x"))
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.handle == "alice_1.x"  # stored lowercase
    assert user.birthdate == birthdate_for_age(30)
    assert user.is_teen is False
    assert EmailAddress.objects.filter(user=user, email="new@example.com").exists()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_teen_signup_creates_a_teen_account(client: Client) -> None:
    response = client.post(reverse("account_signup"), signup_data(birthdate=birthdate_for_age(15)))
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.is_teen is True
    assert user.age == 15


def test_thirteenth_birthday_today_is_allowed(client: Client) -> None:
    today = timezone.localdate()
    birthday = today.replace(year=today.year - 13) if (today.month, today.day) != (2, 29) else None
    if birthday is None:
        pytest.skip("today is 29 February: there is no exact 13th birthday to test")
    response = client.post(reverse("account_signup"), signup_data(birthdate=birthday.isoformat()))
    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").is_teen


@pytest.mark.parametrize("age", [12, 5])
def test_under_13_signup_is_refused_and_stores_nothing(client: Client, age: int) -> None:
    before = counts()
    response = client.post(reverse("account_signup"), signup_data(birthdate=birthdate_for_age(age)))
    assert response.status_code == 200
    assert "You must be at least 13 years old" in response.content.decode()
    assert counts() == before
    assert "_auth_user_id" not in client.session
    assert mail.outbox == []


def test_day_before_13th_birthday_is_refused(client: Client) -> None:
    today = timezone.localdate()
    birthdate = today.replace(year=today.year - 13) + dt.timedelta(days=1)
    response = client.post(reverse("account_signup"), signup_data(birthdate=birthdate.isoformat()))
    assert "You must be at least 13 years old" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("birthdate", "message"),
    [
        ((timezone.localdate() + dt.timedelta(days=3)).isoformat(), "cannot be in the future"),
        ("1850-01-01", "Please enter your real birthdate"),
        ("not-a-date", "Enter a valid date"),
        ("", "This field is required"),
    ],
)
def test_bad_birthdates_are_refused(client: Client, birthdate: str, message: str) -> None:
    response = client.post(reverse("account_signup"), signup_data(birthdate=birthdate))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == (0, 0)


@pytest.mark.parametrize("taken", ["ALICE", "Alice", "alice"])
def test_duplicate_handle_is_refused_case_insensitively(client: Client, taken: str) -> None:
    UserFactory(handle="alice")
    before = counts()
    response = client.post(reverse("account_signup"), signup_data(username=taken))
    assert response.status_code == 200
    assert "That handle is already taken." in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    "handle", ["ab", "x" * 31, "bad handle", "emoji😀x", "dash-es", "semi;colon"]
)
def test_invalid_handle_is_refused(client: Client, handle: str) -> None:
    response = client.post(reverse("account_signup"), signup_data(username=handle))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Handles are 3-30 characters" in body or "at most 30 characters" in body
    assert counts() == (0, 0)


def test_reserved_handle_is_refused(client: Client) -> None:
    response = client.post(reverse("account_signup"), signup_data(username="Admin"))
    assert "That handle is reserved" in response.content.decode()
    assert counts() == (0, 0)


def test_database_refuses_a_handle_differing_only_in_case() -> None:
    from django.db import IntegrityError, transaction

    UserFactory(handle="bob")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="b2@example.com", handle="BOB")])
