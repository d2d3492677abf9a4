"""Who may use the index pages (checked on the server by every view).

- read (tables, profiles, comparisons, structures, responsibilities, the
  progress dashboard of every task, exports): drafter, reviewer, clerk,
  administrator (and superusers);
- edit index structures (new edition, components): administrator;
- import results: drafter, administrator;
- edit the field → department mapping: drafter, administrator;
- generate an improvement plan: a drafter of an organisation (who may start plans);
- report progress: a unit office user, on the tasks assigned to its own organisation.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from directory.models import Role

READ_ROLES = frozenset({Role.DRAFTER, Role.REVIEWER, Role.CLERK, Role.ADMIN})
IMPORT_ROLES = frozenset({Role.DRAFTER, Role.ADMIN})


def _role_in(user, roles) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles)


def can_read(user) -> bool:
    return _role_in(user, READ_ROLES)


def can_edit_structures(user) -> bool:
    return _role_in(user, {Role.ADMIN})


def can_import(user) -> bool:
    return _role_in(user, IMPORT_ROLES)


def can_edit_responsibilities(user) -> bool:
    return _role_in(user, IMPORT_ROLES)


def can_report(user) -> bool:
    """Unit offices report on their organisation's tasks."""
    return user.is_authenticated and user.is_active and user.role == Role.UNIT_OFFICE and user.organisation_id is not None


def can_see_progress(user) -> bool:
    return can_read(user) or can_report(user)


def requires(check):
    """View decorator: the login page for anonymous visitors, 403 when ``check(user)`` fails."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
