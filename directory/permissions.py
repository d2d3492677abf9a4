"""Who may use the directory pages: drafters, clerks and administrators
view and change it, reviewers only view it; unit offices and anonymous
visitors do not see it (see ``User.can_view_directory``)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def _requires(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not getattr(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


directory_view_required = _requires("can_view_directory")
directory_edit_required = _requires("can_edit_directory")
