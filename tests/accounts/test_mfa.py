"""TOTP two-factor authentication with recovery codes (allauth.mfa) under /accounts/2fa/."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), written here so the test does not trust allauth's."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_code(secret: str) -> str:
    # Never compute a code in the last second of its 30 s window.
    if time.time() % 30 > 28.5:
        time.sleep(30 - time.time() % 30 + 0.05)
    return totp(secret)


def password_login(client: Client, user: User):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )


def activate_totp(client: Client, user: User) -> str:
    # allauth lets only people with verified addresses add a second factor.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    assert password_login(client, user).status_code == 302
    # Adding a second factor asks for the password again (allauth's re-authentication).
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    reauth = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert reauth.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # shown to type into an app
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    done = client.post(reverse("mfa_activate_totp"), {"code": fresh_code(secret)})
    assert done.status_code == 302
    return secret


def test_two_factor_pages_live_under_accounts_2fa_and_are_linked_from_settings(
    user_client: Client,
) -> None:
    assert reverse("mfa_index") == "/accounts/2fa/"
    assert reverse("mfa_activate_totp") == "/accounts/2fa/totp/activate/"
    html = user_client.get(reverse("accounts:settings_profile")).content.decode()
    assert 'href="/accounts/2fa/"' in html
    page = user_client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "skip-link" in page.content.decode()  # in the site's layout


def test_activating_totp_then_login_requires_the_code(client: Client, user: User) -> None:
    secret = activate_totp(client, user)
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    client.post(reverse("account_logout"))

    response = password_login(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone is not enough

    bad = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session

    ok = client.post(reverse("mfa_authenticate"), {"code": fresh_code(secret)})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_recovery_code_works_once(client: Client, user: User) -> None:
    activate_totp(client, user)
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    codes = codes_page.context["unused_codes"]
    assert len(codes) >= 5
    client.post(reverse("account_logout"))

    password_login(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))

    password_login(client, user)
    reused = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert reused.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_unverified_address_cannot_add_a_second_factor(client: Client, user: User) -> None:
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    password_login(client, user)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert "verif" in response.content.decode().lower()
    assert not Authenticator.objects.filter(user=user).exists()
