"""Handing work to Celery without making a request depend on the broker.

Every place that sends a task goes through :func:`dispatch` (on commit of
the current transaction) or :func:`send_now`. The work itself is always
recorded in a database row first (an outbox mail, a rendering, a Giấy mời
issuance job, a booklet), so a message that cannot be sent is not lost: the
row stays ``queued`` and a sweeper (Celery beat) sends it again once the
broker is back. A broker that is down costs the request at most the short
connect timeout of the settings (``CELERY_BROKER_CONNECTION_TIMEOUT``,
``CELERY_BROKER_TRANSPORT_OPTIONS``, ``CELERY_TASK_PUBLISH_RETRY_POLICY``),
never a 500.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def send_now(task, *args, countdown: float | None = None, **kwargs) -> bool:
    """Send ``task(*args, **kwargs)``; ``False`` (logged) when the broker cannot be reached."""
    # ignore_result: the outcome is in the row. Without it, sending subscribes to
    # the Redis result store, whose consumer gives up for good (RuntimeError,
    # "the Celery application must be restarted") after Redis was down once.
    options = {"countdown": countdown} if countdown is not None else {}
    try:
        task.apply_async(args=args, kwargs=kwargs, ignore_result=True, **options)
    except BROKER_ERRORS as error:
        logger.warning("Broker unavailable, %s%r waits in its row for the sweeper: %s", task.name, args, error)
        return False
    return True


def dispatch(task, *args, **kwargs) -> None:
    """Send the task when the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(send_now, task, *args, **kwargs))
