"""Request rates per credential and per person (429 with Retry-After, counted in the cache)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from sora_site.api.models import PersonalAccessToken
from sora_site.core.client_ip import client_ip


class _LiveRateThrottle(SimpleRateThrottle):
    """Reads the rate from the current settings (DRF binds it once, at import)."""

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(self.scope or "")

    def get_ident(self, request: Request) -> str:
        # DRF's own reads the raw X-Forwarded-For when NUM_PROXIES is unset, so a client could
        # pick a fresh budget per request; the site's helper trusts only configured proxies.
        return client_ip(request._request) or "unknown"


class TokenRateThrottle(_LiveRateThrottle):
    """One budget per token, so one runaway script does not starve the person's other apps."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        auth = request.auth
        if isinstance(auth, PersonalAccessToken):
            ident = f"pat:{auth.pk}"
        elif getattr(auth, "scope", None) is not None and getattr(auth, "pk", None) is not None:
            ident = f"oauth:{auth.pk}"
        else:
            return None  # session: counted per person only
        return self.cache_format % {"scope": self.scope, "ident": ident}


class UserRateThrottle(_LiveRateThrottle):
    """One budget per person across every token and the site's own scripts."""

    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
