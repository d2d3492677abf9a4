"""The mail server down for an hour (simulated time, no sleeping): the outbox
tries again with exponential backoff, and delivers the mail exactly once
when the server is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from invitations import outbox, tasks
from invitations.models import MailState, OutgoingMail
from tests.invitations.conftest import SmtpServer

from .conftest import free_port

pytestmark = pytest.mark.django_db


class Clock:
    """``timezone.now`` moved by hand."""

    def __init__(self, monkeypatch):
        self.start = self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    @property
    def elapsed(self) -> int:
        return int((self.now - self.start).total_seconds())


def test_an_hour_without_smtp_retries_with_backoff_and_delivers_once(settings, monkeypatch):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    settings.OUTBOX_MAX_ATTEMPTS = 8
    port = free_port()  # nothing listens here yet: connection refused
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    clock = Clock(monkeypatch)
    mail = outbox.queue_mail("ubnd-huyen@example.org", "Giấy mời", "Kính gửi")

    def tick() -> None:
        """One minute of a running system: beat's sweep, and the worker runs the
        task whose countdown (or the sweep's message) is due now."""
        outbox.sweep()
        tasks.send_mail_task(mail.pk)

    attempts_at, intervals = [], []
    seen = 0
    while clock.elapsed <= 3600:
        tick()
        mail.refresh_from_db()
        if mail.attempts != seen:
            seen = mail.attempts
            attempts_at.append(clock.elapsed)
            assert mail.state == MailState.RETRY and "Connection" in mail.error, mail.error
            intervals.append(int((mail.next_attempt_at - clock.now).total_seconds()))
        clock.now += timedelta(seconds=60)

    assert attempts_at == [0, 60, 180, 420, 900, 1860], "tried at once, then after 1, 2, 4, 8, 16 minutes"
    assert intervals == [60, 120, 240, 480, 960, 1920], "the next wait doubles"
    assert mail.attempts == 6 and mail.state == MailState.RETRY

    server = SmtpServer(port=port)
    server.start()
    try:
        while clock.elapsed < 3780:  # the seventh attempt is due 32 minutes after the sixth
            tick()
            mail.refresh_from_db()
            assert mail.state == MailState.RETRY and server.received == [], "not before its time"
            clock.now += timedelta(seconds=60)
        for _ in range(30):  # half an hour more of beat and duplicate tasks
            tick()
            clock.now += timedelta(seconds=60)
        server.wait_for(1)
    finally:
        server.stop()
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.SENT, 7)
    assert len(server.received) == 1 and server.received[0].recipients == ["ubnd-huyen@example.org"]
    assert OutgoingMail.objects.count() == 1
