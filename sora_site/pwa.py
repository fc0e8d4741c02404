"""The installable web app (issue 19): its manifest, its service worker's shell and its icons.

The service worker keeps one small cache, the app shell: the site's stylesheet and scripts, the
icons and the offline page, which it shows when a page cannot be fetched. It stores nothing else:
no media, no API or feed responses, no signed-in page. The cache's name carries a hash of what it
holds, so a change to any of it installs a new worker, which deletes the old caches.

The icons are drawn here with Pillow and committed under static/pwa/ (`manage.py pwa_icons`
writes them again); tests check the committed files are what this module draws.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from PIL import Image, ImageDraw

# The colours of static/css/site.css (dark theme, the default): --bg, --surface, --accent.
BACKGROUND = "#0d0e12"
SURFACE = "#171920"
ACCENT = "#ff4f6d"

ICON_DIR = "pwa"  # under static/
SHELL_STATIC = (
    "css/site.css",
    "js/theme.js",
    "js/pwa.js",
    "pwa/favicon.svg",
    "pwa/icon-192.png",
    "pwa/icon-512.png",
)
SHELL_TEMPLATES = ("base.html", "pwa/offline.html")
CACHE_PREFIX = "shell-"


@dataclass(frozen=True)
class Icon:
    name: str  # file name under static/pwa/
    size: int
    full_bleed: bool  # maskable and Apple touch icons: no transparent corners


MANIFEST_ICONS = (
    Icon("icon-192.png", 192, full_bleed=False),
    Icon("icon-512.png", 512, full_bleed=False),
    Icon("icon-maskable-512.png", 512, full_bleed=True),
)
APPLE_TOUCH_ICON = Icon("apple-touch-icon.png", 180, full_bleed=True)  # iOS rounds it itself
FAVICON_ICO_SIZES = (16, 32, 48)

# Geometry on a unit square: a rounded tile and a rounded play triangle whose centroid is the
# centre. The triangle stays inside the maskable safe zone (a circle of radius 0.4).
TILE_RADIUS = 0.22
TRIANGLE_WIDTH = 0.40
TRIANGLE_HEIGHT = 0.46
TRIANGLE_ROUNDING = 0.045
SUPERSAMPLE = 4


def short_name() -> str:
    """SITE_NAME when it fits under a home-screen icon (12 characters), else its first word."""
    name = str(settings.SITE_NAME).strip()
    return name if len(name) <= 12 else name.split()[0][:12]


def manifest() -> dict[str, Any]:
    icons = [
        {
            "src": static(f"{ICON_DIR}/{icon.name}"),
            "sizes": f"{icon.size}x{icon.size}",
            "type": "image/png",
            "purpose": "maskable" if icon.full_bleed else "any",
        }
        for icon in MANIFEST_ICONS
    ]
    return {
        "id": "/",
        "name": settings.SITE_NAME,
        "short_name": short_name(),
        "description": "Make short vertical videos with sound from a sentence, and share them.",
        "lang": "en",
        "dir": "ltr",
        "start_url": reverse("feed:feed"),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": SURFACE,
        "categories": ["entertainment", "social"],
        "icons": icons,
    }


def shell_urls() -> list[str]:
    return [static(path) for path in SHELL_STATIC] + [reverse("offline")]


def _shell_bytes() -> list[bytes]:
    """What the shell is made of: its static files and the offline page's templates."""
    parts = []
    for path in SHELL_STATIC:
        found = finders.find(path)
        parts.append(Path(str(found)).read_bytes() if found else b"")
    for name in SHELL_TEMPLATES:
        parts.append(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    return parts


def shell_version(urls: list[str], parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in [*(url.encode() for url in urls), *parts]:
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return digest.hexdigest()[:16]


def service_worker_context() -> dict[str, str]:
    urls = shell_urls()
    return {
        "cache_name": CACHE_PREFIX + shell_version(urls, _shell_bytes()),
        "cache_prefix": CACHE_PREFIX,
        "shell_json": json.dumps(urls),
        "offline_url": json.dumps(reverse("offline")),
    }


# --- Icons -----------------------------------------------------------------------------------


def _triangle() -> list[tuple[float, float]]:
    """The play triangle on the unit square, centroid at the centre, pointing right."""
    left = 0.5 - TRIANGLE_WIDTH / 3
    return [
        (left, 0.5 - TRIANGLE_HEIGHT / 2),
        (left + TRIANGLE_WIDTH, 0.5),
        (left, 0.5 + TRIANGLE_HEIGHT / 2),
    ]


def triangle_core() -> list[tuple[float, float]]:
    """The triangle shrunk by TRIANGLE_ROUNDING towards its incentre: widened again by a disc of
    that radius (a round-joined stroke), it is the rounded triangle with the outline above."""
    points = _triangle()
    sides = [math.dist(points[(i + 1) % 3], points[(i + 2) % 3]) for i in range(3)]
    perimeter = sum(sides)
    cx = sum(side * point[0] for side, point in zip(sides, points, strict=True)) / perimeter
    cy = sum(side * point[1] for side, point in zip(sides, points, strict=True)) / perimeter
    (ax, ay), (bx, by), (qx, qy) = points
    area = abs((bx - ax) * (qy - ay) - (qx - ax) * (by - ay)) / 2
    inradius = 2 * area / perimeter
    scale = (inradius - TRIANGLE_ROUNDING) / inradius
    return [(cx + (x - cx) * scale, cy + (y - cy) * scale) for x, y in points]


def draw_icon(size: int, *, full_bleed: bool) -> Image.Image:
    """The icon at `size` pixels: drawn at SUPERSAMPLE times the size, then box-averaged."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, big - 1, big - 1), fill=BACKGROUND)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=TILE_RADIUS * big, fill=BACKGROUND)
    core = [(x * big, y * big) for x, y in triangle_core()]
    radius = TRIANGLE_ROUNDING * big
    draw.polygon(core, fill=ACCENT)
    for index, (x, y) in enumerate(core):
        draw.line([(x, y), core[(index + 1) % 3]], fill=ACCENT, width=round(2 * radius))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=ACCENT)
    return image.reduce(SUPERSAMPLE)


def favicon_svg() -> str:
    """The same drawing as SVG, on a 64-unit square."""
    points = " ".join(f"{x * 64:.2f},{y * 64:.2f}" for x, y in triangle_core())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="{TILE_RADIUS * 64:.2f}" fill="{BACKGROUND}"/>'
        f'<polygon points="{points}" fill="{ACCENT}" stroke="{ACCENT}" '
        f'stroke-width="{TRIANGLE_ROUNDING * 128:.2f}" stroke-linejoin="round"/>'
        "</svg>\n"
    )


def icons_write(folder: Path) -> list[Path]:
    """Write every icon into `folder` (static/pwa/); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for icon in (*MANIFEST_ICONS, APPLE_TOUCH_ICON):
        path = folder / icon.name
        image = draw_icon(icon.size, full_bleed=icon.full_bleed)
        (image.convert("RGB") if icon.full_bleed else image).save(path, optimize=True)
        written.append(path)
    ico = folder / "favicon.ico"  # each size drawn at its own size, not scaled down
    *others, largest = [draw_icon(size, full_bleed=False) for size in FAVICON_ICO_SIZES]
    largest.save(ico, sizes=[(size, size) for size in FAVICON_ICO_SIZES], append_images=others)
    svg = folder / "favicon.svg"
    svg.write_text(favicon_svg())
    return [*written, ico, svg]
