"""Demo data: the contribution requests of the seed plans (run by
``load_demo`` after the plans; running it again changes nothing). No mail
is sent for them."""

from __future__ import annotations

from conferences.models import Plan, PlanKind

from .services import sync_requests


def requests_load() -> int:
    """Requests of every seed plan that asks for contributions; returns how many were created."""
    created = 0
    for plan in Plan.objects.filter(key__startswith="seed-").exclude(kind=PlanKind.CONCLUSION).order_by("key"):
        created += len(sync_requests(plan, notify=False).created)
    return created
