"""A fixed-window counter in the cache (Redis in production) for the pages
reachable without an account (reply links)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for ``key``; False once more than ``limit`` in the current window of ``window`` seconds."""
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 1):
        return True
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window + 1)
        return True


def over(key: str, *, limit: int, window: int) -> bool:
    """Whether ``key`` is already over ``limit`` in this window (without counting)."""
    value = cache.get(f"ratelimit:{key}:{int(time.time() // window)}")
    return value is not None and int(value) > limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"
