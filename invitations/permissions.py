"""Who may do what with invitations. Every view asks here.

The organisers of a plan's invitations are the clerks of its issuing body (or
of an office under it, e.g. the Văn phòng UBND), administrators and
superusers: a clerk of another province sees none of its recipients,
replies or mails."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from directory.models import Role

ORGANISER_ROLES = {Role.CLERK, Role.ADMIN}


def is_organiser(user, plan=None) -> bool:
    """Without ``plan``: may the user organise invitations at all (the list of
    plans); with it: the invitations of that plan."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role not in ORGANISER_ROLES:
        return False
    return plan is None or plan.issuing_body_id in issuing_bodies_of(user)


def require_organiser(user, plan=None) -> None:
    if not is_organiser(user, plan):
        raise PermissionDenied


def issuing_bodies_of(user) -> set[int]:
    """The bodies whose plans a clerk organises: its organisation and the one above it."""
    if not user.organisation_id:
        return set()
    return {user.organisation_id, user.organisation.parent_id} - {None}


def organised_plans(user, plans):
    """``plans`` narrowed to those whose invitations the user organises."""
    if user.is_superuser or user.role == Role.ADMIN:
        return plans
    return plans.filter(issuing_body_id__in=issuing_bodies_of(user))


def is_unit_office(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.UNIT_OFFICE and user.organisation_id is not None
