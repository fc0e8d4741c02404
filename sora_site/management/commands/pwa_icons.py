"""`manage.py pwa_icons`: draw the web app's icons and favicons again into static/pwa/.

The files are committed; run this after changing the drawing in sora_site/pwa.py (a test fails
until the committed files match it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sora_site import pwa


class Command(BaseCommand):
    help = "Draw the web app icons and favicons into static/pwa/."

    def handle(self, *args: Any, **options: Any) -> None:
        folder = settings.BASE_DIR / "static" / pwa.ICON_DIR
        for path in pwa.icons_write(folder):
            self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")
