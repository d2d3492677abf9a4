"""Worker heartbeat for ``/healthz``: a bootstep of every Celery worker.

It writes the time under the worker's host name in a Redis hash when the
worker starts and then every 30 seconds from the worker's own timer (the
event loop of the main process, the one that receives tasks: a wedged
consumer stops beating), and removes its entry on a clean shutdown. With
``--pool solo`` the tasks run in that loop too, so one task longer than
``HEALTH_WORKER_MAX_AGE`` also makes the heartbeat stale; the prefork pool
(the default) does not have this limit.

Registered in ``config/celery.py``; imports nothing from Django at import time.
"""

from __future__ import annotations

import logging
import time

from celery import bootsteps
from celery.worker.components import Timer

logger = logging.getLogger(__name__)


def beat(hostname: str) -> None:
    from django.conf import settings

    from .health import HEARTBEAT_KEY, redis_connection

    if not settings.REDIS_URL:
        return
    try:
        redis_connection(settings.REDIS_URL).hset(HEARTBEAT_KEY, hostname, repr(time.time()))
    except Exception as error:  # Redis away: the next beat tries again; /healthz reports it meanwhile
        logger.warning("worker heartbeat not written: %s", error)


def forget(hostname: str | None = None, *, older_than: float | None = None) -> None:
    """Remove one worker's entry, or the entries older than ``older_than`` seconds."""
    from django.conf import settings

    from .health import HEARTBEAT_KEY, redis_connection

    if not settings.REDIS_URL:
        return
    try:
        client = redis_connection(settings.REDIS_URL)
        names = [hostname] if hostname else []
        if older_than is not None:
            now = time.time()
            names += [name for name, stamp in client.hgetall(HEARTBEAT_KEY).items() if now - float(stamp) > older_than]
        if names:
            client.hdel(HEARTBEAT_KEY, *names)
    except Exception as error:
        logger.warning("worker heartbeat not removed: %s", error)


class Heartbeat(bootsteps.StartStopStep):
    requires = (Timer,)

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker):
        from .health import HEARTBEAT_FORGET_AFTER, HEARTBEAT_INTERVAL

        forget(older_than=HEARTBEAT_FORGET_AFTER)
        beat(worker.hostname)
        self.timer_ref = worker.timer.call_repeatedly(HEARTBEAT_INTERVAL, beat, (worker.hostname,), priority=10)

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
        forget(worker.hostname)

    shutdown = stop
