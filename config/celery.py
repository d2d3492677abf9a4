"""Celery application. Without REDIS_URL, tasks run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every worker writes a heartbeat for /healthz (ops/worker.py).
from ops.worker import Heartbeat  # noqa: E402

app.steps["worker"].add(Heartbeat)
