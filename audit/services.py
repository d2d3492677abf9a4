"""Writing audit rows: ``record(Kind.SIGN, actor=user, obj=plan)``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address

from .context import client_ip, current_request
from .models import AuditEvent, Kind

__all__ = ["Kind", "record"]


def _ip(request) -> str | None:
    address = client_ip(request)
    try:
        validate_ipv46_address(address or "")
    except ValidationError:
        return None
    return address


def record(kind: str, *, actor=None, username: str = "", obj=None, detail: dict | None = None, request=None) -> AuditEvent:
    """One audit row. ``actor`` defaults to the signed-in user of the current
    request; address and browser come from the request being served."""
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    event = AuditEvent(
        kind=kind,
        actor=actor,
        username=(username or (actor.get_username() if actor is not None else ""))[:150],
        ip=_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:400],
        detail=detail or {},
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:300]
    event.save()
    return event
