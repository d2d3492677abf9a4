"""Request and task ids in every log record, and the JSON log format.

The request id middleware (``ops.middleware.RequestIdMiddleware``) and the
Celery signals (``ops.signals``) set the context variables below;
:class:`ContextFilter` copies them onto each record, so any logger of the
project (``logging.getLogger(__name__)``) carries them without passing
anything around. :class:`JsonFormatter` writes one JSON object per line
(``LOG_FORMAT=json``, the production default).
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
task_id_var: ContextVar[str] = ContextVar("task_id", default="")
task_name_var: ContextVar[str] = ContextVar("task_name", default="")

# What we accept from the proxy (nginx's $request_id, a UUID, a cloud trace id): short, no spaces or quotes.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


def clean_request_id(value: str | None) -> str:
    """The proxy's id when it looks like one, else a new uuid4 hex."""
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``task_id`` and ``task_name`` (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.task_id = task_id_var.get()
        record.task_name = task_name_var.get()
        return True


# Attributes every LogRecord has; anything else was passed with ``extra=`` and is written too.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task_name",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ids, exception, extras."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "task_id", "task_name"):
            value = getattr(record, key, "")
            if value:
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal; the ids in brackets when there are any."""

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(filter(None, [getattr(record, "request_id", ""), getattr(record, "task_id", "")]))
        record.ids = f" [{ids}]" if ids else ""
        return super().format(record)


def logging_config(*, log_format: str, level: str) -> dict:
    """The ``LOGGING`` setting: one console handler with the ids filter."""
    formatter = (
        {"()": "ops.logs.JsonFormatter"}
        if log_format == "json"
        else {"()": "ops.logs.TextFormatter", "format": "%(asctime)s %(levelname)s %(name)s%(ids)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "ops.logs.ContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": "default"}},
        "root": {"handlers": ["console"], "level": level},
    }


def install_record_factory() -> None:
    """Every record gets the ids at creation, whatever handler receives it (pytest's caplog, Celery's, Sentry)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_context", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = request_id_var.get()
        record.task_id = task_id_var.get()
        record.task_name = task_name_var.get()
        return record

    factory.adds_context = True
    logging.setLogRecordFactory(factory)
