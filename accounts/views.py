"""Login with a second factor, enrolment, backup codes and the account
security page."""

from __future__ import annotations

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from audit.services import Kind, record
from invitations import ratelimit

from . import otp
from .forms import CodeForm, EnrolForm, LoginForm, ReauthForm, RemoveDeviceForm

BACKUP_CODES_SESSION_KEY = "accounts_backup_codes"
REAUTH_SESSION_KEY = "accounts_reauth_at"
REAUTH_VALID_SECONDS = 10 * 60
EXPIRED_PARAMETER = "het-han"


def _next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def second_factor_url(user, target: str) -> str:
    """Where a user who has given the password goes next: the code, or enrolment."""
    return _with_next("accounts:verify" if otp.has_device(user) else "accounts:enrol", target)


class LoginView(auth_views.LoginView):
    """Username and password; then the code step (or enrolment) when the user needs one."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Besides the lockout of one username (django-axes), one address may try only so many
        # logins in a window, whatever usernames it types (password spraying).
        ip = ratelimit.client_ip(request)
        window = settings.LOGIN_RATE_WINDOW_SECONDS
        if not ratelimit.allow(f"login:{ip}", limit=settings.LOGIN_RATE_PER_IP, window=window):
            record(Kind.LOGIN_RATE_LIMITED, username=request.POST.get("username", "")[:150], request=request)
            form = self.get_form()
            message = _("Too many login attempts from this address. Wait %(minutes)d minutes and try again.") % {
                "minutes": max(1, window // 60)
            }
            context = self.get_context_data(form=form, lockout_message=message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if otp.needs_second_factor(user):
            return HttpResponseRedirect(second_factor_url(user, self.get_success_url()))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.GET.get(EXPIRED_PARAMETER) == "1" and self.request.method == "GET"
        return context


def _verified(request, device, *, kind: str = Kind.OTP_VERIFIED) -> None:
    request.session.cycle_key()
    otp_login(request, device)
    record(kind, actor=request.user, detail={"device": device.name, "type": device._meta.model_name})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the login: a code of the authenticator app or a backup code."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not otp.has_device(user):
        return redirect(_with_next("accounts:enrol", _next(request)))
    form = CodeForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            _verified(request, form.device)
            if form.device._meta.model_name == "staticdevice":
                left = form.device.token_set.count()
                messages.warning(request, _("You logged in with a backup code; %(count)d left.") % {"count": left})
            return redirect(_next(request))
        record(Kind.OTP_FAILURE, actor=user, detail={"purpose": "login"})
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)}, status=400 if form.errors else 200)


def _qr(data: str) -> SafeString:
    """The otpauth:// address as an inline SVG QR code, large enough for a phone's camera."""
    code = segno.make(data, error="m", micro=False)
    title = _("QR code for your authenticator app")
    return mark_safe(code.svg_inline(scale=5, border=4, title=title, svgclass="qr", lineclass=None))  # noqa: S308


def _may_enrol(request) -> bool:
    """A first device right after the password; another one only after re-authentication."""
    if not otp.has_device(request.user):
        return True
    at = request.session.get(REAUTH_SESSION_KEY)
    return bool(request.user.is_verified() and at and time.time() - at < REAUTH_VALID_SECONDS)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Add a TOTP app: QR code, the secret as text, confirm with a code; then ten backup codes, once."""
    user = request.user
    if not _may_enrol(request):
        if not user.is_verified():
            return redirect(_with_next("accounts:verify", request.get_full_path()))
        messages.info(request, _("Confirm with your password and a code before adding another device."))
        return redirect("accounts:security")
    device = otp.pending_device(user)
    form = EnrolForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.name = (request.POST.get("name") or "").strip()[:64] or device.name
        device.save(update_fields=["confirmed", "name", "last_t"])
        record(Kind.DEVICE_ADDED, actor=user, detail={"device": device.name})
        request.session.pop(REAUTH_SESSION_KEY, None)
        _verified(request, device)
        if otp.backup_device(user) is None:
            request.session[BACKUP_CODES_SESSION_KEY] = otp.new_backup_codes(user)
            record(Kind.BACKUP_CODES, actor=user)
            return redirect(_with_next("accounts:backup_codes", _next(request)))
        messages.success(request, _("The device was added."))
        return redirect(_next(request, reverse("accounts:security")))
    context = {
        "form": form,
        "device": device,
        "secret": otp.base32_secret(device),
        "qr": _qr(device.config_url),
        "next": _next(request),
        "required": otp.otp_required(user),
    }
    return render(request, "accounts/enrol.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def backup_codes(request):
    """The new backup codes, shown once."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next(request)})


def _security_page(request, status: int = 200, **forms):
    user = request.user
    backup = otp.backup_device(user)
    context = {
        "devices": list(otp.totp_devices(user)),
        "backup_left": backup.token_set.count() if backup else 0,
        "required": otp.otp_required(user),
        "add_form": forms.get("add_form") or ReauthForm(user=user, purpose="add_device", prefix="them"),
        "remove_form": forms.get("remove_form") or RemoveDeviceForm(user=user, purpose="remove_device", prefix="xoa"),
        "codes_form": forms.get("codes_form") or ReauthForm(user=user, purpose="backup_codes", prefix="ma"),
        "password_form": forms.get("password_form") or PasswordChangeForm(user, prefix="mk"),
    }
    return render(request, "accounts/security.html", context, status=status)


@never_cache
@login_required
def security(request):
    return _security_page(request)


@login_required
@require_POST
def add_device(request):
    form = ReauthForm(request.POST, user=request.user, purpose="add_device", prefix="them")
    if not form.is_valid():
        return _security_page(request, 400, add_form=form)
    request.session[REAUTH_SESSION_KEY] = time.time()
    return redirect(_with_next("accounts:enrol", reverse("accounts:security")))


@login_required
@require_POST
def remove_device(request):
    user = request.user
    form = RemoveDeviceForm(request.POST, user=user, purpose="remove_device", prefix="xoa")
    if not form.is_valid():
        return _security_page(request, 400, remove_form=form)
    device = form.cleaned_data["device"]
    if otp.otp_required(user) and otp.totp_devices(user).count() <= 1:
        messages.error(request, _("Your role requires two-factor authentication: add another device before removing this one."))
        return redirect("accounts:security")
    name = device.name
    device.delete()
    if not otp.totp_devices(user).exists():
        StaticDevice.objects.filter(user=user).delete()
    record(Kind.DEVICE_REMOVED, actor=user, detail={"device": name})
    messages.success(request, _("The device “%(name)s” was removed.") % {"name": name})
    return redirect("accounts:security")


@login_required
@require_POST
def regenerate_codes(request):
    user = request.user
    if not otp.totp_devices(user).exists():
        raise PermissionDenied
    form = ReauthForm(request.POST, user=user, purpose="backup_codes", prefix="ma")
    if not form.is_valid():
        return _security_page(request, 400, codes_form=form)
    request.session[BACKUP_CODES_SESSION_KEY] = otp.new_backup_codes(user)
    record(Kind.BACKUP_CODES, actor=user, detail={"regenerated": True})
    return redirect(_with_next("accounts:backup_codes", reverse("accounts:security")))


@login_required
@require_POST
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST, prefix="mk")
    if not form.is_valid():
        return _security_page(request, 400, password_form=form)
    form.save()  # the audit row comes from the user's post_save signal
    update_session_auth_hash(request, form.user)
    messages.success(request, _("Your password was changed."))
    return redirect("accounts:security")
