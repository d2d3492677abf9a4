"""A fixed-window counter in the cache (Redis in production) for the pages
reachable without an account (reply links) and the login.

When the cache cannot be reached (Redis down) the limits are not applied and
a warning is logged: the reply and the login still work, which matters more
during an outage than the limit (the login keeps django-axes' lockout, which
lives in the database)."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for ``key``; False once more than ``limit`` in the current window of ``window`` seconds."""
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    try:
        if cache.add(bucket, 1, timeout=window + 1):
            return True
        try:
            return cache.incr(bucket) <= limit
        except ValueError:  # expired between add and incr
            cache.set(bucket, 1, timeout=window + 1)
            return True
    except Exception:  # noqa: BLE001 - any cache outage: fail open, see the module's docstring
        logger.warning("Rate limit not applied (cache unavailable): %s", key, exc_info=True)
        return True


def over(key: str, *, limit: int, window: int) -> bool:
    """Whether ``key`` is already over ``limit`` in this window (without counting)."""
    try:
        value = cache.get(f"ratelimit:{key}:{int(time.time() // window)}")
    except Exception:  # noqa: BLE001 - any cache outage: fail open
        logger.warning("Rate limit not checked (cache unavailable): %s", key, exc_info=True)
        return False
    return value is not None and int(value) > limit


def client_ip(request) -> str:
    """The client's address as the lockout and the security log see it (behind a
    trusted proxy, from X-Forwarded-For: ``USE_X_FORWARDED_FOR``)."""
    from audit.context import client_ip as audit_client_ip

    return audit_client_ip(request) or "unknown"
