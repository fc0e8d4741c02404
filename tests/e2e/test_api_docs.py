"""The API docs pages render in a real browser under the site's CSP (no inline script, no CDN)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def docs_site(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    # Playwright's sync API runs an event loop in this thread; the ORM must be allowed here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return str(request.getfixturevalue("live_server").url)


@pytest.mark.parametrize(
    ("path", "rendered"),
    [("/api/docs/", ".swagger-ui .opblock"), ("/api/redoc/", "redoc h1, [role=search]")],
)
def test_docs_page_renders_without_csp_violations(
    docs_site: str, page: Any, path: str, rendered: str
) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    outside: list[str] = []
    page.on(  # requests that actually went out (a CSP-blocked one fails instead)
        "requestfinished",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((docs_site, "data:", "blob:"))
            else None
        ),
    )
    response = page.goto(f"{docs_site}{path}")
    assert response.status == 200
    page.wait_for_selector(rendered, timeout=20_000)
    assert "Framecast API" in page.content()
    # ReDoc's "powered by" logo points at its CDN; the CSP blocks it (no request is made).
    problems = [p for p in problems if "cdn.redoc.ly/redoc/logo-mini.svg" not in p]
    assert problems == [], "\n".join(problems)
    assert outside == []
