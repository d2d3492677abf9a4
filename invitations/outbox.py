"""The mail outbox: every e-mail of the project goes through here.

Call :func:`queue_mail` inside the transaction that decides to send. The
message is stored as an :class:`~invitations.models.OutgoingMail` row and a
Celery task is sent for it when that transaction commits (one task per
mail). The task (:func:`deliver`) claims the row with a conditional update,
so a task that runs twice (Celery's ``acks_late`` redelivers a message whose
worker died) sends the mail once:

- ``queued`` → ``sending`` → ``sent``;
- a transient SMTP error (connection refused or dropped, a 4xx reply) →
  ``retry`` with an exponential backoff, up to ``OUTBOX_MAX_ATTEMPTS``;
- a permanent one (recipient refused, a 5xx reply) → ``failed`` at once,
  with the server's reason in ``error``;
- ``cancelled`` by hand while it waits.

:func:`sweep` (Celery beat, every minute) hands rows stuck in ``queued`` or
``retry`` to a worker again, and puts back rows left in ``sending`` by a
worker that died after claiming them. Attachments larger than
``OUTBOX_MAX_ATTACHMENT_BYTES`` are stored and replaced by a signed download
link in the text.

Settings (all optional): ``OUTBOX_MAILER`` (a ``MAILERS`` alias),
``OUTBOX_MAX_ATTACHMENT_BYTES``, ``OUTBOX_MAX_ATTEMPTS``,
``OUTBOX_RETRY_BASE_SECONDS``, ``OUTBOX_RETRY_MAX_SECONDS``,
``OUTBOX_STUCK_AFTER`` and ``OUTBOX_REQUEUE_AFTER`` (seconds),
``OUTBOX_LINK_MAX_AGE`` (seconds a download link works), ``SITE_URL``.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MailAttachment, MailState, OutgoingMail

logger = logging.getLogger(__name__)

LINK_SALT = "invitations.outbox.attachment"
EARLY_TOLERANCE = timedelta(seconds=2)  # a retry task may arrive a little before its time


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attachment_bytes() -> int:
    return int(_setting("OUTBOX_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024))


def site_url() -> str:
    return str(_setting("SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


@dataclass(frozen=True)
class Attachment:
    """A file to send: its bytes, or the name of a file already in the default storage."""

    filename: str
    content: bytes = b""
    content_type: str = "application/octet-stream"
    stored_name: str = ""
    size: int | None = None


# --- Queueing ----------------------------------------------------------------------


def queue_mail(
    to: str | Sequence[str],
    subject: str,
    body: str,
    *,
    html: str = "",
    attachments: Iterable[Attachment] = (),
    related=None,
    idempotency_key: str | None = None,
    from_email: str = "",
    reply_to: Sequence[str] = (),
    created_by=None,
    resend_of: OutgoingMail | None = None,
) -> OutgoingMail:
    """Store one message and send it when the current transaction commits.

    With an ``idempotency_key`` already used, nothing new is stored or sent:
    the existing row is returned (so a job that runs again queues nothing twice).
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients or not all(recipients):
        raise ValueError("A mail needs at least one recipient address.")
    if idempotency_key:
        existing = OutgoingMail.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    domain = (from_email or settings.DEFAULT_FROM_EMAIL).rsplit("@", 1)[-1].strip("> ") or None
    fields = {
        "to": recipients,
        "subject": " ".join(subject.split()),
        "body": body,
        "html": html,
        "from_email": from_email,
        "reply_to": list(reply_to),
        "message_id": make_msgid(domain=domain),
        "created_by": created_by,
        "resend_of": resend_of,
        "enqueued_at": timezone.now(),
    }
    if related is not None:
        fields["related_type"] = ContentType.objects.get_for_model(related)
        fields["related_id"] = related.pk
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.create(idempotency_key=idempotency_key or None, **fields)
            for attachment in attachments:
                _store_attachment(mail, attachment)
    except IntegrityError:
        if idempotency_key:  # queued meanwhile by a concurrent caller
            return OutgoingMail.objects.get(idempotency_key=idempotency_key)
        raise
    _send_on_commit(mail.pk)
    return mail


def _store_attachment(mail: OutgoingMail, attachment: Attachment) -> MailAttachment:
    row = MailAttachment(mail=mail, filename=attachment.filename, content_type=attachment.content_type)
    if attachment.stored_name:
        row.file.name = attachment.stored_name
        row.size = attachment.size if attachment.size is not None else row.file.storage.size(attachment.stored_name)
    else:
        row.file.save(attachment.filename, ContentFile(attachment.content), save=False)
        row.size = len(attachment.content)
    row.as_link = row.size > max_attachment_bytes()
    row.save()
    return row


def attachment_link(attachment: MailAttachment) -> str:
    token = signing.dumps(attachment.pk, salt=LINK_SALT)
    return site_url() + reverse("invitations:outbox_file", args=[token])


def read_attachment_link(token: str) -> MailAttachment | None:
    max_age = int(_setting("OUTBOX_LINK_MAX_AGE", 180 * 24 * 3600))
    try:
        pk = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return MailAttachment.objects.filter(pk=pk).first()


def _size(size: int) -> str:
    return filesizeformat(size)


def _links_text(links: list[MailAttachment]) -> str:
    lines = [_("Files too large to attach; download them here:")]
    lines += [f"- {a.filename} ({_size(a.size)}): {attachment_link(a)}" for a in links]
    return "\n".join(lines)


def _links_html(links: list[MailAttachment]) -> str:
    from django.utils.html import format_html, format_html_join

    items = format_html_join(
        "", '<li><a href="{}">{}</a> ({})</li>', ((attachment_link(a), a.filename, _size(a.size)) for a in links)
    )
    return format_html("<p>{}</p><ul>{}</ul>", _("Files too large to attach; download them here:"), items)


def _send_on_commit(mail_id: int) -> None:
    from config.tasks import dispatch

    from .tasks import send_mail_task

    dispatch(send_mail_task, mail_id)


# --- Sending -----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    state: str  # "sent", "retry", "failed", "skipped"
    retry_in: float | None = None
    error: str = ""


def _backoff(attempts: int) -> float:
    base = float(_setting("OUTBOX_RETRY_BASE_SECONDS", 60))
    cap = float(_setting("OUTBOX_RETRY_MAX_SECONDS", 3600))
    return min(cap, base * 2 ** max(attempts - 1, 0))


def is_permanent(error: Exception) -> bool:
    """A refused recipient or a 5xx reply will not change by trying again;
    a refused or dropped connection, a timeout or a 4xx reply may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return not codes or any(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)):
        return False
    # Anything else (a bad address, a missing file) is a bug or bad data: trying again will not help.
    return True


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        reasons = [f"{address}: {code} {_decode(message)}" for address, (code, message) in error.recipients.items()]
        return _("Recipient refused: %(reasons)s") % {"reasons": "; ".join(reasons)}
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_decode(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _decode(message) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


def build_message(mail: OutgoingMail) -> EmailMultiAlternatives:
    attachments = list(mail.attachments.all())
    links = [a for a in attachments if a.as_link]
    body, html = mail.body, mail.html
    if links:
        body = body.rstrip() + "\n\n" + _links_text(links)
        html = html + _links_html(links) if html else ""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=body,
        from_email=mail.from_email or None,
        to=mail.to,
        reply_to=mail.reply_to or None,
        headers={"Message-ID": mail.message_id} if mail.message_id else None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments:
        if not attachment.as_link:
            with attachment.file.open("rb") as handle:
                message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


def transmit(message: EmailMultiAlternatives) -> None:
    """The network call (a separate function so that tests can stop a worker here)."""
    message.send(using=_setting("OUTBOX_MAILER", "default"))


def claim(mail_id: int) -> uuid.UUID | None:
    """Take the row for sending; ``None`` when another task has it, it is done, or not yet due."""
    token = uuid.uuid4()
    now = timezone.now()
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, state__in=[MailState.QUEUED, MailState.RETRY])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_TOLERANCE))
        .update(state=MailState.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    return token if claimed else None


def _finish(mail_id: int, token: uuid.UUID, **fields) -> bool:
    return bool(
        OutgoingMail.objects.filter(pk=mail_id, state=MailState.SENDING, claim=token).update(
            claim=None, updated_at=timezone.now(), **fields
        )
    )


def deliver(mail_id: int) -> Outcome:
    """Send one queued mail, at most once per claim."""
    token = claim(mail_id)
    if token is None:
        return Outcome("skipped")
    mail = OutgoingMail.objects.prefetch_related("attachments").get(pk=mail_id)
    try:
        transmit(build_message(mail))
    except Exception as error:
        reason = describe(error)[:2000]
        max_attempts = int(_setting("OUTBOX_MAX_ATTEMPTS", 8))
        if is_permanent(error) or mail.attempts >= max_attempts:
            logger.warning("Mail %s failed: %s", mail_id, reason)
            _finish(mail_id, token, state=MailState.FAILED, error=reason, next_attempt_at=None)
            return Outcome("failed", error=reason)
        delay = _backoff(mail.attempts)
        logger.info("Mail %s: %s; retry in %s s", mail_id, reason, delay)
        now = timezone.now()
        _finish(
            mail_id, token, state=MailState.RETRY, error=reason, next_attempt_at=now + timedelta(seconds=delay), enqueued_at=now
        )
        return Outcome("retry", retry_in=delay, error=reason)
    _finish(mail_id, token, state=MailState.SENT, sent_at=timezone.now(), error="", next_attempt_at=None)
    return Outcome("sent")


# --- Sweeper and manual actions --------------------------------------------------------


def sweep(now=None) -> dict[str, int]:
    """Hand stuck rows to a worker again (Celery beat runs this every minute).

    - ``sending`` since longer than ``OUTBOX_STUCK_AFTER``: its worker died
      after claiming it; back to ``retry``, due now.
    - ``queued`` or ``retry`` (due) and not handed to a worker for
      ``OUTBOX_REQUEUE_AFTER``: the task was lost; send a new one. The claim
      makes extra tasks harmless.
    """
    from config.tasks import send_now

    from .tasks import send_mail_task

    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=float(_setting("OUTBOX_STUCK_AFTER", 600)))
    requeue_before = now - timedelta(seconds=float(_setting("OUTBOX_REQUEUE_AFTER", 300)))
    stuck = OutgoingMail.objects.filter(state=MailState.SENDING, claimed_at__lt=stuck_before)
    released = stuck.update(
        state=MailState.RETRY,
        claim=None,
        next_attempt_at=None,
        enqueued_at=None,
        error=_("The worker stopped while sending; queued again."),
        updated_at=timezone.now(),
    )
    due = OutgoingMail.objects.filter(
        Q(state=MailState.QUEUED) | Q(state=MailState.RETRY) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)),
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=requeue_before),
    )
    ids = list(due.values_list("pk", flat=True)[:1000])
    OutgoingMail.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
    for mail_id in ids:
        send_now(send_mail_task, mail_id)
    return {"released": released, "requeued": len(ids)}


def cancel(mail: OutgoingMail) -> bool:
    """Cancel a mail that waits (queued or awaiting retry); not one being sent."""
    return bool(
        OutgoingMail.objects.filter(pk=mail.pk, state__in=[MailState.QUEUED, MailState.RETRY]).update(
            state=MailState.CANCELLED, next_attempt_at=None, updated_at=timezone.now()
        )
    )


def resend(mail: OutgoingMail, *, to: Sequence[str] | None = None, user=None) -> OutgoingMail:
    """Send a mail again as a new row (same text and files), to new addresses if given."""
    attachments = [
        Attachment(a.filename, content_type=a.content_type, stored_name=a.file.name, size=a.size) for a in mail.attachments.all()
    ]
    return queue_mail(
        list(to) if to else mail.to,
        mail.subject,
        mail.body,
        html=mail.html,
        attachments=attachments,
        related=mail.related,
        from_email=mail.from_email,
        reply_to=mail.reply_to,
        created_by=user,
        resend_of=mail,
    )


def mails_for(obj) -> Q:
    """Filter for the mails queued about ``obj``."""
    return Q(related_type=ContentType.objects.get_for_model(obj), related_id=obj.pk)
