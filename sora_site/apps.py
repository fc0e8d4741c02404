from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings


class SiteConfig(AppConfig):
    name = "sora_site"
    verbose_name = "Framecast site"

    def ready(self) -> None:
        # The broker must exist before any actor module is imported (actors bind to it).
        from sora_site.broker import configure_broker

        configure_broker(settings.BROKER_URL)

        # Before any URLconf is imported: every urls.py names these converters.
        from sora_site.core.converters import register_converters

        register_converters()
