from __future__ import annotations

import pytest
from django.test import Client

from sora_site import health


@pytest.mark.django_db
def test_home_page_renders_with_navigation(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<nav" in body and "Sign up" in body


def test_healthz_is_alive(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_every_component(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "broker": "ok",
        "channel_layer": "ok",
        "storage": "ok",
    }


@pytest.mark.django_db
def test_readyz_is_503_when_a_component_fails(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> str | None:
        raise ConnectionError("database unreachable")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    payload = response.json()
    assert payload["status"] == "unavailable"
    assert payload["checks"]["database"].startswith("error")
    assert payload["checks"]["storage"] == "ok"


@pytest.mark.django_db
def test_security_headers_and_request_id(client: Client) -> None:
    response = client.get("/", HTTP_X_REQUEST_ID="abc-123")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Request-ID"] == "abc-123"
    assert response.headers["X-Frame-Options"] == "DENY"
    # A hostile request id is replaced, never echoed.
    response = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert response.headers["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id() -> None:
    import json
    import logging

    from pythonjsonlogger.json import JsonFormatter

    from sora_site.core.request_id import RequestIdFilter, _request_id

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "video.generation.done", None, None)
    token = _request_id.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        _request_id.reset(token)
    line = JsonFormatter("%(levelname)s %(message)s %(request_id)s").format(record)
    assert json.loads(line) == {
        "levelname": "INFO",
        "message": "video.generation.done",
        "request_id": "req-42",
    }


@pytest.mark.django_db
def test_admin_lives_at_the_configured_path_and_moderators_group_exists(client: Client) -> None:
    from django.conf import settings
    from django.contrib.auth.models import Group

    response = client.get("/" + settings.ADMIN_URL)
    assert response.status_code == 302 and "login" in response["Location"]
    assert Group.objects.filter(name="Moderators").exists()


def test_server_timing_header_reports_django_time(client: Client) -> None:
    response = client.get("/healthz")
    name, duration = response.headers["Server-Timing"].split(";dur=")
    assert name == "app" and float(duration) >= 0.0
