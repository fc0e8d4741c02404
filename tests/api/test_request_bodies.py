"""Hostile JSON bodies on the API answer 4xx JSON before anything runs, whoever sends them.

django-oauth-toolkit's bearer check reads request.POST, so DRF parses the body inside
authentication: a body nested deeper than Python's recursion limit (RecursionError) or over
DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig) used to escape as a 500 there.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from sora_site.api.scopes import ALL_SCOPES
from sora_site.core.json_depth import MAX_JSON_DEPTH, JSONTooDeep, json_loads_bounded
from tests.api.conftest import TokenClient, client_for
from tests.factories import UserFactory
from videos.models import GenerationJob, Video

pytestmark = pytest.mark.django_db

DEEP = "[" * 20_000 + "]" * 20_000  # 40 KB
LIMIT = 64 * 1024


def _oauth_client() -> TokenClient:
    person = UserFactory()
    app = Application.objects.create(
        name="sweep",
        user=person,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://example.com/cb",
    )
    AccessToken.objects.create(
        user=person,
        application=app,
        token="oauth-sweep-token",
        expires=timezone.now() + dt.timedelta(hours=1),
        scope=" ".join(sorted(ALL_SCOPES)),
    )
    return TokenClient("oauth-sweep-token")


def _callers() -> dict[str, Client]:
    session = Client()
    session.force_login(UserFactory())
    return {
        "anonymous": Client(),
        "unknown bearer": TokenClient("not-a-token"),
        "personal token": client_for(UserFactory()),
        "oauth token": _oauth_client(),
        "session": session,
    }


def _assert_json_error(response: Any, status: int, code: str, who: str = "") -> None:
    assert response.status_code == status, (who, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), who
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"], (who, body)


def test_deeply_nested_json_is_a_400_for_every_caller() -> None:
    for who, caller in _callers().items():
        response = caller.post("/api/v1/generations", DEEP, content_type="application/json")
        _assert_json_error(response, 400, "parse_error", who)
        assert "nested deeper" in response.json()["detail"], who
    assert not Video.objects.exists() and not GenerationJob.objects.exists()


def test_json_over_the_body_limit_is_a_413_for_every_caller(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    body = json.dumps({"prompt": "a cat " * (LIMIT // 6 + 1)})
    for who, caller in _callers().items():
        response = caller.post("/api/v1/generations", body, content_type="application/json")
        _assert_json_error(response, 413, "request_too_large", who)
    assert not Video.objects.exists() and not GenerationJob.objects.exists()


def test_nesting_just_past_the_limit_is_refused_and_at_the_limit_parsed() -> None:
    api = client_for(UserFactory())
    too_deep = json.dumps(
        {"prompt": "a cat", "extra": json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)}
    )
    _assert_json_error(
        api.post("/api/v1/generations", too_deep, content_type="application/json"),
        400,
        "parse_error",
    )
    # One level less reaches the view, whose own validation answers.
    at_limit = json.dumps(
        {"extra": json.loads("[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1))}
    )
    _assert_json_error(
        api.post("/api/v1/generations", at_limit, content_type="application/json"), 400, "invalid"
    )


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ('{"prompt": "' + "[" * 500 + '"}', True),  # brackets inside a string are text
        ('["a \\" [[[[", ' + "[" * 3 + "]" * 3 + "]", True),  # an escaped quote ends no string
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), False),
        ('{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1), False),
    ],
)
def test_depth_counts_structure_not_string_contents(text: str, ok: bool) -> None:
    if ok:
        assert json_loads_bounded(text) == json.loads(text)
    else:
        with pytest.raises(JSONTooDeep):
            json_loads_bounded(text)


@pytest.mark.parametrize("video_id", ["\x00", "a" * 5000, "é🙂", "../x", "-1"])
def test_an_edit_naming_an_impossible_video_is_a_404_in_openais_shape(video_id: str) -> None:
    """Path ids pass the converter; an id inside a body does not, and must stop before the
    database (PostgreSQL refuses NUL)."""
    response = client_for(UserFactory()).post(
        "/v1/videos/edits",
        {"prompt": "make it night", "video": {"id": video_id}},
        content_type="application/json",
    )
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "video_not_found"
    assert not Video.objects.exists()
