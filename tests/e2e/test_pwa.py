"""The installable web app in a real browser (issue 19): the service worker registers at the
root and activates, deletes older shell caches, stores only the shell while a signed-in person
watches the feed, and answers a failed navigation with the offline page; back online, "Try
again" brings the page back. Screenshots of the offline page at 390x844 (light and dark) are
kept in the test's tmp_path.

The site runs as after `make run` (daphne, SQLite, in-process worker) with the demo account and
a few seeded videos sharing one real engine clip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import run_site

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
CACHED_URLS = """async () => {
  const found = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    found[name] = (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    seed = ["seed_demo", "--users", "2", "--videos", "3", "--likes", "2", "--clips", "1"]
    yield from run_site(tmp_path_factory.mktemp("pwa-site"), setup=[seed])


def test_service_worker_offline_page(site: str, browser: object, tmp_path: Path) -> None:
    import json
    import re
    import urllib.request

    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    with urllib.request.urlopen(f"{site}/sw.js", timeout=10) as response:
        source = response.read().decode()
    match = re.search(r'^const CACHE = "(shell-[0-9a-f]+)";$', source, re.MULTILINE)
    shell_match = re.search(r"^const SHELL = (\[.*\]);$", source, re.MULTILINE)
    assert match and shell_match
    cache_name, shell = match.group(1), sorted(json.loads(shell_match.group(1)))

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        # Caches left by an older worker (ours) and by something else on the origin, made from
        # a page that registers no worker.
        page.goto(f"{site}/healthz")
        page.evaluate("async () => { await caches.open('shell-0123456789abcdef'); }")
        page.evaluate("async () => { await caches.open('someone-else'); }")

        # Any page registers the worker; it installs, activates and takes control at once.
        page.goto(f"{site}/accounts/login/")
        state = page.evaluate(
            """async () => {
              const registration = await navigator.serviceWorker.ready;
              const worker = registration.active;
              if (worker.state !== "activated") {
                await new Promise((done) => worker.addEventListener("statechange",
                  () => worker.state === "activated" && done()));
              }
              return {scope: registration.scope, script: worker.scriptURL, state: worker.state};
            }"""
        )
        assert state == {"scope": f"{site}/", "script": f"{site}/sw.js", "state": "activated"}
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        cached = page.evaluate(CACHED_URLS)
        assert cached == {"someone-else": [], cache_name: shell}  # the old shell cache is gone

        # Signed in, watching the feed through the worker: a video plays (its ranged requests
        # pass by the worker) and the cache still holds the shell and nothing else.
        page.fill("input[name=login]", "demo@framecast.local")
        page.fill("input[name=password]", "framecast-demo")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(f"{site}/feed/")
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        video = page.locator(".feed-item[data-video] video").first
        page.wait_for_function("v => v.currentTime > 0.3", arg=video.element_handle())
        page.goto(f"{site}/@demo/")
        cached = page.evaluate(CACHED_URLS)
        assert cached == {"someone-else": [], cache_name: shell}

        # Offline: a navigation to the feed gets the offline page, styled from the shell cache,
        # signed out (the stored copy has nobody's name or nav in it), at the feed's address.
        context.set_offline(True)
        page.goto(f"{site}/feed/")
        expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
        assert page.url == f"{site}/feed/"
        assert page.locator(".feed-item").count() == 0
        expect(page.get_by_role("link", name="Log in")).to_be_visible()
        assert "Notifications" not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for scheme, colours in (("light", "rgb(246, 247, 251)"), ("dark", "rgb(13, 14, 18)")):
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == colours, scheme  # site.css came from the cache
            page.screenshot(path=str(tmp_path / f"offline-{scheme}.png"))

        # Back online, "Try again" reloads the address it failed on.
        context.set_offline(False)
        page.get_by_role("link", name="Try again").click()
        expect(page.locator(".feed-item[data-video]").first).to_be_visible()
        assert page.url == f"{site}/feed/"
    finally:
        context.close()
