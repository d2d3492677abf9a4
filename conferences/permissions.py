"""Who may do what with a plan. Every view asks here; templates only use the
answers the views pass them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from directory.models import Role

from .models import Plan, PlanState

STAFF_ROLES = {Role.DRAFTER, Role.REVIEWER, Role.CLERK, Role.ADMIN}


def is_staff_role(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


def can_create_plan(user) -> bool:
    """Drafters of an organisation start plans (drafted by that organisation)."""
    return user.is_authenticated and user.role == Role.DRAFTER and user.organisation_id is not None


def can_edit_plan(user, plan: Plan) -> bool:
    """Only drafts, only by a drafter of the drafting unit."""
    return (
        plan.state == PlanState.DRAFT
        and can_create_plan(user)
        and plan.drafting_unit_id is not None
        and plan.drafting_unit_id == user.organisation_id
    )


def require_edit(user, plan: Plan) -> None:
    if not can_edit_plan(user, plan):
        raise PermissionDenied


def require_create(user) -> None:
    if not can_create_plan(user):
        raise PermissionDenied
