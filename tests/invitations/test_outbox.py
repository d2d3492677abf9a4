"""The outbox on its own: queue on commit, claim once, retry, fail, sweep, cancel, resend, big files as links."""

from __future__ import annotations

import re
import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.utils import timezone

from invitations import outbox
from invitations.models import MailAttachment, MailState, OutgoingMail
from tests.conftest import require_service

from .conftest import wait_until


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    pass


def test_queued_on_commit_once_per_idempotency_key(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = outbox.queue_mail("so-noi-vu@example.org", "Giấy mời  họp", "Kính gửi", idempotency_key="k-1")
        again = outbox.queue_mail("so-noi-vu@example.org", "Giấy mời họp", "Kính gửi", idempotency_key="k-1")
    assert first.pk == again.pk and len(callbacks) == 1
    assert OutgoingMail.objects.count() == 1
    sent = OutgoingMail.objects.get()
    assert (sent.state, sent.attempts, sent.subject) == (MailState.SENT, 1, "Giấy mời họp")
    assert len(django_mail.outbox) == 1 and django_mail.outbox[0].to == ["so-noi-vu@example.org"]
    assert django_mail.outbox[0].extra_headers["Message-ID"] == sent.message_id


def test_nothing_is_sent_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox.queue_mail("a@example.org", "S", "B")
    assert len(callbacks) == 1  # registered for the commit only
    assert django_mail.outbox == []


def test_the_same_task_twice_sends_once(db):
    mail = outbox.queue_mail("a@example.org", "S", "B")
    assert outbox.deliver(mail.pk).state == "sent"
    assert outbox.deliver(mail.pk).state == "skipped"
    assert len(django_mail.outbox) == 1


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")}), True),
        (smtplib.SMTPRecipientsRefused({"x@example.org": (450, b"Mailbox busy")}), False),
        (smtplib.SMTPDataError(554, b"Rejected"), True),
        (smtplib.SMTPDataError(451, b"Try later"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (smtplib.SMTPConnectError(421, b"busy"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
        (ValueError("bad address"), True),
    ],
)
def test_which_errors_are_permanent(error, permanent):
    assert outbox.is_permanent(error) is permanent


def test_big_attachments_become_a_download_link(db, client, settings):
    settings.OUTBOX_MAX_ATTACHMENT_BYTES = 1000
    big = b"%PDF-1.7 " + b"x" * 5000
    mail = outbox.queue_mail(
        "a@example.org",
        "S",
        "Kính gửi.",
        attachments=[
            outbox.Attachment("nho.txt", b"small file", "text/plain"),
            outbox.Attachment("lon.pdf", big, "application/pdf"),
        ],
    )
    message = outbox.build_message(mail)
    assert [name for name, _, _ in message.attachments] == ["nho.txt"]
    linked = MailAttachment.objects.get(filename="lon.pdf")
    assert linked.as_link and linked.size == len(big)
    link = re.search(r"lon\.pdf \(.+?\): (\S+)", message.body).group(1)
    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 200 and b"".join(response.streaming_content) == big
    assert client.get(link.removeprefix(settings.SITE_URL)[:-3] + "xx/").status_code == 404
    assert mail.body == "Kính gửi."  # the stored text stays as written; the link is added when sending


def test_cancel_only_while_waiting_and_resend_as_a_new_row(db, django_capture_on_commit_callbacks):
    waiting = OutgoingMail.objects.create(to=["a@example.org"], subject="S", body="B", state=MailState.RETRY)
    sent = OutgoingMail.objects.create(to=["a@example.org"], subject="S", body="B", state=MailState.SENT)
    assert outbox.cancel(waiting) and not outbox.cancel(sent)
    waiting.refresh_from_db()
    assert waiting.state == MailState.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        copy = outbox.resend(sent, to=["b@example.org"])
    assert copy.pk != sent.pk and copy.resend_of == sent and copy.to == ["b@example.org"]
    copy.refresh_from_db()
    assert copy.state == MailState.SENT and django_mail.outbox[-1].to == ["b@example.org"]


def test_sweeper_releases_rows_left_sending_and_requeues_lost_ones(db, settings):
    settings.OUTBOX_STUCK_AFTER = 600
    settings.OUTBOX_REQUEUE_AFTER = 300
    now = timezone.now()
    stuck = OutgoingMail.objects.create(
        to=["a@example.org"], subject="S", body="B", state=MailState.SENDING, claimed_at=now - timedelta(minutes=11), attempts=1
    )
    busy = OutgoingMail.objects.create(
        to=["b@example.org"], subject="S", body="B", state=MailState.SENDING, claimed_at=now - timedelta(minutes=1), attempts=1
    )
    lost = OutgoingMail.objects.create(
        to=["c@example.org"], subject="S", body="B", state=MailState.QUEUED, enqueued_at=now - timedelta(minutes=6)
    )
    fresh = OutgoingMail.objects.create(to=["d@example.org"], subject="S", body="B", state=MailState.QUEUED, enqueued_at=now)
    result = outbox.sweep()
    assert result == {"released": 1, "requeued": 2}
    for row in (stuck, busy, lost, fresh):
        row.refresh_from_db()
    # Eager Celery: the requeued tasks ran at once.
    assert (stuck.state, stuck.attempts) == (MailState.SENT, 2)
    assert busy.state == MailState.SENDING and lost.state == MailState.SENT and fresh.state == MailState.QUEUED
    assert sorted(m.to[0] for m in django_mail.outbox) == ["a@example.org", "c@example.org"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_tasks_for_one_mail_send_it_once(smtp):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")
    mail = outbox.queue_mail("a@example.org", "Một lần thôi", "B")  # eager: sent here
    OutgoingMail.objects.filter(pk=mail.pk).update(state=MailState.QUEUED, attempts=0, sent_at=None)
    smtp.received.clear()
    barrier = threading.Barrier(8)
    outcomes = []

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes.append(outbox.deliver(mail.pk).state)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(smtp.to("a@example.org")) == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_each_mail_once_even_when_its_task_runs_twice(smtp, worker):
    from invitations.tasks import send_mail_task

    mails = [outbox.queue_mail(f"don-vi-{i}@example.org", f"Thư {i}", "Nội dung") for i in range(5)]
    smtp.wait_for(5)
    for mail in mails:
        send_mail_task.delay(mail.pk)  # a duplicate delivery of the task
        send_mail_task.delay(mail.pk)
    wait_until(lambda: all(m.state == MailState.SENT for m in OutgoingMail.objects.all()), message="all mails sent")
    # The duplicates have run (the queue is empty) and sent nothing more.
    wait_until(lambda: worker is not None and smtp.received and _queue_empty(), message="the queue empties")
    assert sorted(r.recipients[0] for r in smtp.received) == [f"don-vi-{i}@example.org" for i in range(5)]


def _queue_empty() -> bool:
    from tests.conftest import redis_client

    client = redis_client()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_smtp_down_then_back_and_a_refused_recipient(smtp, worker, fast_retries):
    smtp.stop()
    waiting = [outbox.queue_mail(f"cho-{i}@example.org", f"Chờ {i}", "B") for i in range(3)]
    ids = [m.pk for m in waiting]
    wait_until(
        lambda: all(m.state == MailState.RETRY and m.attempts >= 2 for m in OutgoingMail.objects.filter(pk__in=ids)),
        message="mails awaiting retry",
    )
    assert smtp.received == []
    row = OutgoingMail.objects.get(pk=ids[0])
    assert "Connection" in row.error or "refused" in row.error.lower()
    smtp.start()  # the same port
    refused = outbox.queue_mail("refused@example.org", "Bị từ chối", "B")
    smtp.wait_for(3)
    wait_until(lambda: OutgoingMail.objects.filter(pk__in=ids, state=MailState.SENT).count() == 3, message="all three sent")
    wait_until(lambda: OutgoingMail.objects.get(pk=refused.pk).state == MailState.FAILED, message="the refused mail fails")
    refused.refresh_from_db()
    assert (refused.state, refused.attempts) == (MailState.FAILED, 1)
    assert "550" in refused.error and "refused@example.org" in refused.error
    time_to_settle = timezone.now() + timedelta(seconds=2)
    wait_until(lambda: timezone.now() > time_to_settle, message="settling")
    assert sorted(r.recipients[0] for r in smtp.received) == [f"cho-{i}@example.org" for i in range(3)]


def test_organiser_cancels_and_resends_from_the_outbox_page_and_others_cannot(db, client):
    from tests.factories import UserFactory

    waiting = OutgoingMail.objects.create(to=["a@example.org"], subject="S", body="B", state=MailState.RETRY)
    failed = OutgoingMail.objects.create(to=["b@example.org"], subject="S", body="B", state=MailState.FAILED, error="550")
    client.force_login(UserFactory(role="drafter"))
    assert client.post(f"/giay-moi/thu/{waiting.pk}/cancel/").status_code == 403
    client.force_login(UserFactory(role="clerk"))
    response = client.post(f"/giay-moi/thu/{waiting.pk}/cancel/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/giay-moi/"
    waiting.refresh_from_db()
    assert waiting.state == MailState.CANCELLED
    client.post(f"/giay-moi/thu/{failed.pk}/resend/", {"next": "/giay-moi/"})
    assert OutgoingMail.objects.filter(resend_of=failed).count() == 1
