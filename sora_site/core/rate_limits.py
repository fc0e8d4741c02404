"""Fixed-window rate limits counted in the cache (Redis in production, so every process shares
one count): the one mechanism behind the site's own per-person and per-client budgets (comments,
reports, Verify). The API's request rates are DRF throttles (sora_site/api/throttling.py).
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache

from sora_site.core.errors import LimitExceeded


def rate_limit_take(*, key: str, limit: int, window_seconds: int, message: str, code: str) -> None:
    """Count one use of `key`; past `limit` in the current window raise LimitExceeded carrying
    the seconds until the window turns (Retry-After). A limit of 0 or less turns it off."""
    if limit <= 0:
        return
    window = max(1, int(window_seconds))
    now = time.time()
    slot = int(now // window)
    bucket = f"rate:{key}:{slot}"
    cache.add(bucket, 0, timeout=window * 2)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window * 2)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((slot + 1) * window - now))
        raise LimitExceeded(message, code=code, retry_after=retry_after)
