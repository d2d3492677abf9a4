"""The checks behind ``/healthz``: database, Redis, worker heartbeat, disk space.

Each check returns a :class:`Check`; the page is healthy when every check is.
They are cheap (one ``SELECT 1``, one ``PING``, one ``HGETALL``, two
``statvfs``) and bounded by short timeouts, so a load balancer may probe
every few seconds.

Worker heartbeat: every Celery worker (the bootstep in ``ops.worker``) writes
``time.time()`` under its host name in the Redis hash :data:`HEARTBEAT_KEY`
every :data:`HEARTBEAT_INTERVAL` seconds; the check is healthy when the
freshest entry is younger than ``HEALTH_WORKER_MAX_AGE`` (default 120 s).
Without a broker (tasks executed in-process) there is no worker to watch.
"""

from __future__ import annotations

import functools
import logging
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

HEARTBEAT_KEY = "ops:worker-heartbeats"
HEARTBEAT_INTERVAL = 30.0
# Entries of workers gone for a day are dropped by the next heartbeat.
HEARTBEAT_FORGET_AFTER = 24 * 3600
REDIS_TIMEOUT = 2.0

logger = logging.getLogger(__name__)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    data: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        result = asdict(self)
        del result["name"]
        if not self.data:
            del result["data"]
        return result


@functools.lru_cache(maxsize=4)
def redis_connection(url: str):
    """One client (and connection pool) per URL and process, with short timeouts."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "not healthy"
        return Check("database", False, _error_text(error))
    return Check("database", True, connection.vendor)


def check_redis() -> Check:
    if not settings.REDIS_URL:
        return Check("redis", True, "not configured")
    try:
        redis_connection(settings.REDIS_URL).ping()
    except Exception as error:
        return Check("redis", False, _error_text(error))
    return Check("redis", True, "ping")


def check_worker(*, now: float | None = None) -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return Check("worker", True, "in-process")
    max_age = float(getattr(settings, "HEALTH_WORKER_MAX_AGE", 120))
    try:
        beats = redis_connection(settings.REDIS_URL).hgetall(HEARTBEAT_KEY)
    except Exception as error:
        return Check("worker", False, _error_text(error))
    now = time.time() if now is None else now
    ages = []
    for stamp in beats.values():
        try:
            ages.append(now - float(stamp))
        except ValueError:
            continue
    if not ages:
        return Check("worker", False, "no heartbeat")
    freshest = min(ages)
    ok = freshest <= max_age
    fresh = sum(1 for age in ages if age <= max_age)
    detail = f"last heartbeat {freshest:.0f} s ago" + ("" if ok else f" (more than {max_age:.0f} s)")
    return Check(
        "worker", ok, detail, {"last_age_seconds": round(freshest, 1), "workers_alive": fresh, "max_age_seconds": max_age}
    )


def check_disk() -> Check:
    minimum = float(getattr(settings, "HEALTH_MIN_FREE_MB", 500))
    free = {}
    for name in ("MEDIA_ROOT", "PRIVATE_FILES_ROOT"):
        path = Path(getattr(settings, name))
        while not path.exists() and path != path.parent:  # not created yet: the volume it will be on
            path = path.parent
        try:
            free[name] = round(shutil.disk_usage(path).free / 1024 / 1024)
        except OSError as error:
            return Check("disk", False, f"{name}: {_error_text(error)}")
    low = [name for name, megabytes in free.items() if megabytes < minimum]
    detail = f"free MB {free}" + (f"; below {minimum:.0f} MB: {', '.join(low)}" if low else "")
    return Check("disk", not low, detail, {"free_mb": free, "min_free_mb": minimum})


CHECKS = (check_database, check_redis, check_worker, check_disk)


def run_checks() -> tuple[bool, dict[str, dict]]:
    results = [check() for check in CHECKS]
    return all(result.ok for result in results), {result.name: result.as_dict() for result in results}


def _error_text(error: Exception) -> str:
    """The page is public: it names the exception class only; the log has the message."""
    logger.warning("health check failed: %s: %s", type(error).__name__, " ".join(str(error).split())[:500])
    return type(error).__name__
