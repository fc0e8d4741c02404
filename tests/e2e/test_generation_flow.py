"""The main walk in a real browser: sign up, create, watch progress, play, publish, view.

The site runs as it does after `make run`: daphne serving the ASGI app (HTTP + websockets) in a
subprocess, SQLite, the in-process Dramatiq worker and in-memory channel layer, and the REAL
engine (480p, 5 s). The test drives only the browser and HTTP; it touches no ORM.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import run_site

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from run_site(tmp_path_factory.mktemp("site"))


RECORD_PROGRESS = """
() => {
  window.__notReloaded = true;
  window.__seen = [];
  const bar = document.querySelector('[data-role="bar"]');
  window.__seen.push(bar.value);
  new MutationObserver(() => window.__seen.push(bar.value))
    .observe(document.querySelector('[data-role="percent"]'), {childList: true, subtree: true,
                                                              characterData: true});
}
"""


def test_sign_up_create_watch_play_publish(site: str, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.set_default_timeout(20_000)

    # Sign up.
    page.goto(f"{site}/accounts/signup/")
    page.fill("#id_email", "maker@example.com")
    if page.locator("#id_username").count():
        page.fill("#id_username", "maker")
    if page.locator("#id_birthdate").count():
        page.fill("#id_birthdate", "1990-05-17")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(page.locator("a[href='/accounts/logout/']")).to_be_visible()

    # Create a small video; the counter follows the prompt.
    page.goto(f"{site}/create/")
    prompt = "a red ball bounces down the stone stairs"
    page.fill("#id_prompt", prompt)
    expect(page.locator("#prompt-counter")).to_have_text(f"{len(prompt)} / 2000")
    page.select_option("#id_duration", "5")
    page.select_option("#id_resolution", "480")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url("**/drafts/#draft-*")
    public_id = page.url.rsplit("#draft-", 1)[1]
    card = page.locator(f"#draft-{public_id}")
    expect(card).to_be_visible()
    page.evaluate(RECORD_PROGRESS)

    # Progress arrives over the websocket and reaches 100% without a reload.
    expect(card.locator('[data-role="percent"]')).to_have_text("100%", timeout=240_000)
    expect(card.locator('[data-role="status"]')).to_have_text("Draft ready", timeout=30_000)
    assert page.evaluate("window.__notReloaded") is True
    seen = page.evaluate("window.__seen")
    assert seen[0] < 100 and max(seen) == 100
    assert len(set(seen)) >= 3, f"the bar should have moved through stages, saw {seen}"

    # Play the draft: the video element advances.
    video = card.locator('[data-role="video"]')
    expect(video).to_be_visible()
    page.evaluate(
        "async (id) => { const v = document.querySelector(`#draft-${id} video`);"
        " v.muted = true; await v.play(); }",
        public_id,
    )
    page.wait_for_function(
        "(id) => document.querySelector(`#draft-${id} video`).currentTime > 0.5",
        arg=public_id,
        timeout=20_000,
    )

    # Publish with a caption and see it on its own page.
    card.locator("textarea[name=caption]").fill("Stairs, but bouncy")
    card.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**/v/{public_id}/")
    expect(page.get_by_role("heading", name="Stairs, but bouncy")).to_be_visible()
    duration = page.evaluate(
        "() => new Promise((ok) => { const v = document.querySelector('video');"
        " if (v.readyState >= 1) ok(v.duration);"
        " else v.addEventListener('loadedmetadata', () => ok(v.duration)); })"
    )
    assert 4.5 <= duration <= 5.5
