"""Reads of the workflow: what waits for whom, the plan page's workflow panel."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from conferences.models import Plan, PlanState
from directory.models import Role

from .models import Notification, SubmittedVersion, Transition


def waiting_for(user, plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """The plans among ``plans`` that wait for ``user`` to act: a drafter's
    returned plans, a reviewer's submitted plans where the chain has reached
    him and the approved plans he signs, a clerk's signed plans of his issuing
    body; a unit office's issued plans (to act on)."""
    if not user.is_authenticated:
        return plans.none()
    condition = Q(pk__in=[])
    if user.role == Role.DRAFTER and user.organisation_id:
        condition |= Q(state=PlanState.RETURNED, drafting_unit_id=user.organisation_id)
    elif user.role == Role.REVIEWER:
        pending = SubmittedVersion.objects.filter(outcome="", current_step__reviewer=user).values("plan_id")
        condition |= Q(state=PlanState.SUBMITTED, pk__in=pending)
        if user.person_id:
            condition |= Q(state=PlanState.APPROVED, signer_id=user.person_id)
    elif user.role == Role.CLERK and user.organisation_id:
        bodies = [user.organisation_id]
        if user.organisation.parent_id:
            bodies.append(user.organisation.parent_id)
        condition |= Q(state=PlanState.SIGNED, issuing_body_id__in=bodies)
    elif user.role == Role.UNIT_OFFICE:
        condition |= Q(state=PlanState.ISSUED)
    return plans.filter(condition)


def timeline(plan: Plan) -> list[Transition]:
    return list(Transition.objects.filter(plan=plan).select_related("user", "version").order_by("at", "id"))


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("plan", "transition__user").order_by("-created_at", "-id")


def issued_pdf(plan_id: int) -> tuple[str, bytes] | None:
    """``(SHA-256, bytes)`` of the issued, signed PDF of a plan, exactly as stored; ``None`` before issuance."""
    from .models import IssuedDocument

    issued = IssuedDocument.objects.filter(plan_id=plan_id).first()
    return (issued.sha256, issued.read()) if issued else None
