"""The feed in a real browser: scroll, the visible video plays, like, follow, open comments.

The site runs as after `make run` (daphne, SQLite, in-process worker) with the demo account and
a few seeded creators whose videos share one real engine clip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import run_site

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    seed = ["seed_demo", "--users", "4", "--videos", "6", "--likes", "8", "--clips", "1"]
    yield from run_site(tmp_path_factory.mktemp("feed-site"), setup=[seed])


def test_scroll_play_like_follow_comment(site: str, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.set_default_timeout(20_000)
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", "demo@framecast.local")
    page.fill("input[name=password]", "framecast-demo")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{site}/feed/")

    items = page.locator(".feed-item[data-video]")
    expect(items.first).to_be_visible()
    assert items.count() >= 2
    first_video = items.first.locator("video")
    # The visible video plays (muted): its clock advances.
    page.wait_for_function(
        "v => v.currentTime > 0.3", arg=first_video.element_handle(), timeout=20_000
    )
    assert first_video.evaluate("v => v.muted") is True
    expect(items.first.locator(".feed-label")).to_have_text("Suggested")

    # Like: the button turns on and the count goes up by one.
    like = items.first.locator(".feed-like")
    before = int(like.locator(".count").inner_text())
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".count")).to_have_text(str(before + 1))

    # Follow the creator.
    follow = items.first.locator(".feed-follow")
    follow.click()
    expect(follow).to_have_text("Following")

    # Comments open, and a new comment appears in the list.
    items.first.locator(".feed-comments-toggle").click()
    panel = items.first.locator(".feed-comments")
    expect(panel).to_be_visible()
    panel.locator("input[name=text]").fill("what a bounce")
    panel.locator("button[type=submit]").click()
    expect(panel.locator(".feed-comment-list")).to_contain_text("what a bounce")

    # Scroll on with the keyboard: the next video becomes the one playing.
    page.locator("#feed").focus()
    panel.locator("input[name=text]").blur()
    page.keyboard.press("ArrowDown")
    second_video = items.nth(1).locator("video")
    page.wait_for_function(
        "v => !v.paused && v.currentTime > 0.3", arg=second_video.element_handle(), timeout=20_000
    )
    assert first_video.evaluate("v => v.paused") is True


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_video_grids_fit_the_screen(
    site: str, browser: object, viewport: tuple[int, int], tmp_path: object
) -> None:
    """Issue 19: the logged-out "Latest videos" grid and a profile's grid used to let full-size
    posters spill out of their tiles and widen the page to 938 px on a 390 px phone."""
    from pathlib import Path

    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        for path in ("/feed/", "/@seed0/"):
            page.goto(f"{site}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(Path(str(tmp_path)) / f"grid{path.strip('/')}.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            tiles = page.locator(".grid > .card")
            assert tiles.count() >= 1, path
            for index in range(tiles.count()):
                tile = tiles.nth(index).bounding_box()
                poster = tiles.nth(index).locator("img").bounding_box()
                assert tile is not None and poster is not None
                assert poster["x"] >= tile["x"] - 0.5  # the poster stays inside its tile
                assert poster["x"] + poster["width"] <= tile["x"] + tile["width"] + 0.5
                assert poster["height"] / poster["width"] == pytest.approx(16 / 9, rel=0.02)
    finally:
        context.close()


def _log_in(page: object, site: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", "demo@framecast.local")
    page.fill("input[name=password]", "framecast-demo")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{site}/feed/")


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_feed_rail_keeps_every_action_reachable(
    site: str, browser: object, viewport: tuple[int, int], tmp_path: object
) -> None:
    """Issue 19: the feed's six pills became a rail of icons with counts on the right of the
    player, secondary actions in a "more" sheet; an open comment panel used to cover Follow."""
    from pathlib import Path

    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        _log_in(page, site)
        item = page.locator(".feed-item[data-video]").first
        rail = item.locator(".actions-rail")
        expect(rail).to_be_visible()
        box, screen = rail.bounding_box(), page.viewport_size
        assert box is not None and screen is not None
        assert box["y"] + box["height"] <= screen["height"]  # the whole rail is on screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        item.locator(".feed-comments-toggle").click()
        expect(item.locator(".feed-comments")).to_be_visible()
        page.screenshot(path=str(Path(str(tmp_path)) / "rail-comments.png"))
        # With comments open, Follow and Like still take a click (Playwright refuses to click
        # an element another one covers).
        follow = item.locator(".feed-follow")
        follow.click(timeout=5_000)
        expect(follow).to_have_attribute("aria-pressed", "true")
        follow.click(timeout=5_000)
        expect(follow).to_have_attribute("aria-pressed", "false")
        item.locator(".feed-comments-close").click()
        expect(item.locator(".feed-comments")).to_be_hidden()
        item.locator(".feed-more").click()
        sheet = item.locator(".action-sheet")
        expect(sheet).to_be_visible()
        expect(sheet.get_by_role("link", name="Download")).to_be_visible()
        expect(sheet.get_by_role("button", name="See less like this")).to_be_visible()
        page.screenshot(path=str(Path(str(tmp_path)) / "rail-more.png"))
        page.keyboard.press("Escape")
        expect(sheet).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_video_page_actions_work_without_reload(
    site: str, browser: object, viewport: tuple[int, int], tmp_path: object
) -> None:
    """Issue 19: the video page has the feed's actions, from the same template and script."""
    from pathlib import Path

    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        _log_in(page, site)
        video_id = page.locator(".feed-item[data-video]").first.get_attribute("data-video")
        page.goto(f"{site}/v/{video_id}/")
        page.evaluate("window.__notReloaded = true")
        actions = page.locator(".video-page .actions-row")
        like = actions.locator(".feed-like")
        before = int(like.locator(".count").inner_text())
        was_liked = like.get_attribute("aria-pressed") == "true"  # by the other viewport's run
        like.click()
        expect(like.locator(".count")).to_have_text(str(before - 1 if was_liked else before + 1))
        expect(like).to_have_attribute("aria-pressed", "false" if was_liked else "true")
        actions.locator(".feed-comments-toggle").click()
        panel = page.locator(".video-page .feed-comments")
        panel.locator("input[name=text]").fill(f"from the video page {width}")
        panel.locator("button[type=submit]").click()
        expect(panel.locator(".feed-comment-list")).to_contain_text(f"from the video page {width}")
        # Share: the system share sheet where there is one, else the link is copied.
        has_share_sheet = page.evaluate("typeof navigator.share === 'function'")
        if not has_share_sheet:
            actions.locator(".feed-share").click()
            expect(actions.locator(".feed-share .action-label")).to_have_text("Copied")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == f"{site}/v/{video_id}/"
        # A phone's browser has the Web Share API: the link goes to its share sheet.
        page.evaluate(
            "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); }"
        )
        actions.locator(".feed-share").click()
        shared = page.wait_for_function("window.__shared").json_value()
        assert shared["url"] == f"{site}/v/{video_id}/" and shared["title"]
        actions.locator(".feed-more").click()
        with page.expect_download() as download_info:
            page.locator(".video-page .action-sheet").get_by_role("link", name="Download").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".mp4")
        saved = Path(str(tmp_path)) / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes()[4:8] == b"ftyp"  # an MP4, as stored
        assert page.evaluate("window.__notReloaded") is True
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(Path(str(tmp_path)) / "video-page.png"), full_page=True)
    finally:
        context.close()
