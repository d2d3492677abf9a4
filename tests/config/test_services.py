"""The real services: PostgreSQL in CI, a Celery worker over Redis, SMTP."""

import email
import email.policy
import socket
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction

from config.env import mailer_from_url
from tests.conftest import IN_CI, require_service


def test_database_is_postgresql_under_ci(db):
    if IN_CI:
        assert connection.vendor == "postgresql", "CI must run the suite on PostgreSQL (DATABASE_URL)"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            assert int(cursor.fetchone()[0]) >= 150000
    else:
        assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_celery_round_trip_through_redis_and_a_real_worker():
    require_service("Redis", _redis_reachable(), "set REDIS_URL=redis://127.0.0.1:6379/0")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from directory.tasks import echo

    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            task_id = str(uuid.uuid4())
            with transaction.atomic():
                echo.apply_async_on_commit(args=["xin chào"], task_id=task_id)
                # Nothing is sent before the commit.
                assert app.AsyncResult(task_id).state == "PENDING"
            result = app.AsyncResult(task_id).get(timeout=30)
    finally:
        app.conf.update(previous)
    assert result == {"echo": "xin chào", "worker": True}


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def test_mail_reaches_a_real_smtp_server(settings):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{port}", base_dir=settings.BASE_DIR)}
        sent = mail.send_mail("Giấy mời dự Hội nghị", "Trân trọng kính mời.", "hoinghi@example.org", ["ubnd-tam-ky@example.org"])
    finally:
        controller.stop()
    assert sent == 1
    assert len(received) == 1
    assert received[0].rcpt_tos == ["ubnd-tam-ky@example.org"]
    message = email.message_from_bytes(received[0].content, policy=email.policy.default)
    assert message["Subject"] == "Giấy mời dự Hội nghị"
    assert message.get_content().strip() == "Trân trọng kính mời."
