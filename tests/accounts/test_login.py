"""Login, logout, password reset, email verification and the login rate limit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from allauth.account.models import EmailAddress
from django.conf import LazySettings
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory, birthdate_for_age

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"
ROOT = Path(__file__).resolve().parents[2]


def login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_by_email_and_logout(client: Client, user: User) -> None:
    response = login(client, "ADA@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.post(reverse("account_logout")).status_code == 302
    assert not logged_in(client)


def test_login_page_is_in_site_layout_with_labels(client: Client) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert '<label for="id_login">' in html
    assert '<label for="id_password">' in html
    assert "skip-link" in html and "css/accounts.css" in html


def test_wrong_password_shows_an_error(client: Client, user: User) -> None:
    response = login(client, user.email, "wrong")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert not logged_in(client)


def test_password_reset_by_email(client: Client, user: User) -> None:
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    # allauth stashes the key in the session and redirects to a key-less URL.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    done = client.post(action, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_login_rate_limit_refuses_even_the_right_password(client: Client, user: User) -> None:
    for _ in range(5):
        response = login(client, user.email, "wrong-password")
        assert "not correct" in response.content.decode()
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert not logged_in(client)
    # Another person's account is not locked by this key (the per-IP budget is separate).
    other = UserFactory()
    assert login(Client(REMOTE_ADDR="10.0.0.9"), other.email, DEFAULT_PASSWORD).status_code == 302


def test_login_rate_limit_holds_across_clients_on_the_shared_cache(
    client: Client, user: User
) -> None:
    """The counter lives in the configured cache (Redis in CI), not in a process or a session:
    attempts from another browser (another session) and another IP still count per account."""
    for n in range(5):
        login(Client(REMOTE_ADDR=f"10.0.1.{n}"), user.email, "wrong-password")
    fresh = Client(REMOTE_ADDR="10.0.2.1")
    response = login(fresh, user.email, DEFAULT_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert not logged_in(fresh)


def test_login_rate_limit_on_the_configured_redis_cache(
    client: Client, user: User, redis_url: str
) -> None:
    """With REDIS_URL set (CI) the settings put the cache, and so the counters, on Redis."""
    assert type(caches["default"]).__name__ == "RedisCache"
    for _ in range(5):
        login(client, user.email, "wrong-password")
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert not logged_in(client)
    # The counter is in Redis itself: a client straight to the server sees allauth's keys.
    location = caches["default"]._servers[0]  # type: ignore[attr-defined]
    keys = redis.Redis.from_url(location).keys("*login_failed*")
    assert keys


# --- Email verification --------------------------------------------------------------------------


def test_mandatory_verification_blocks_login_until_confirmed(
    client: Client, settings: LazySettings
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = client.post(
        reverse("account_signup"),
        {
            "email": "verify@example.com",
            "username": "verifier",
            "birthdate": birthdate_for_age(25).isoformat(),
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not logged_in(client)
    user = User.objects.get(email="verify@example.com")
    assert not EmailAddress.objects.get(user=user).verified

    # Logging in before confirming does not log in: it sends back to "check your email".
    response = login(client, "verify@example.com", PASSWORD)
    assert not logged_in(client)
    assert response["Location"] == reverse("account_email_verification_sent")

    assert mail.outbox, "a confirmation email is sent"
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    confirm_url = match.group(1)
    assert client.get(confirm_url).status_code == 200
    assert client.post(confirm_url).status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    assert login(client, "verify@example.com", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_production_settings_make_verification_mandatory(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.com",
        "FRAMECAST_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sora_site.settings",
    }
    env.pop("ACCOUNT_EMAIL_VERIFICATION", None)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.ACCOUNT_EMAIL_VERIFICATION)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "mandatory"
