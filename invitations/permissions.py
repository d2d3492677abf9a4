"""Who may do what with invitations. Every view asks here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from directory.models import Role

ORGANISER_ROLES = {Role.CLERK, Role.ADMIN}


def is_organiser(user) -> bool:
    """Clerks (the Provincial Office) send invitations, follow replies and check delegates in."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role in ORGANISER_ROLES)


def require_organiser(user) -> None:
    if not is_organiser(user):
        raise PermissionDenied


def is_unit_office(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.UNIT_OFFICE and user.organisation_id is not None
