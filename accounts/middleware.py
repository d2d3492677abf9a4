"""Enforcement of the second factor, and the “session expired” notice."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from . import otp
from .views import EXPIRED_PARAMETER, second_factor_url

NO_DEVICE_SESSION_KEY = "accounts_no_device"
IDLE_SESSION_KEY = "accounts_active_at"
# The expiry of a signed-in session moves forward at most once a minute (not a
# write per request): the idle timeout is SESSION_COOKIE_AGE, give or take that.
IDLE_REFRESH_SECONDS = 60
# What a user who gave the password but not yet the code may open.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {"login", "logout", "set_language", "accounts:verify", "accounts:enrol", "accounts:backup_codes", "javascript-catalog"}
)


def _view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


def _needs_second_factor(request, user) -> bool:
    """Cached in the session for users of optional roles found without a
    device (a device added later verifies the session that adds it)."""
    if otp.otp_required(user):
        return True
    if request.session.get(NO_DEVICE_SESSION_KEY) == user.pk:
        return False
    if otp.has_device(user):
        return True
    request.session[NO_DEVICE_SESSION_KEY] = user.pk
    return False


class SecondFactorMiddleware:
    """A user who must use a second factor (their role requires it, they have a
    device, or they open the Django admin) and whose session is not verified
    can reach only the code and enrolment pages, logout and the language
    switch: other GETs redirect there, anything else is refused (403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if _view_name(request.path_info) in OPEN_BEFORE_SECOND_FACTOR:
                # base.html shows only the language switch and logout until the code is given.
                request.second_factor_pending = _needs_second_factor(request, user)
            elif request.path_info.startswith(reverse("admin:index")) or _needs_second_factor(request, user):
                if request.method not in ("GET", "HEAD"):
                    raise PermissionDenied
                return HttpResponseRedirect(second_factor_url(user, request.get_full_path()))
        return self.get_response(request)


class SessionExpiredMiddleware:
    """A request that came with a session cookie but no user any more (the
    session expired after inactivity) and is sent to the login page: the login
    page says the session expired."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stale = settings.SESSION_COOKIE_NAME in request.COOKIES and not request.user.is_authenticated
        response = self.get_response(request)
        if stale and response.status_code == 302:
            location = response.get("Location", "")
            if urlsplit(location).path == reverse(settings.LOGIN_URL) and EXPIRED_PARAMETER not in location:
                response["Location"] = f"{location}{'&' if '?' in location else '?'}{EXPIRED_PARAMETER}=1"
        return response


class IdleTimeoutMiddleware:
    """The session of a signed-in user expires SESSION_COOKIE_AGE after the
    last request: the session is saved again (with a new expiry) when its last
    refresh is older than a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(IDLE_SESSION_KEY, 0) >= IDLE_REFRESH_SECONDS:
                request.session[IDLE_SESSION_KEY] = now
        return self.get_response(request)
