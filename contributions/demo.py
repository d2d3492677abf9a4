"""Demo data: the contribution requests of the demo plans (the seeds, and
the issued copy of seed 000 that ``load_demo --invitations`` makes); run by
``load_demo`` after the plans, running it again changes nothing. No mail is
sent for them."""

from __future__ import annotations

from conferences.models import Plan, PlanKind

from .services import sync_requests


def requests_load() -> int:
    """Requests of every demo plan that asks for contributions; returns how many were created."""
    created = 0
    for plan in Plan.objects.exclude(key=None).exclude(kind=PlanKind.CONCLUSION).order_by("key"):
        created += len(sync_requests(plan, notify=False).created)
    return created
