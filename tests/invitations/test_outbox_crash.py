"""A worker killed after claiming a mail: the sweeper hands it to another worker, and it is sent once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from invitations import outbox
from invitations.models import MailState, OutgoingMail
from tests.conftest import require_service

from .conftest import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_task_killed_after_claiming_is_swept_and_sent_once(smtp, broker, settings):
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://… (a second process shares the data)"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, "PYTHONPATH": str(root)}
    dying = subprocess.Popen(  # noqa: S603
        [sys.executable, str(Path(__file__).with_name("crash_worker.py"))],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        mail = outbox.queue_mail("ubnd-huyen@example.org", "Giấy mời", "Kính gửi")
        code = dying.wait(timeout=60)
    finally:
        if dying.poll() is None:
            dying.kill()
    output = dying.stdout.read().decode(errors="replace")
    assert code == -9, output  # killed by SIGKILL inside the task
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.SENDING, 1), "claimed, then the worker died"
    assert smtp.received == []
    assert broker.hlen("unacked") == 1, "acks_late: the message was never acknowledged"

    # Not stuck yet: the sweeper leaves it alone.
    assert outbox.sweep()["released"] == 0
    # Later than OUTBOX_STUCK_AFTER: released and handed to a (new, live) worker.
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from invitations.tasks import send_mail_task

    later = timezone.now() + timedelta(seconds=float(getattr(settings, "OUTBOX_STUCK_AFTER", 600)) + 1)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=["celery"]):
        assert outbox.sweep(now=later) == {"released": 1, "requeued": 1}
        smtp.wait_for(1)
        wait_until(lambda: OutgoingMail.objects.get(pk=mail.pk).state == MailState.SENT, message="the mail is sent")
        # The dead worker's message coming back (Redis redelivers it after the visibility timeout) sends nothing.
        send_mail_task.delay(mail.pk)
        wait_until(lambda: broker.llen("celery") == 0, message="the redelivered task runs")
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.SENT, 2)
    assert len(smtp.received) == 1 and smtp.received[0].recipients == ["ubnd-huyen@example.org"]
