"""The client address of a request, the one place it is worked out (allauth's login limits,
the API throttles, any per-client rate limit).

Behind a balancer REMOTE_ADDR is the balancer, so every visitor would share one budget; but
X-Forwarded-For is written by the client too, so it is trusted only as far as the operator says:
ALLAUTH_TRUSTED_CLIENT_IP_HEADER (a header the proxy sets, such as X-Real-IP) or
ALLAUTH_TRUSTED_PROXY_COUNT (how many proxies of ours append to X-Forwarded-For). By default
neither is set and a forwarded address is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str) -> str | None:
    """An IP address in canonical form, or None; a port ("1.2.3.4:80", "[::1]:80") is dropped."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _forwarded(request: HttpRequest) -> str | None:
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        return request.headers.get(header)
    proxies = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0)
    xff = request.headers.get("X-Forwarded-For", "")
    if proxies <= 0 or not xff:
        return None
    hops = [hop for hop in (part.strip() for part in xff.split(",")) if hop]
    if not hops:
        return None
    # Each of our proxies appends the address it was reached from, so the client is the
    # proxies-th entry from the right; anything left of it may be the client's own invention.
    # Fewer entries than proxies: the request skipped some of ours, and the first entry is the
    # one the first proxy it met wrote (a client that adds entries only makes the list longer).
    return hops[-proxies] if len(hops) >= proxies else hops[0]


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent this request, as far as the configured proxies vouch."""
    forwarded = _forwarded(request)
    if forwarded:
        cleaned = _clean(forwarded)
        if cleaned:
            return cleaned
    remote = request.META.get("REMOTE_ADDR", "")
    return _clean(remote) if remote else None
