"""Personal access tokens (shown once, hashed, revocable) and JSON errors everywhere on /api/."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from sora_site.api.models import PersonalAccessToken
from tests.api.conftest import TokenClient, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_token_page_shows_the_token_once_and_stores_only_its_hash(client: Any) -> None:
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        "/settings/tokens/",
        {"name": "laptop script", "scopes": ["profile:read", "videos:read"], "expires": "30"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = re.search(r'id="token-value">(fcp_[^<]+)<', response.content.decode()).group(1)
    row = PersonalAccessToken.objects.get(user=person)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.token_hash, row.prefix, row.name, row.scopes}
    assert row.scopes == "profile:read videos:read"
    # The list page never shows it again.
    assert token not in client.get("/settings/tokens/").content.decode()

    me = TokenClient(token).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["handle"] == person.handle
    row.refresh_from_db()
    assert row.last_used_at is not None

    assert client.post(f"/settings/tokens/{row.pk}/revoke").status_code == 302
    _assert_error(TokenClient(token).get("/api/v1/me"), 401, "invalid_token")


def test_someone_elses_token_cannot_be_revoked(client: Any) -> None:
    owner = UserFactory()
    row, _ = client_for_row(owner)
    client.force_login(UserFactory())
    assert client.post(f"/settings/tokens/{row.pk}/revoke").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/settings/tokens/{}/revoke",
        "/settings/apps/{}/revoke",
        "/developers/apps/{}/delete",
    ],
)
def test_settings_ids_beyond_the_database_range_are_a_404(client: Any, path: str) -> None:
    client.raise_request_exception = False
    client.force_login(UserFactory())
    assert client.post(path.format(2**64)).status_code == 404


def client_for_row(owner: Any) -> tuple[PersonalAccessToken, str]:
    from sora_site.api.services import pat_create

    return pat_create(user=owner, name="x", scopes=["profile:read"])


def test_a_token_with_a_wrong_secret_is_refused() -> None:
    _, token = client_for_row(UserFactory())
    forged = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    _assert_error(TokenClient(forged).get("/api/v1/me"), 401, "invalid_token")
    _assert_error(TokenClient("fcp_nope").get("/api/v1/me"), 401, "invalid_token")
    _assert_error(TokenClient("some-oauth-looking-token").get("/api/v1/me"), 401, "invalid_token")


def test_errors_are_json_with_detail_and_code(client: Any) -> None:
    _assert_error(client.get("/api/v1/me"), 401, "not_authenticated")
    api = client_for(UserFactory())
    _assert_error(api.get("/api/v1/no-such-thing"), 404, "not_found")
    _assert_error(api.get("/api/nothing/here"), 404, "not_found")
    _assert_error(api.put("/api/v1/me"), 405, "method_not_allowed")
    _assert_error(api.get("/api/v1/videos/doesnotexist"), 404, "not_found")
    _assert_error(api.get("/api/v1/users/nobody_here"), 404, "not_found")
    _assert_error(api.delete("/api/v1/comments/99999999999999999999999"), 404, "not_found")
    _assert_error(api.get("/api/v1/videos?status=bogus"), 400, "status")
    _assert_error(api.get("/api/v1/videos?cursor=garbage"), 404, "not_found")
    _assert_error(api.get("/api/v1/feed?cursor=%%%"), 400, "bad_cursor")
    body = _assert_error(
        api.post("/api/v1/generations", {"duration": "x"}, content_type="application/json"),
        400,
        "invalid",
    )
    assert "prompt" in body["errors"]
    _assert_error(
        api.post("/api/v1/generations", "{not json", content_type="application/json"),
        400,
        "parse_error",
    )
    _assert_error(
        api.post("/api/v1/generations", "prompt=x", content_type="text/plain"),
        415,
        "unsupported_media_type",
    )


def test_session_writes_need_the_csrf_token() -> None:
    from django.test import Client

    person = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    assert browser.get("/api/v1/me").status_code == 200
    _assert_error(
        browser.post("/api/v1/generations", {"prompt": "a cat"}, content_type="application/json"),
        403,
        "permission_denied",
    )


def test_throttle_answers_429_with_retry_after(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min", "user": "100/min"},
    }
    api = client_for(UserFactory())
    for _ in range(3):
        assert api.get("/api/v1/me").status_code == 200
    response = api.get("/api/v1/me")
    _assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_empty_filter_value_is_refused_like_any_unknown_one() -> None:
    api = client_for(UserFactory(), ["videos:read"])
    response = api.get("/api/v1/videos?visibility=")
    assert response.status_code == 400 and response.json()["code"] == "visibility"
    assert api.get("/api/v1/videos?visibility=public").status_code == 200


def test_a_busy_database_is_a_503_with_retry_after_not_a_500(monkeypatch: Any) -> None:
    """SQLite's "table is locked", a PostgreSQL lock timeout: the request rolled back, so it
    is answered as worth retrying, in the API's JSON shape."""
    from django.db import OperationalError

    from sora_site.api.endpoints import cameos as cameo_endpoints

    def locked(**kwargs: Any) -> Any:
        raise OperationalError("database table is locked: videos_generationjob")

    monkeypatch.setattr(cameo_endpoints.cameo_selectors, "cameos_available_for", locked)
    api = client_for(UserFactory(), ["cameos:read"])
    response = api.get("/api/v1/cameos/available")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is busy; try again in a moment.",
        "code": "unavailable",
    }
    assert response["Retry-After"] == "2"
