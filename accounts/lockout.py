"""What a locked-out visitor sees: the login page with a clear message (HTTP 429)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from .forms import LoginForm


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    message = _(
        "Too many failed logins: this account is locked on this computer for %(minutes)d minutes. "
        "Try again later or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    return render(request, "registration/login.html", {"form": form, "lockout_message": message}, status=429)
