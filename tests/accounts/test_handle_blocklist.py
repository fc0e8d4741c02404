"""Reserved handles: not only "admin" itself but what an impersonator would pick instead
("admin_", "moderator.jane", "support1", "framecast_official")."""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.handles import handle_is_reserved
from accounts.models import User
from tests.factories import birthdate_for_age

PASSWORD = "a-long-and-unusual-passphrase-42"

IMPERSONATING = [
    "admin_",
    "admin1",
    "_admin",
    "admin__",
    "admin_jane",
    "moderator.",
    "moderator.jane",
    "moderators_team",
    "support1",
    "support_team",
    "staff2024",
    "jane.admin",
    "team_support",
    "framecast_official",
    "official.framecast",
    "the.moderator.team",
    "root0",
    "security_alerts",
    "Admin_Jane",  # handles are case-insensitive
]
ORDINARY = [
    "jane",
    "adminton",
    "supporter",
    "staffy",
    "helpful_hank",
    "rooted.tree",
    "officially_me",
    "apiary",
    "systematic",
    "mod.jane",
]


@pytest.mark.parametrize("handle", IMPERSONATING)
def test_reserved_words_with_separators_or_digits_are_reserved(handle: str) -> None:
    assert handle_is_reserved(handle)


@pytest.mark.parametrize("handle", ORDINARY)
def test_ordinary_handles_that_merely_contain_letters_of_a_reserved_word(handle: str) -> None:
    assert not handle_is_reserved(handle)


@pytest.mark.parametrize("handle", ["admin", "moderator", "support", "Framecast"])
def test_the_reserved_words_themselves(handle: str) -> None:
    assert handle_is_reserved(handle)


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["admin_", "admin_jane", "moderator.jane", "support1"])
def test_allauths_handle_check_refuses_them(handle: str) -> None:
    """The adapter's clean_username is the check every allauth form runs on a handle."""
    with pytest.raises(ValidationError, match="reserved"):
        get_adapter().clean_username(handle)


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["admin_", "moderator.", "moderator.jane", "support_1"])
def test_signup_refuses_impersonating_handles_and_stores_nothing(
    client: Client, handle: str
) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "username": handle,
            "birthdate": birthdate_for_age(30).isoformat(),
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "That handle is reserved" in response.content.decode()
    assert User.objects.count() == 0 and EmailAddress.objects.count() == 0


@pytest.mark.django_db
def test_signup_still_accepts_an_ordinary_handle_near_a_reserved_word(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "username": "supporter",
            "birthdate": birthdate_for_age(30).isoformat(),
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(handle="supporter").exists()
