"""Celery signals: the ids in the task's log records, and failed tasks recorded.

- ``before_task_publish``: the request id of the web request (or task) that
  queues a task travels in the message headers;
- ``task_prerun``/``task_postrun``: while a task runs, its log records carry
  ``task_id``, ``task_name`` and that request id;
- ``task_failure`` (sent once the task gives up, not on a retry): a
  :class:`~ops.models.TaskFailure` row for the administrators' page.
"""

from __future__ import annotations

import logging
import reprlib

from celery import signals

from .logs import request_id_var, task_id_var, task_name_var

logger = logging.getLogger(__name__)
HEADER = "request_id"
ARGS_LIMIT = 2000
_tokens: dict[str, tuple] = {}

_repr = reprlib.Repr(maxstring=200, maxother=200, maxlist=20, maxdict=20, maxlevel=3)


def add_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


def enter_task(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, HEADER, None) or request_id_var.get()
    _tokens[task_id] = (
        task_id_var.set(task_id or ""),
        task_name_var.set(task.name),
        request_id_var.set(request_id or ""),
    )


def leave_task(task_id=None, **kwargs):
    tokens = _tokens.pop(task_id, None)
    if tokens:
        for var, token in zip((task_id_var, task_name_var, request_id_var), tokens, strict=True):
            try:
                var.reset(token)
            except ValueError:  # set in another context (thread): just clear it
                var.set("")


def summarise_args(args, kwargs) -> str:
    parts = [_repr.repr(value) for value in args or ()]
    parts += [f"{key}={_repr.repr(value)}" for key, value in (kwargs or {}).items()]
    text = ", ".join(parts)
    return text if len(text) <= ARGS_LIMIT else text[: ARGS_LIMIT - 1] + "…"


def record_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra):
    from .models import TaskFailure

    request = getattr(sender, "request", None)
    try:
        TaskFailure.objects.create(
            task_name=getattr(sender, "name", "") or "?",
            task_id=task_id or "",
            args_summary=summarise_args(args, kwargs),
            exception=f"{type(exception).__name__}: {exception}"[:5000],
            traceback=str(getattr(einfo, "traceback", "") or "")[:50000],
            request_id=(getattr(request, HEADER, None) or request_id_var.get() or "")[:128],
            worker=(getattr(request, "hostname", None) or "")[:200],
        )
    except Exception:  # the database may be the reason the task failed; the log keeps it
        logger.exception("could not record the failure of task %s (%s)", getattr(sender, "name", "?"), task_id)


def connect() -> None:
    signals.before_task_publish.connect(add_request_id, dispatch_uid="ops.request_id")
    signals.task_prerun.connect(enter_task, dispatch_uid="ops.enter_task")
    signals.task_postrun.connect(leave_task, dispatch_uid="ops.leave_task")
    signals.task_failure.connect(record_failure, dispatch_uid="ops.record_failure")
