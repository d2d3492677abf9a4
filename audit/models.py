"""The security audit log: one append-only row per security-relevant event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LOGIN = "login", _("Login (password)")
    OTP_VERIFIED = "otp_verified", _("Two-factor code accepted")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Lockout")
    LOGIN_RATE_LIMITED = "login_rate_limited", _("Too many logins from one address")
    UNLOCK = "unlock", _("Lockout lifted")
    OTP_FAILURE = "otp_failure", _("Wrong two-factor code")
    REAUTH_FAILED = "reauth_failed", _("Wrong password when confirming")
    DEVICE_ADDED = "device_added", _("Two-factor device added")
    DEVICE_REMOVED = "device_removed", _("Two-factor device removed")
    BACKUP_CODES = "backup_codes", _("Backup codes generated")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    SIGN = "sign", _("Signing")
    ISSUE = "issue", _("Issuance")
    PERMISSION_CHANGE = "permission_change", _("Permissions changed")
    USER_CREATED = "user_created", _("User created")


class AppendOnly(Exception):
    """An audit row is never changed or deleted."""


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True, help_text=_("As typed or as it was then."))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events are append-only")

    def detail_items(self) -> list[tuple[str, str]]:
        """The detail as “key: value” pairs for people (empty values left out)."""
        if not isinstance(self.detail, dict):
            return [("", str(self.detail))]
        return [(key, str(value)) for key, value in self.detail.items() if value not in (None, "", [], {})]
