"""End to end through the OAuth2 server: register an app, consent with PKCE, exchange the code,
call the API, refresh, revoke."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from tests.api.conftest import TokenClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REDIRECT = "https://client.example/callback"


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def _register_app(client_type: str = "public") -> tuple[str, str]:
    developer = Client()
    developer.force_login(UserFactory())
    page = developer.get("/developers/apps/new")
    assert page.status_code == 200
    response = developer.post(
        "/developers/apps/new",
        {"name": "Clip Uploader", "redirect_uris": REDIRECT, "client_type": client_type},
    )
    assert response.status_code == 200, response.content
    html = response.content.decode()
    client_id = re.search(r'id="client-id">([^<]+)<', html).group(1)
    secret = re.search(r'id="client-secret">([^<]+)<', html).group(1)
    listing = developer.get("/developers/apps/").content.decode()
    assert client_id in listing and secret not in listing
    return client_id, secret


def _authorize(browser: Client, client_id: str, scope: str, challenge: str | None) -> Any:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st4te",
    }
    if challenge:
        query.update(code_challenge=challenge, code_challenge_method="S256")
    return browser.get(f"/oauth/authorize/?{urlencode(query)}")


def _consent(browser: Client, page: Any) -> str:
    """Submit the consent form as shown (hidden fields and the Allow button); return the code."""
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields["allow"] = "Authorize"
    response = browser.post("/oauth/authorize/", fields)
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = parse_qs(location.query)
    assert params["state"] == ["st4te"]
    return params["code"][0]


def access_token_for(person: Any, scope: str) -> str:
    """An access token got the way a third-party app gets one: register, consent, exchange."""
    client_id, _ = _register_app()
    browser = Client()
    browser.force_login(person)
    verifier, challenge = _pkce()
    code = _consent(browser, _authorize(browser, client_id, scope, challenge))
    tokens = Client().post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    assert tokens.status_code == 200, tokens.content
    return str(tokens.json()["access_token"])


def test_authorization_code_with_pkce_refresh_and_revoke() -> None:
    client_id, _ = _register_app()
    person = UserFactory()
    browser = Client()
    browser.force_login(person)
    verifier, challenge = _pkce()

    page = _authorize(browser, client_id, "profile:read videos:read", challenge)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Clip Uploader" in html
    assert "See your profile" in html and "See your videos" in html
    assert "<script>" not in html  # CSP: no inline scripts
    code = _consent(browser, page)

    token_endpoint = Client()
    wrong = token_endpoint.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": "not-the-verifier-" + "x" * 40,
        },
    )
    assert wrong.status_code == 400
    # A wrong verifier is refused; the code is spent only by a successful exchange.
    tokens = token_endpoint.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    assert tokens.status_code == 200, tokens.content
    grant = tokens.json()
    assert set(grant["scope"].split()) == {"profile:read", "videos:read"}

    api = TokenClient(grant["access_token"])
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["handle"] == person.handle
    assert api.get("/api/v1/videos").status_code == 200
    refused = api.post("/api/v1/generations", {"prompt": "a cat"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"

    refreshed = token_endpoint.post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": grant["refresh_token"],
            "client_id": client_id,
        },
    )
    assert refreshed.status_code == 200, refreshed.content
    new = refreshed.json()
    assert new["access_token"] != grant["access_token"]
    assert TokenClient(new["access_token"]).get("/api/v1/me").status_code == 200
    assert TokenClient(grant["access_token"]).get("/api/v1/me").status_code == 401

    # The person sees the app and removes its access.
    apps_page = browser.get("/settings/apps/").content.decode()
    assert "Clip Uploader" in apps_page and "videos:read" in apps_page
    app_id = re.search(r'action="/settings/apps/(\d+)/revoke"', apps_page).group(1)
    assert browser.post(f"/settings/apps/{app_id}/revoke").status_code == 302
    after = TokenClient(new["access_token"]).get("/api/v1/me")
    assert after.status_code == 401
    assert after.json()["code"] == "invalid_token"
    again = token_endpoint.post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": new["refresh_token"],
            "client_id": client_id,
        },
    )
    assert again.status_code == 400
    assert "Clip Uploader" not in browser.get("/settings/apps/").content.decode()


def test_revoke_endpoint_invalidates_an_access_token() -> None:
    client_id, secret = _register_app("confidential")
    browser = Client()
    browser.force_login(UserFactory())
    verifier, challenge = _pkce()
    code = _consent(browser, _authorize(browser, client_id, "profile:read", challenge))
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    token_endpoint = Client(HTTP_AUTHORIZATION=f"Basic {basic}")
    grant = token_endpoint.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
    ).json()
    assert TokenClient(grant["access_token"]).get("/api/v1/me").status_code == 200
    revoked = token_endpoint.post("/oauth/revoke_token/", {"token": grant["access_token"]})
    assert revoked.status_code == 200
    assert TokenClient(grant["access_token"]).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("client_type", ["public", "confidential"])
def test_pkce_is_required(client_type: str) -> None:
    client_id, _ = _register_app(client_type)
    browser = Client()
    browser.force_login(UserFactory())
    response = _authorize(browser, client_id, "profile:read", challenge=None)
    assert response.status_code == 302
    params = parse_qs(urlsplit(response["Location"]).query)
    assert params["error"] == ["invalid_request"]
    assert "code" not in params


def test_unknown_scope_is_refused() -> None:
    client_id, _ = _register_app()
    browser = Client()
    browser.force_login(UserFactory())
    _, challenge = _pkce()
    response = _authorize(browser, client_id, "profile:read admin", challenge)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_scope"]


def test_registration_refuses_bad_redirect_uris(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.post(
        "/developers/apps/new",
        {"name": "Bad", "redirect_uris": "javascript:alert(1)", "client_type": "public"},
    )
    assert response.status_code == 400
    assert "Redirect URIs must be absolute" in response.content.decode()
