"""Asking for a cameo in a real browser (issue 20): refused on Create for naming a cameo its
owner has not approved them for, a person asks in one click from the refusal; the owner sees the
request on their cameo page and approves it; the same prompt then goes through. At 390x844, the
phone size, with nothing wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.e2e.test_cameo_flow import _login, _orm_beside_playwright  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_refused_ask_in_one_click_owner_approves(live_server, playwright, tmp_path):
    require_chromium()
    from cameos.models import Cameo, CameoGrant
    from tests.cameos.factories import CameoFactory
    from tests.factories import UserFactory

    owner = UserFactory(handle="ana")
    cameo = CameoFactory(owner=owner, permission=Cameo.Permission.APPROVED)
    maker = UserFactory(handle="bo")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=list(CHROMIUM_ARGS))  # fmt: skip
    try:
        phone = {"viewport": {"width": 390, "height": 844}}
        maker_context = browser.new_context(**phone)
        _login(maker_context, live_server, maker)
        page = maker_context.new_page()
        page.goto(f"{live_server.url}/create/")
        page.fill("#id_prompt", "@ana waves hello on a beach")
        page.get_by_role("button", name="Generate").click()
        expect(page.get_by_text("has not approved you")).to_be_visible()
        _no_sideways_scroll(page)
        page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
        page.get_by_role("button", name=f"Request access to {cameo.display_name}").click()
        expect(page.get_by_text("Request sent")).to_be_visible()
        assert CameoGrant.objects.get(cameo=cameo, user=maker).status == "requested"

        owner_context = browser.new_context(**phone)
        _login(owner_context, live_server, owner)
        owner_page = owner_context.new_page()
        owner_page.goto(f"{live_server.url}/cameo/")
        request = owner_page.get_by_text("@bo asks to use this cameo")
        expect(request).to_be_visible()
        _no_sideways_scroll(owner_page)
        owner_page.screenshot(path=str(tmp_path / "owner.png"), full_page=True)
        owner_page.get_by_role("button", name="Approve").click()
        expect(owner_page.get_by_text("@bo asks to use this cameo")).to_have_count(0)
        assert CameoGrant.objects.get(cameo=cameo, user=maker).status == "approved"

        page.goto(f"{live_server.url}/create/")
        page.fill("#id_prompt", "@ana waves hello on a beach")
        page.get_by_role("button", name="Generate").click()
        page.wait_for_url("**/drafts/#draft-*", timeout=30000)
    finally:
        browser.close()
