"""/healthz: healthy, and each check failing under real conditions."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from ops.health import HEARTBEAT_KEY
from tests.conftest import redis_client, require_service

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_health(client, path="/healthz", **extra):
    response = client.get(path, **extra)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


@pytest.fixture
def real_redis():
    broker = redis_client()
    require_service("Redis", broker is not None, "set REDIS_URL=redis://127.0.0.1:6379/<db>")
    broker.delete(HEARTBEAT_KEY)
    yield broker
    broker.delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_healthy_with_every_check(client, real_redis):
    real_redis.hset(HEARTBEAT_KEY, "worker@test", repr(time.time() - 5))
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        status, body = get_health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker", "disk"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["redis"]["detail"] == "ping"
    assert body["checks"]["worker"]["data"]["workers_alive"] == 1
    assert 4 <= body["checks"]["worker"]["data"]["last_age_seconds"] < 60
    assert set(body["checks"]["disk"]["data"]["free_mb"]) == {"MEDIA_ROOT", "PRIVATE_FILES_ROOT"}


@pytest.mark.django_db
def test_local_default_without_redis_is_healthy(client):
    with override_settings(REDIS_URL="", CELERY_TASK_ALWAYS_EAGER=True):
        status, body = get_health(client)
    assert status == 200, body
    assert body["checks"]["redis"] == {"ok": True, "detail": "not configured"}
    assert body["checks"]["worker"] == {"ok": True, "detail": "in-process"}


@pytest.mark.django_db
def test_redis_on_a_closed_port_fails(client):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", CELERY_TASK_ALWAYS_EAGER=False):
        status, body = get_health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["detail"] == "ConnectionError"
    assert body["checks"]["worker"]["ok"] is False  # the heartbeats live in Redis too
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_stale_or_missing_worker_heartbeat_fails(client, real_redis):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, HEALTH_WORKER_MAX_AGE=120):
        status, body = get_health(client)
        assert status == 503
        assert body["checks"]["worker"] == {"ok": False, "detail": "no heartbeat"}

        real_redis.hset(HEARTBEAT_KEY, "old@test", repr(time.time() - 300))
        status, body = get_health(client)
        assert status == 503
        assert body["checks"]["worker"]["ok"] is False
        assert body["checks"]["worker"]["detail"].startswith("last heartbeat 300 s ago (more than 120 s)")

        real_redis.hset(HEARTBEAT_KEY, "young@test", repr(time.time()))
        status, body = get_health(client)
        assert status == 200, body
        assert body["checks"]["worker"]["data"]["workers_alive"] == 1


@pytest.mark.django_db
def test_disk_threshold_above_free_space_fails(client, tmp_path):
    with override_settings(HEALTH_MIN_FREE_MB=10**12, MEDIA_ROOT=tmp_path / "media", PRIVATE_FILES_ROOT=tmp_path / "private"):
        status, body = get_health(client)
    assert status == 503
    disk = body["checks"]["disk"]
    assert disk["ok"] is False
    assert "below" in disk["detail"] and "MEDIA_ROOT" in disk["detail"] and "PRIVATE_FILES_ROOT" in disk["detail"]


def test_database_unreachable_fails_in_a_process_configured_for_it(tmp_path):
    """A separate process whose DATABASE_URL points at a port nothing listens on."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': json.loads(r.content)}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/nothing",
        "REDIS_URL": "",
        "VAR_DIR": str(tmp_path),
        "CONN_MAX_AGE": "0",
    }
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["checks"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert answer["body"]["checks"]["disk"]["ok"] is True
    assert "health check failed: OperationalError" in result.stderr  # the details go to the log, not the page


@pytest.mark.django_db
def test_probe_by_ip_over_plain_http_in_production_settings(client):
    """No host validation and no HTTPS redirect for the probe; other pages keep both."""
    with override_settings(ALLOWED_HOSTS=["hoinghi.example.org"], SECURE_SSL_REDIRECT=True, REDIS_URL=""):
        status, body = get_health(client, HTTP_HOST="10.0.0.7:8000")
        assert status == 200, body
        assert client.get("/healthz/live", HTTP_HOST="10.0.0.7:8000").json() == {"status": "ok"}
        assert client.get("/dang-nhap/", HTTP_HOST="10.0.0.7:8000").status_code == 400
        redirected = client.get("/dang-nhap/", HTTP_HOST="hoinghi.example.org")
        assert redirected.status_code == 301 and redirected["Location"].startswith("https://")
    response = client.get("/healthz")
    assert "Set-Cookie" not in response.headers and "no-cache" in response["Cache-Control"]


def test_live_needs_nothing(client):
    response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
