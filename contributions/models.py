"""Contributions (tham luận) requested from units, the files they upload,
the conference materials booklet, and the sending of conclusion notices.

A request is made for each unit that performs an agenda item of kind
contribution, or is assigned a task of kind contribution (when it has no such
agenda item in the plan). Every upload is kept as a new version; the files
live in the private storage (:mod:`contributions.storage`), never under the
public media path.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conferences.models import AgendaItem, Plan, Task
from directory.models import Organisation

from .storage import private_storage


class RequestStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    SUBMITTED = "submitted", _("Submitted")
    SUBMITTED_LATE = "submitted_late", _("Submitted late")
    LATE = "late", _("Late")
    CANCELLED = "cancelled", _("Withdrawn from the plan")


class ContributionRequest(models.Model):
    """One unit asked for one contribution of one plan, with a deadline."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="contribution_requests")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contribution_requests"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contribution_requests",
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL, related_name="contribution_requests"
    )
    topic = models.TextField(_("topic"))
    position = models.PositiveIntegerField(_("position in the agenda"), default=0)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    late_until = models.DateField(
        _("late upload allowed until"), null=True, blank=True, help_text=_("Set by the organiser after the deadline.")
    )
    late_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("late upload allowed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late_allowed_at = models.DateTimeField(_("late upload allowed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        _("withdrawn"), null=True, blank=True, help_text=_("Set when the plan no longer asks this unit for it.")
    )
    notified_at = models.DateTimeField(_("request e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution request")
        verbose_name_plural = _("contribution requests")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation", "agenda_item"],
                condition=Q(agenda_item__isnull=False),
                name="contribution_request_unique_agenda_item",
            ),
            models.UniqueConstraint(
                fields=["plan", "organisation", "task"],
                condition=Q(agenda_item__isnull=True, task__isnull=False),
                name="contribution_request_unique_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.topic[:60]}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def past_deadline(self, today: datetime.date | None = None) -> bool:
        """The deadline day (Vietnam time) is over."""
        today = today or timezone.localdate()
        return self.deadline is not None and today > self.deadline

    def late_allowed(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.late_until is not None and today <= self.late_until

    def accepts_upload(self, today: datetime.date | None = None) -> bool:
        """Until the deadline; after it only while the organiser's permission lasts."""
        if self.is_cancelled:
            return False
        return not self.past_deadline(today) or self.late_allowed(today)

    def latest_file(self) -> ContributionFile | None:
        """The newest version (uses prefetched ``files`` when there are)."""
        files = list(self.files.all())
        return max(files, key=lambda f: f.version) if files else None

    def status(self, today: datetime.date | None = None) -> str:
        if self.is_cancelled:
            return RequestStatus.CANCELLED
        latest = self.latest_file()
        if latest is not None:
            return RequestStatus.SUBMITTED_LATE if latest.late else RequestStatus.SUBMITTED
        return RequestStatus.LATE if self.past_deadline(today) else RequestStatus.NOT_STARTED


class FileType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


CONTENT_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def contribution_path(instance: ContributionFile, filename: str) -> str:
    request = instance.request
    return f"tham-luan/ke-hoach-{request.plan_id}/yeu-cau-{request.pk}/{filename}"


class ContributionFile(models.Model):
    """One uploaded version of a contribution (every version is kept)."""

    request = models.ForeignKey(ContributionRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="files")
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), storage=private_storage, upload_to=contribution_path, max_length=300)
    pdf = models.FileField(
        _("converted PDF"),
        storage=private_storage,
        upload_to=contribution_path,
        max_length=300,
        blank=True,
        help_text=_("A DOCX converted for the booklet (kept to avoid converting it again)."),
    )
    original_name = models.CharField(_("file name as uploaded"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10, choices=FileType.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    late = models.BooleanField(_("after the deadline"), default=False)

    class Meta:
        verbose_name = _("contribution file")
        verbose_name_plural = _("contribution files")
        ordering = ["request", "-version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="contribution_file_unique_version")]

    def __str__(self) -> str:
        return f"{self.request} v{self.version}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_type]

    @property
    def download_name(self) -> str:
        from django.utils.text import slugify

        unit = slugify(self.request.organisation.name.replace("đ", "d").replace("Đ", "D")) or "don-vi"
        return f"tham-luan-{unit}-v{self.version}.{self.file_type}"


class BookletState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def booklet_path(instance: Booklet, filename: str) -> str:
    return f"tai-lieu/ke-hoach-{instance.plan_id}/{filename}"


class Booklet(models.Model):
    """The conference materials of a plan as one PDF, built by a Celery job.

    ``source_hash`` fingerprints what went in (the plan and the latest file
    of every contribution): when it differs from the current one, the
    booklet is out of date and may be rebuilt.
    """

    plan = models.OneToOneField(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="booklet")
    state = models.CharField(_("state"), max_length=10, choices=BookletState.choices, default=BookletState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=booklet_path, max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    source_hash = models.CharField(_("fingerprint of the contents"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    contents = models.JSONField(_("table of contents"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("materials booklet")
        verbose_name_plural = _("materials booklets")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="booklet_progress_max_100",
                violation_error_message=_("Progress is at most 100 %."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"

    @property
    def is_ready(self) -> bool:
        return bool(self.file) and self.version > 0

    @property
    def is_busy(self) -> bool:
        return self.state in (BookletState.QUEUED, BookletState.RUNNING)


class ConclusionSending(models.Model):
    """The issued conclusion notice sent to the participating units (once)."""

    plan = models.OneToOneField(Plan, verbose_name=_("conclusion notice"), on_delete=models.CASCADE, related_name="sending")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.JSONField(_("units e-mailed"), default=list, blank=True)
    without_address = models.JSONField(_("units without an e-mail address"), default=list, blank=True)

    class Meta:
        verbose_name = _("sending of a conclusion notice")
        verbose_name_plural = _("sendings of conclusion notices")

    def __str__(self) -> str:
        return f"{self.plan} ({len(self.recipients)})"
