"""Issue 19's polish items in a real browser, at 390x844 and 1280x900.

- the Sign up button (top bar and the sign-up form) has white text at WCAG AA contrast (4.5:1) on
  its red, in the dark and the light theme, chosen by the system or stored by the toggle;
- allauth's "Confirmation email sent" notice is styled as information, not as an error;
- the publish form's checkboxes sit on one line left of their label text, in normal weight, and
  a remix draft is titled by its edit;
- a refusal on Create labels the examples of what is allowed;
- no page touched scrolls sideways.

Screenshots are kept in each test's tmp_path, as the other browser tests keep them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import run_site

pytestmark = pytest.mark.e2e

VIEWPORTS = [(390, 844), (1280, 900)]
VIEWPORT_IDS = ["phone", "desktop"]
DEMO = ("demo@framecast.local", "framecast-demo")
PROMPT = "a red ball bounces down stone steps at sunset"
EDIT = "make it claymation"

# Two ready drafts of the demo account, the second a remix of its published video (rows written
# as the worker leaves them, so the test needs no generation run).
DRAFTS = f"""
from django.utils import timezone
from accounts.models import User
from videos.models import GenerationJob, Video
demo = User.objects.get(email={DEMO[0]!r})
now = timezone.now()
parent = Video.objects.create(owner=demo, prompt={PROMPT!r}, status=Video.Status.PUBLISHED,
                              published_at=now)
drafts = [
    Video.objects.create(owner=demo, prompt={PROMPT!r}, status=Video.Status.DRAFT_READY),
    Video.objects.create(owner=demo, prompt={PROMPT!r}, remix_edit={EDIT!r}, parent=parent,
                         root=parent, depth=1, status=Video.Status.DRAFT_READY),
]
for video in drafts:
    GenerationJob.objects.create(owner=demo, video=video, status=GenerationJob.Status.SUCCEEDED,
                                 progress=1.0, stage="done", finished_at=now)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from run_site(
        tmp_path_factory.mktemp("polish-site"), setup=[["seed_demo"], ["shell", "-c", DRAFTS]]
    )


def _rgb(css: str) -> tuple[float, float, float]:
    parts = re.findall(r"[\d.]+", css)
    assert len(parts) >= 3, css
    if len(parts) == 4:
        assert float(parts[3]) == 1, f"translucent colour {css}"
    return float(parts[0]), float(parts[1]), float(parts[2])


def _luminance(css: str) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two opaque computed colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula() -> None:
    assert contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)") == pytest.approx(21)
    # The old button: white on #ff4f6d, about 3.2:1.
    assert contrast("rgb(255, 255, 255)", "rgb(255, 79, 109)") < 4.5


def _new_page(browser: Any, viewport: tuple[int, int], **options: Any) -> Any:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def _fits(page: Any, what: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, what
    assert page.evaluate("window.innerWidth") == width


def _log_in(page: Any, site: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", DEMO[0])
    page.fill("input[name=password]", DEMO[1])
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"{site}/feed/")


def _colours(locator: Any) -> tuple[str, str]:
    found = locator.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    )
    return found[0], found[1]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("chosen_by", ["system", "toggle"])
def test_sign_up_buttons_are_readable(
    site: str, browser: Any, viewport: tuple[int, int], theme: str, chosen_by: str, tmp_path: Path
) -> None:
    """The top bar's Sign up and the form's submit: white on red, at least 4.5:1."""
    other = "light" if theme == "dark" else "dark"
    if chosen_by == "system":
        page = _new_page(browser, viewport, color_scheme=theme)
    else:  # stored by the theme toggle (static/js/theme.js), against the system's choice
        page = _new_page(browser, viewport, color_scheme=other)
        page.add_init_script(f"localStorage.setItem('theme', '{theme}')")
    try:
        page.goto(f"{site}/accounts/signup/")
        expected_attr = "auto" if chosen_by == "system" else theme
        assert page.evaluate("document.documentElement.dataset.theme") == expected_attr
        page.screenshot(path=str(tmp_path / f"signup-{theme}-{chosen_by}.png"), full_page=True)
        buttons = {
            "top bar": page.locator(".mainnav a.button", has_text="Sign up"),
            "form": page.locator("main form button[type=submit]", has_text="Sign up"),
        }
        for where, button in buttons.items():
            assert button.count() == 1, where
            color, background = _colours(button)
            assert _luminance(color) > 0.9, f"{where}: text {color} is not white"
            ratio = contrast(color, background)
            assert ratio >= 4.5, f"{where}: {color} on {background} is {ratio:.2f}:1"
        _fits(page, "/accounts/signup/")
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_the_confirmation_notice_is_not_styled_as_an_error(
    site: str, browser: Any, viewport: tuple[int, int], tmp_path: Path
) -> None:
    page = _new_page(browser, viewport)
    handle = f"polish{viewport[0]}"
    try:
        page.goto(f"{site}/accounts/signup/")
        page.fill("input[name=email]", f"{handle}@example.com")
        page.fill("input[name=username]", handle)
        page.fill("input[name=birthdate]", "1990-01-01")
        page.fill("input[name=password1]", "a-long-pass-phrase-9")
        page.fill("input[name=password2]", "a-long-pass-phrase-9")
        page.locator("main form button[type=submit]").click()
        notice = page.locator(".message", has_text="Confirmation email sent")
        notice.wait_for()
        page.screenshot(path=str(tmp_path / "after-signup.png"), full_page=True)
        assert "error" not in (notice.get_attribute("class") or "").split()
        # Beside it, an error message as the site styles one, and the accent red.
        page.evaluate(
            """() => {
                const error = document.createElement('p');
                error.className = 'message error'; error.id = 'probe-error';
                error.textContent = 'x';
                document.querySelector('.messages').appendChild(error);
                const accent = document.createElement('span');
                accent.id = 'probe-accent'; accent.style.color = 'var(--accent)';
                document.body.appendChild(accent);
            }"""
        )
        mine = notice.evaluate("e => getComputedStyle(e).borderLeftColor")
        error = page.locator("#probe-error").evaluate("e => getComputedStyle(e).borderLeftColor")
        accent = page.locator("#probe-accent").evaluate("e => getComputedStyle(e).color")
        assert mine != error, f"the notice's border {mine} is the error's"
        assert mine != accent, f"the notice's border {mine} is the accent red"
        r, g, b = _rgb(mine)
        assert not (r > 150 and g < 120 and b < 130), f"the notice's border {mine} is red"
        _fits(page, "after sign-up")
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_drafts_checkboxes_and_remix_title(
    site: str, browser: Any, viewport: tuple[int, int], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = _new_page(browser, viewport)
    try:
        _log_in(page, site)
        page.goto(f"{site}/drafts/")
        expect(page.locator("#live-state")).to_have_text("on.")
        line = page.locator("p", has=page.locator("#live-state")).inner_text()
        assert line.lower().count("live") == 1, line
        cards = page.locator(".draft")
        expect(cards).to_have_count(2)
        page.screenshot(path=str(tmp_path / "drafts.png"), full_page=True)

        # The remix is titled by its edit and shows it; the other keeps its prompt.
        titles = page.locator(".draft-title").all_inner_texts()
        assert sorted(titles) == sorted([EDIT, PROMPT]), titles
        remix = page.locator(".draft", has=page.locator(".draft-title", has_text=EDIT))
        expect(remix.locator(".draft-remix")).to_contain_text(f"Edit: {EDIT}")

        forms = page.locator(".publish-form:visible")
        assert forms.count() == 2
        for index in range(forms.count()):
            form = forms.nth(index)
            for name, text in (("adult_only", "Adults only"), ("allow_remix", "Allow remixes")):
                label = form.locator("label", has=page.locator(f"input[name={name}]"))
                box = label.locator("input").bounding_box()
                words = label.locator("span").first.bounding_box()
                assert box is not None and words is not None
                assert label.inner_text().strip().startswith(text)
                # Left of its text, on its first line.
                assert box["x"] + box["width"] <= words["x"] + 0.5, name
                line_height = float(
                    label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
                )
                centre = box["y"] + box["height"] / 2
                assert words["y"] - 1 <= centre <= words["y"] + line_height + 1, name
                weight = int(label.evaluate("e => getComputedStyle(e).fontWeight"))
                assert weight == 400, f"{name} label weighs {weight}"
                # Clicking the words toggles the box: it is the checkbox's label.
                before = label.locator("input").is_checked()
                label.locator("span").first.click()
                assert label.locator("input").is_checked() is not before
        form.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "publish-form.png"))
        _fits(page, "/drafts/")
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_refusal_labels_what_is_allowed(
    site: str, browser: Any, viewport: tuple[int, int], tmp_path: Path
) -> None:
    page = _new_page(browser, viewport)
    try:
        _log_in(page, site)
        page.goto(f"{site}/create/")
        _fits(page, "/create/")
        page.fill("#id_prompt", "Mickey Mouse dancing on a rooftop")
        page.locator("#create-form button[type=submit]").click()
        refusal = page.locator("#create-form .errorlist[role=alert]").first
        refusal.wait_for()
        page.screenshot(path=str(tmp_path / "create-refused.png"), full_page=True)
        text = refusal.inner_text()
        assert text.startswith("Refused under our policy on copyrighted characters"), text
        assert "What is allowed: Original characters" in text, text
        color = refusal.evaluate("e => getComputedStyle(e).color")
        background = page.locator("section.create").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert contrast(color, background) >= 4.5, f"{color} on {background}"
        _fits(page, "/create/ refused")
    finally:
        page.context.close()
