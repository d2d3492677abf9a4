"""Audit rows written from signals: logins and logouts (django.contrib.auth),
lockouts (django-axes), users created and their permissions changed."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Kind
from .services import record

User = get_user_model()
# Fields whose change is a change of permissions.
PERMISSION_FIELDS = ("role", "is_staff", "is_superuser", "is_active")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(Kind.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    record(Kind.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(Kind.LOGIN_FAILED, username=str(credentials.get("username", "")), request=request)


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address=None, **kwargs):
    record(
        Kind.LOCKOUT,
        username=username or "",
        request=request,
        detail={"failures": getattr(request, "axes_failures_since_start", None)},
    )


@receiver(post_delete, sender=AccessAttempt)
def _unlocked(sender, instance, **kwargs):
    """A locked username+address deleted: by an administrator, or expired.
    (Attempts below the limit are also deleted by a successful login.)"""
    if instance.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return
    record(
        Kind.UNLOCK,
        username=instance.username or "",
        detail={"ip": instance.ip_address, "failures": instance.failures_since_start},
    )


def _unusable(password: str) -> bool:
    return not password or password.startswith("!")


@receiver(pre_save, sender=User)
def _remember_before(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    watched = (*PERMISSION_FIELDS, "password")
    if update_fields is not None and not set(update_fields) & set(watched):
        return
    instance._audit_before = sender.objects.filter(pk=instance.pk).values(*watched).first()


@receiver(post_save, sender=User)
def _user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record(
            Kind.USER_CREATED,
            obj=instance,
            detail={field: getattr(instance, field) for field in PERMISSION_FIELDS},
        )
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    changes = {
        field: [before[field], getattr(instance, field)]
        for field in PERMISSION_FIELDS
        if before[field] != getattr(instance, field)
    }
    if changes:
        record(Kind.PERMISSION_CHANGE, obj=instance, detail={"changes": changes})
    if before["password"] != instance.password and not _unusable(before["password"]):
        record(Kind.PASSWORD_CHANGED, obj=instance)


def _members_changed(field: str):
    def receiver_(sender, instance, action, pk_set, model, reverse=False, **kwargs):
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        verb = "added" if action == "post_add" else "removed"
        if reverse:  # group.user_set.add(user), permission.user_set.remove(user)
            if action == "pre_clear":
                users = list(instance.user_set.all())
            else:
                users = list(model.objects.filter(pk__in=pk_set or []))
            for user in users:
                record(Kind.PERMISSION_CHANGE, obj=user, detail={field: {verb: [str(instance)]}})
            return
        if action == "pre_clear":
            names = [str(item) for item in getattr(instance, field).all()]
        else:
            names = [str(item) for item in model.objects.filter(pk__in=pk_set or [])]
        if names:
            record(Kind.PERMISSION_CHANGE, obj=instance, detail={field: {verb: sorted(names)}})

    return receiver_


_groups_changed = _members_changed("groups")
_user_permissions_changed = _members_changed("user_permissions")
m2m_changed.connect(_groups_changed, sender=User.groups.through, weak=False)
m2m_changed.connect(_user_permissions_changed, sender=User.user_permissions.through, weak=False)
