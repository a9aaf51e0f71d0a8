"""Counting limits in the shared cache (CACHES in flowstudio/settings.py), so that one limit holds
however many web processes run: the password-reset limits (editor/accounts/views.py) and the
simulator's send limit (editor/flows/api/simulator.py). API throttles use DRF's throttles on the same
cache (editor/common/api/throttling.py)."""

from __future__ import annotations

import time

from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"3/hour"`` → (3, 3600); None or empty → None (no limit). Like DRF's rates."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[:1]]


def hit(name: str, ident: str, rate: str | None) -> float | None:
    """Count one event for ``ident`` under the limit ``name``; None when within ``rate``, else the
    seconds until the window ends. A fixed window: the count lives in one cache entry per window."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, period = parsed
    now = time.time()
    window = int(now // period)
    key = f"ratelimit:{name}:{ident}:{window}"
    cache.add(key, 0, timeout=period * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired in between
        cache.set(key, 1, timeout=period * 2)
        count = 1
    if count > limit:
        return period - now % period
    return None
