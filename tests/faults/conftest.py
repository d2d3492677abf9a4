"""Fixtures of the fault tests: private service instances that a test may
kill and restart (never the machine's shared Redis or PostgreSQL), a real
SMTP server, Celery pointed at the private Redis."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_service
from tests.invitations.conftest import free_port, smtp, wait_until  # noqa: F401 (fixtures used by the fault tests)
from tests.workflow.conftest import world  # noqa: F401 (fixture)

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def require_postgresql() -> None:
    from django.db import connection

    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://… (a worker shares the data)")


def wait_for_port(port: int, *, open_: bool = True, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                is_open = True
        except OSError:
            is_open = False
        if is_open == open_:
            return
        time.sleep(0.05)
    pytest.fail(f"port {port} did not {'open' if open_ else 'close'} within {timeout} s")


class PrivateRedis:
    """A redis-server of this test on a free port, without persistence."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        wait_for_port(self.port, open_=False)


@pytest.fixture
def private_redis(tmp_path):
    require_service("redis-server", Path(REDIS_SERVER).exists(), "install redis-server (a private instance is killed)")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def reset_connections(app) -> None:
    """Forget the broker connections made with the previous broker URL (not
    closing them: kombu's registry shares that pool with whoever uses the URL next)."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def celery_on_private_redis(private_redis, monkeypatch):
    """Celery (not eager) with the private Redis as broker and result store."""
    from config.celery import app

    # Worker threads close their database connection after each task, so that
    # the test database can be dropped at the end of the run.
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 0)
    keys = ("task_always_eager", "broker_url", "result_backend")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, broker_url=private_redis.url, result_backend=private_redis.url)
    reset_connections(app)
    yield app
    app.conf.update(previous)
    reset_connections(app)


def start_worker(app):
    """A real Celery worker (solo pool, in a thread) on the default and documents queues."""
    from celery.contrib.testing.worker import start_worker as celery_start_worker

    return celery_start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=["celery", "documents"])
