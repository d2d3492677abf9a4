"""A real Celery worker (a separate process on Redis) beats for /healthz and
records a failed task with the request id of the code that queued it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from ops.health import HEARTBEAT_KEY
from ops.logs import request_id_var
from ops.models import TaskFailure
from tests.conftest import redis_client, require_service
from tests.invitations.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_heartbeat_and_failure_record(client, tmp_path):
    broker = redis_client()
    require_service("Redis", broker is not None, "set REDIS_URL=redis://127.0.0.1:6379/<db>")
    require_service("PostgreSQL", connection.vendor == "postgresql", "the worker process shares the test database")
    from config.celery import app

    broker.delete(HEARTBEAT_KEY, "celery")
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "test-worker",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "VAR_DIR": str(tmp_path),
        "CONN_MAX_AGE": "0",
        "LOG_FORMAT": "json",
    }
    log = open(tmp_path / "worker.log", "w+")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery", "-c", "1", "-n", "healthtest@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL)
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            wait_until(lambda: broker.hexists(HEARTBEAT_KEY, f"healthtest@{os.uname().nodename}"), 60, "the first heartbeat")
            response = client.get("/healthz")
            body = response.json()
            assert response.status_code == 200, body
            assert body["checks"]["worker"]["ok"] and body["checks"]["worker"]["data"]["workers_alive"] == 1

            # A task sent with wrong arguments fails in the worker.
            token = request_id_var.set("from-the-web-request-1")
            try:
                result = app.send_task("invitations.tasks.sweep_outbox_task", args=["unexpected", 1, 2, 3])
            finally:
                request_id_var.reset(token)
            failure = wait_until(lambda: TaskFailure.objects.filter(task_id=result.id).first(), 60, "the TaskFailure row")
            assert failure.task_name == "invitations.tasks.sweep_outbox_task"
            assert failure.exception.startswith("TypeError")
            assert failure.request_id == "from-the-web-request-1"
            assert failure.worker.startswith("healthtest@")
            assert failure.args_summary == "'unexpected', 1, 2, 3"

            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
            assert not broker.hexists(HEARTBEAT_KEY, f"healthtest@{os.uname().nodename}"), "a clean stop removes its entry"
            response = client.get("/healthz")
            assert response.status_code == 503 and response.json()["checks"]["worker"]["detail"] == "no heartbeat"
    finally:
        app.conf.update(previous)
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        broker.delete(HEARTBEAT_KEY)
    log.seek(0)
    lines = [json.loads(line) for line in log if line.startswith("{")]
    failed = [line for line in lines if line.get("task_id") == result.id and line["level"] == "ERROR"]
    assert failed, "the worker's error line is JSON with the task id"
    assert failed[0]["request_id"] == "from-the-web-request-1"
