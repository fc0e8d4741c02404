"""Login throttling counts the real client: behind a balancer every visitor arrives from the
balancer's address, and X-Forwarded-For is written by the client too. Also: admin's login is
allauth's login, so staff accounts get the same limits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client, RequestFactory
from django.urls import reverse

from sora_site.core.client_ip import client_ip
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
BALANCER = "10.0.0.254"
LIMITED = "Too many failed login attempts"


def login(client: Client, email: str, password: str, **headers: str) -> Any:
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, headers=headers
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail_five_times(client: Client, **headers: str) -> None:
    """Five wrong passwords, each for another address: only the per-IP budget is spent."""
    for n in range(5):
        response = login(client, f"nobody{n}@example.com", "wrong-password", **headers)
        assert "not correct" in response.content.decode()


# --- the helper -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "header", "meta", "expected"),
    [
        (0, None, {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "10.0.0.254"),
        (1, None, {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
        (1, None, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"}, "203.0.113.5"),
        (2, None, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5, 10.0.0.7"}, "203.0.113.5"),
        (2, None, {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),  # skipped a proxy
        (1, None, {}, "10.0.0.254"),
        (1, None, {"HTTP_X_FORWARDED_FOR": "not-an-ip"}, "10.0.0.254"),
        (1, None, {"HTTP_X_FORWARDED_FOR": "[2001:db8::1]:443"}, "2001:db8::1"),
        (0, "X-Real-IP", {"HTTP_X_REAL_IP": "198.51.100.7"}, "198.51.100.7"),
        (
            0,
            "X-Real-IP",
            {"HTTP_X_REAL_IP": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
            "198.51.100.7",
        ),
    ],
)
def test_client_ip(
    settings: LazySettings, proxies: int, header: str | None, meta: dict[str, str], expected: str
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = header
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, **meta)
    assert client_ip(request) == expected


def test_settings_read_the_proxy_set_up_from_the_environment() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FRAMECAST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sora_site.settings",
        FRAMECAST_TRUSTED_PROXY_COUNT="2",
        FRAMECAST_CLIENT_IP_HEADER="X-Real-IP",
    )
    code = (
        "from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.split() == ["2", "X-Real-IP"]


# --- direct: X-Forwarded-For is the client's own word -----------------------------------------


def test_direct_a_forged_forwarded_for_does_not_dodge_the_limit(settings: LazySettings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(5):
        login(
            attacker,
            f"nobody{n}@example.com",
            "wrong-password",
            **{"X-Forwarded-For": f"192.0.2.{n}"},
        )
    victim = UserFactory()
    response = login(attacker, victim.email, DEFAULT_PASSWORD, **{"X-Forwarded-For": "192.0.2.99"})
    assert LIMITED in response.content.decode()
    assert not logged_in(attacker)


# --- behind one proxy: each client has its own budget -----------------------------------------


def test_behind_one_proxy_clients_are_limited_separately(settings: LazySettings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    guesser = Client(REMOTE_ADDR=BALANCER)
    fail_five_times(guesser, **{"X-Forwarded-For": "203.0.113.5"})

    # Another visitor through the same balancer still signs in.
    someone = UserFactory()
    other = Client(REMOTE_ADDR=BALANCER)
    response = login(other, someone.email, DEFAULT_PASSWORD, **{"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 302 and logged_in(other)

    # The guesser is refused, even with a forged entry in front of the one the proxy wrote.
    victim = UserFactory()
    response = login(
        guesser, victim.email, DEFAULT_PASSWORD, **{"X-Forwarded-For": "192.0.2.1, 203.0.113.5"}
    )
    assert LIMITED in response.content.decode()
    assert not logged_in(guesser)


def test_a_short_forwarded_for_is_not_a_server_error(settings: LazySettings) -> None:
    """allauth's own helper raises ImproperlyConfigured (a 500) when the list is shorter."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    user = UserFactory()
    client = Client(REMOTE_ADDR=BALANCER)
    response = login(client, user.email, DEFAULT_PASSWORD, **{"X-Forwarded-For": "203.0.113.5"})
    assert response.status_code == 302 and logged_in(client)


def test_behind_a_header_setting_proxy_clients_are_limited_separately(
    settings: LazySettings,
) -> None:
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    guesser = Client(REMOTE_ADDR=BALANCER)
    fail_five_times(guesser, **{"X-Real-IP": "203.0.113.5"})
    someone = UserFactory()
    other = Client(REMOTE_ADDR=BALANCER)
    response = login(other, someone.email, DEFAULT_PASSWORD, **{"X-Real-IP": "198.51.100.7"})
    assert response.status_code == 302
    response = login(guesser, UserFactory().email, DEFAULT_PASSWORD, **{"X-Real-IP": "203.0.113.5"})
    assert LIMITED in response.content.decode()


# --- the API's anonymous throttle keys on the same client address ------------------------------


def test_api_throttle_cannot_be_dodged_with_a_forged_forwarded_for(
    settings: LazySettings,
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/min", "user": "2/min"},
    }
    client = Client(REMOTE_ADDR="203.0.113.5")
    codes = [
        client.get("/api/docs/", headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_api_throttle_behind_one_proxy_counts_each_client(settings: LazySettings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/min", "user": "2/min"},
    }
    client = Client(REMOTE_ADDR=BALANCER)
    for _ in range(2):
        assert (
            client.get("/api/docs/", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 200
        )
    assert client.get("/api/docs/", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert client.get("/api/docs/", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 200


# --- admin's login ------------------------------------------------------------------------------


def admin_login_url() -> str:
    from django.conf import settings

    return f"/{settings.ADMIN_URL}login/"


def test_admin_login_form_cannot_be_used_to_guess_passwords(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    for _ in range(5):
        client.post(admin_login_url(), {"username": staff.email, "password": "wrong-password"})
    # The sixth try, with the right password, does not sign in at admin's form either.
    response = client.post(
        admin_login_url(), {"username": staff.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert not logged_in(client)


def test_admin_login_sends_to_allauths_login_and_back(client: Client) -> None:
    from django.conf import settings

    response = client.get(admin_login_url(), {"next": f"/{settings.ADMIN_URL}moderation/"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("account_login") + f"?next=%2F{settings.ADMIN_URL.rstrip('/')}%2Fmoderation%2F"
    )
    # Admin's own redirect for signed-out visitors lands there too.
    index = client.get(f"/{settings.ADMIN_URL}", follow=True)
    assert index.redirect_chain[-1][0].startswith(reverse("account_login"))

    staff = UserFactory(is_staff=True)
    response = client.post(
        response["Location"], {"login": staff.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{settings.ADMIN_URL}moderation/"
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200


def test_admin_sign_in_shares_allauths_failed_login_limit(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    signin = client.get(admin_login_url(), follow=True).redirect_chain[-1][0]
    for _ in range(5):
        client.post(signin, {"login": staff.email, "password": "wrong-password"})
    response = client.post(signin, {"login": staff.email, "password": DEFAULT_PASSWORD})
    assert LIMITED in response.content.decode()
    assert not logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_signed_in_non_staff_get_403_not_a_redirect_loop(client: Client) -> None:
    client.force_login(UserFactory())
    assert client.get(admin_login_url()).status_code == 403


def test_an_outside_next_is_not_followed(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(admin_login_url(), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
