"""Rendered files of official documents (PDF, DOCX, bundles of Giấy mời)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from conferences.models import Plan


class DocumentKind(models.TextChoices):
    PLAN = "plan", _("Plan with its attached agenda")
    INVITATIONS = "invitations", _("Invitations to every recipient")


class FileFormat(models.TextChoices):
    """Format of the documents; the invitations come as a ZIP of such files."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


class RenderState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def rendered_file_path(instance: RenderedFile, filename: str) -> str:
    return f"documents/plan-{instance.plan_id}/{filename}"


class RenderedFile(models.Model):
    """The latest rendering of one document of a plan in one format.

    ``source_hash`` is the fingerprint of everything printed: a new rendering
    is written (and ``version`` goes up) only when it changes.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="rendered_files")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("Goes up each time the file is rewritten."))
    source_hash = models.CharField(_("fingerprint of the content"), max_length=64, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to=rendered_file_path, max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RenderState.choices, default=RenderState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rendered file")
        verbose_name_plural = _("rendered files")
        ordering = ["plan", "kind", "format"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "format"], name="rendered_file_unique_document_format"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="rendered_file_progress_max_100",
                violation_error_message=_("Progress is at most 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()}) v{self.version}"

    @property
    def is_ready(self) -> bool:
        return bool(self.file) and self.version > 0

    @property
    def is_busy(self) -> bool:
        return self.state in (RenderState.QUEUED, RenderState.RUNNING)

    @property
    def download_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
