"""Invitations (Giấy mời), the mail outbox, replies with delegates, check-in.

- :class:`OutgoingMail` is the outbox every feature sends mail through
  (:mod:`invitations.outbox`): one row per message, sent once by a Celery task.
- :class:`Campaign` holds a plan's invitation settings (reply deadline,
  reminders); :class:`Invitation` is one Giấy mời to one unit, numbered in the
  GM register of the body that issues it (the province, or a district that
  invites its own communes in the tier cascade).
- :class:`Reply` and :class:`Delegate` are the unit's answer; delegates are
  checked in on the day.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conferences.models import BridgePoint, Plan
from directory.models import Organisation, Searchable, Tier

# --- Outbox ----------------------------------------------------------------------


class MailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Awaiting retry")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutgoingMail(models.Model):
    """One e-mail message on its way out.

    ``queued`` → ``sending`` (claimed by one task) → ``sent``; a transient
    SMTP error makes it ``retry`` (``next_attempt_at``), a permanent one or too
    many attempts ``failed`` (``error``). ``cancelled`` by hand before sending.
    """

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True, null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MailState.choices, default=MailState.QUEUED)
    to = models.JSONField(_("to"), default=list)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)

    related_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    related_id = models.PositiveBigIntegerField(null=True, blank=True)
    related = GenericForeignKey("related_type", "related_id")

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("last handed to a worker"), null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    resend_of = models.ForeignKey(
        "self", verbose_name=_("resend of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="resends"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["related_type", "related_id"]),
        ]

    def __str__(self) -> str:
        return f"{', '.join(self.to)}: {self.subject}"

    @property
    def can_cancel(self) -> bool:
        return self.state in (MailState.QUEUED, MailState.RETRY)

    @property
    def can_resend(self) -> bool:
        return self.state in (MailState.SENT, MailState.FAILED, MailState.CANCELLED)


def attachment_path(instance: MailAttachment, filename: str) -> str:
    return f"outbox/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}/{filename}"


class MailAttachment(models.Model):
    """A file of a mail: attached, or (over the size limit) a download link in the text."""

    mail = models.ForeignKey(OutgoingMail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    as_link = models.BooleanField(_("sent as a download link"), default=False)

    class Meta:
        verbose_name = _("mail attachment")
        verbose_name_plural = _("mail attachments")
        ordering = ["mail", "id"]

    def __str__(self) -> str:
        return self.filename


# --- Invitations -------------------------------------------------------------------


class Campaign(models.Model):
    """The invitations of one plan's conference."""

    plan = models.OneToOneField(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="invitation_campaign")
    reply_deadline = models.DateTimeField(_("reply deadline"), null=True, blank=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder (days before the deadline)"), default=2, help_text=_("0: no reminder.")
    )
    default_quota = models.PositiveSmallIntegerField(
        _("delegates per recipient"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    organiser_email = models.EmailField(
        _("organiser's e-mail"), blank=True, help_text=_("Receives the summary of units that have not replied.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation campaign")
        verbose_name_plural = _("invitation campaigns")

    def __str__(self) -> str:
        return str(self.plan)


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IssueJob(models.Model):
    """A request to number, render, sign and mail a campaign's Giấy mời
    (all those not yet done, or ``invitation_ids``): the row waits in the
    database until a worker claims it (:mod:`config.jobs`), so a broker that is
    down or a worker that dies loses nothing."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="issue_jobs")
    invitation_ids = models.JSONField(_("invitations"), null=True, blank=True, help_text=_("Empty: all not yet issued."))
    fan_out = models.BooleanField(default=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("invitation issuance job")
        verbose_name_plural = _("invitation issuance jobs")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk} ({self.get_state_display()})"


class ReplyChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PHONE = "phone", _("By phone")
    PAPER = "paper", _("On paper")


class Invitation(models.Model):
    """One Giấy mời to one unit."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("invited unit"), on_delete=models.PROTECT, related_name="invitations"
    )
    inviter = models.ForeignKey(
        Organisation, verbose_name=_("inviting body"), on_delete=models.PROTECT, related_name="sent_invitations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("invited through"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cascaded",
        help_text=_("The invitation of the unit that invited this one for its bridge point."),
    )
    bridge_point = models.ForeignKey(
        BridgePoint, verbose_name=_("bridge point"), null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    point_host = models.ForeignKey(
        Organisation,
        verbose_name=_("bridge point host"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The unit whose room the delegates attend from."),
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    name = models.CharField(_("name as printed"), max_length=300)
    venue = models.CharField(_("venue as printed"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    quota = models.PositiveSmallIntegerField(_("delegate quota"), null=True, blank=True)
    hosts_point = models.BooleanField(_("runs its own bridge point"), default=False)
    invites_lower_tier = models.BooleanField(_("invites its lower tier"), default=False)

    year = models.PositiveSmallIntegerField(_("register year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    signer_titles = models.JSONField(_("signature titles"), default=list, blank=True)
    pdf = models.FileField(_("signed PDF"), upload_to="invitations/%Y/", max_length=255, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    mail = models.ForeignKey(
        OutgoingMail, verbose_name=_("mail"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_by_hand_at = models.DateTimeField(_("delivered by hand"), null=True, blank=True)
    opened_at = models.DateTimeField(_("reply page first opened"), null=True, blank=True)
    reply_reopened = models.BooleanField(_("reply reopened after the deadline"), default=False)
    token_version = models.PositiveSmallIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["campaign", "parent_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="invitation_unique_recipient"),
            models.UniqueConstraint(
                fields=["inviter", "year", "number"],
                condition=Q(number__isnull=False),
                name="invitation_unique_register_number",
                violation_error_message=_("This number is already used in the register of this body."),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "bridge_point"])]

    def __str__(self) -> str:
        return f"{self.number_display} {self.name}"

    @property
    def symbol(self) -> str:
        return f"GM-{self.inviter.symbol}" if self.inviter.symbol else "GM"

    @property
    def number_display(self) -> str:
        return f"{self.number:02d}/{self.symbol}" if self.number is not None else f"/{self.symbol}"

    @property
    def is_issued(self) -> bool:
        return self.number is not None


class Reply(models.Model):
    """The unit's answer; it may change until the reply deadline."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="reply")
    attending = models.BooleanField(_("attending"))
    delegate_count = models.PositiveSmallIntegerField(_("number of delegates"), default=0)
    over_quota_reason = models.TextField(_("reason for more delegates than the quota"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    connection_tested = models.BooleanField(_("connection test done"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    channel = models.CharField(_("received"), max_length=10, choices=ReplyChannel.choices, default=ReplyChannel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    replied_at = models.DateTimeField(_("first replied"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return str(self.invitation)


class Delegate(Searchable):
    """A named delegate of a reply; checked in on the day."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="delegates")
    order = models.PositiveSmallIntegerField(_("order"))
    full_name = models.CharField(_("full name"), max_length=150)
    title = models.CharField(_("title"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["invitation", "order"]
        constraints = [models.UniqueConstraint(fields=["invitation", "order"], name="delegate_unique_order")]

    def __str__(self) -> str:
        return self.full_name

    def search_sources(self) -> list[str]:
        return [self.full_name, self.title]

    def collation_source(self) -> tuple[str, bool]:
        return self.full_name, True
