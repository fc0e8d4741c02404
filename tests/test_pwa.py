"""The installable web app (issue 19): manifest, icons, service worker, offline page, head links.

The browser side (the worker registers, activates and answers offline) is tests/e2e/test_pwa.py.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve
from PIL import Image, ImageChops, ImageDraw

from sora_site import pwa

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
SITE_CSS = (ROOT / "static" / "css" / "site.css").read_text()


def _css_variables(selector: str) -> dict[str, str]:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", SITE_CSS)
    assert match, selector
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,8})", match.group(1)))


DARK = _css_variables(":root")
LIGHT = _css_variables(':root[data-theme="light"]')


def _body(response: object) -> bytes:
    streaming = getattr(response, "streaming_content", None)
    return b"".join(streaming) if streaming is not None else response.content  # type: ignore[attr-defined]


def _image(client: Client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200, url
    image = Image.open(io.BytesIO(_body(response)))
    image.load()
    return image


def _manifest(client: Client) -> dict[str, object]:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    return json.loads(response.content)  # type: ignore[no-any-return]


def test_manifest_has_what_an_install_needs(client: Client) -> None:
    manifest = _manifest(client)
    assert manifest["name"] == settings.SITE_NAME
    short_name = manifest["short_name"]
    assert isinstance(short_name, str) and 0 < len(short_name) <= 12
    assert manifest["start_url"] == "/feed/"
    assert resolve("/feed/").view_name == "feed:feed"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    # The colours are the site's own (site.css, dark theme: the page and the top bar).
    assert manifest["background_color"] == DARK["bg"]
    assert manifest["theme_color"] == DARK["surface"]


@pytest.mark.parametrize("size,purpose", [(192, "any"), (512, "any"), (512, "maskable")], ids=str)
def test_manifest_icons_decode_to_their_declared_size(
    client: Client, size: int, purpose: str
) -> None:
    icons = _manifest(client)["icons"]
    assert isinstance(icons, list)
    matching = [i for i in icons if i["sizes"] == f"{size}x{size}" and i["purpose"] == purpose]
    assert len(matching) == 1, icons
    icon = matching[0]
    assert icon["type"] == "image/png"
    image = _image(client, icon["src"])
    assert image.format == "PNG"
    assert image.size == (size, size)
    rgba = image.convert("RGBA")
    accent = Image.new("RGB", (1, 1), DARK["accent"]).getpixel((0, 0))
    centre = rgba.getpixel((size // 2, size // 2))
    assert isinstance(centre, tuple) and centre[:3] == accent and centre[3] == 255
    corner = rgba.getpixel((0, 0))
    assert isinstance(corner, tuple)
    if purpose == "maskable":
        # Full bleed, and the mark stays inside the safe zone (a centred circle of radius 40%).
        assert corner[3] == 255
        mask = Image.new("L", (size, size), 0)
        inset = size * 0.1
        ImageDraw.Draw(mask).ellipse((inset, inset, size - inset, size - inset), fill=255)
        background = Image.new("RGBA", (size, size), DARK["bg"])
        outside = ImageChops.difference(rgba, background).convert("L")
        outside = ImageChops.subtract(outside, mask)
        assert outside.getbbox() is None, "the mark reaches outside the maskable safe zone"
    else:
        assert corner[3] == 0  # the tile's rounded corner is transparent


@pytest.mark.parametrize("icon", [*pwa.MANIFEST_ICONS, pwa.APPLE_TOUCH_ICON], ids=lambda i: i.name)
def test_committed_icons_are_what_the_drawing_makes(icon: pwa.Icon) -> None:
    committed = Image.open(ROOT / "static" / "pwa" / icon.name).convert("RGBA")
    drawn = pwa.draw_icon(icon.size, full_bleed=icon.full_bleed)
    difference = ImageChops.difference(committed, drawn)
    assert max(high for _, high in difference.getextrema()) <= 2, (
        f"static/pwa/{icon.name} is stale: run `manage.py pwa_icons`"
    )


def test_favicons(client: Client) -> None:
    assert (ROOT / "static" / "pwa" / "favicon.svg").read_text() == pwa.favicon_svg()
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    ico = _image(client, response["Location"])
    assert ico.format == "ICO"
    assert ico.ico.sizes() == {(16, 16), (32, 32), (48, 48)}  # type: ignore[attr-defined]
    response = client.get(f"{settings.STATIC_URL}pwa/favicon.svg")
    assert response.status_code == 200
    assert _body(response).startswith(b"<svg ")
    apple = _image(client, f"{settings.STATIC_URL}pwa/apple-touch-icon.png")
    assert apple.size == (180, 180) and apple.mode == "RGB"  # iOS wants no transparency


def _service_worker(client: Client) -> str:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "text/javascript"
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "max-age=0" in cache_control
    return response.content.decode()


def _shell(source: str) -> list[str]:
    match = re.search(r"^const SHELL = (\[.*\]);$", source, re.MULTILINE)
    assert match, "the worker's shell list"
    shell = json.loads(match.group(1))
    assert isinstance(shell, list)
    return shell


def test_service_worker_precaches_the_shell_and_nothing_else(client: Client) -> None:
    source = _service_worker(client)
    shell = _shell(source)
    static = settings.STATIC_URL
    for path in ("css/site.css", "js/theme.js", "js/pwa.js", "pwa/icon-192.png"):
        assert f"{static}{path}" in shell
    assert "/offline/" in shell
    for url in shell:
        assert url.startswith(static) or url == "/offline/", url
        # Every entry is there for a signed-out visitor, or install (cache.addAll) fails.
        assert client.get(url).status_code == 200, url
    # Never media, the API or the feed's JSON actions, and nothing stored at run time.
    for forbidden in (settings.MEDIA_URL, "/api/", "/v1/", "/feed/", "/ws/"):
        assert forbidden not in source, forbidden
    assert ".put(" not in source
    assert 'credentials: "omit"' in source  # the offline page is stored signed out


def test_service_worker_cache_is_versioned_by_the_shell(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cache_name(source: str) -> str:
        match = re.search(r'^const CACHE = "(shell-[0-9a-f]{16})";$', source, re.MULTILINE)
        assert match, "a versioned cache name"
        return match.group(1)

    first = cache_name(_service_worker(client))
    assert cache_name(_service_worker(client)) == first  # deterministic
    assert 'const CACHE_PREFIX = "shell-";' in _service_worker(client)
    original = pwa._shell_bytes
    monkeypatch.setattr(pwa, "_shell_bytes", lambda: [*original()[:-1], b"edited"])
    assert cache_name(_service_worker(client)) != first


def test_offline_page(client: Client) -> None:
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You're offline" in html
    assert 'class="topbar"' in html  # it extends base.html: the site's own header and styles
    assert f'href="{settings.STATIC_URL}css/site.css"' in html
    assert "<script>" not in html  # CSP: nothing inline


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_head = False
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self.in_head = True
        elif self.in_head:
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def test_pages_link_the_manifest_icons_and_worker(client: Client) -> None:
    head = _Head()
    head.feed(client.get("/").content.decode())
    links = {(attrs.get("rel"), attrs.get("href")) for tag, attrs in head.tags if tag == "link"}
    static = settings.STATIC_URL
    assert ("manifest", "/manifest.webmanifest") in links
    assert ("icon", f"{static}pwa/favicon.svg") in links
    assert ("icon", f"{static}pwa/favicon.ico") in links
    assert ("apple-touch-icon", f"{static}pwa/apple-touch-icon.png") in links
    colours = {
        attrs.get("media"): attrs.get("content")
        for tag, attrs in head.tags
        if tag == "meta" and attrs.get("name") == "theme-color"
    }
    assert colours == {
        "(prefers-color-scheme: dark)": DARK["surface"],
        "(prefers-color-scheme: light)": LIGHT["surface"],
    }
    scripts = [attrs for tag, attrs in head.tags if tag == "script"]
    pwa_js = [attrs for attrs in scripts if attrs.get("src") == f"{static}js/pwa.js"]
    assert len(pwa_js) == 1
    assert "defer" in pwa_js[0] and pwa_js[0]["data-service-worker"] == "/sw.js"


def _effective_sources(policy: str, directive: str, fallbacks: tuple[str, ...]) -> list[str]:
    directives = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        directives.setdefault(name, sources)  # the first of a repeated directive counts
    for name in (directive, *fallbacks):
        if name in directives:
            return directives[name]
    return ["*"]


def test_csp_lets_the_page_load_its_manifest_and_worker(client: Client) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "'self'" in _effective_sources(policy, "manifest-src", ("default-src",))
    worker = _effective_sources(policy, "worker-src", ("child-src", "script-src", "default-src"))
    assert "'self'" in worker
