from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskFailure(models.Model):
    """A Celery task that ended in an exception (after its retries), for the administrators."""

    task_name = models.CharField(_("task"), max_length=200, db_index=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    args_summary = models.TextField(_("arguments"), blank=True)
    exception = models.TextField(_("exception"))
    traceback = models.TextField(_("traceback"), blank=True)
    request_id = models.CharField(_("request id"), max_length=128, blank=True, db_index=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("task failure")
        verbose_name_plural = _("task failures")
        indexes = [models.Index(fields=["resolved_at", "-failed_at"], name="ops_failure_open")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.failed_at:%Y-%m-%d %H:%M}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None
