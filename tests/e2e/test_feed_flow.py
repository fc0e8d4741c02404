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
