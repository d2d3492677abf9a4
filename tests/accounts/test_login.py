"""The login with a second factor: code step, enrolment, backup codes,
lockout after failed attempts, password policy, idle expiry, the admin."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import give_demo_device
from audit.models import AuditEvent, Kind
from tests.conftest import otp_code, page_text
from tests.factories import UserFactory

PASSWORD = "secret-pass-123"  # noqa: S105 - UserFactory's password
LOGIN = "/dang-nhap/"

pytestmark = [pytest.mark.real_otp, pytest.mark.django_db]


def _log_in(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_a_reviewer_with_a_device_gives_a_code_after_the_password(client):
    reviewer = UserFactory(username="lanhdao", role="reviewer")
    give_demo_device(reviewer)
    response = _log_in(client, "lanhdao", next_url="/ke-hoach/")
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:verify')}?next=%2Fke-hoach%2F"
    assert client.get("/ke-hoach/").status_code == 302  # not yet
    assert client.post(reverse("workflow:notifications")).status_code == 403
    # The code page offers no menu into the app yet: only the language switch and logout.
    page = client.get(reverse("accounts:verify")).content.decode()
    assert reverse("conferences:plan_list") not in page and reverse("workflow:notifications") not in page
    assert reverse("logout") in page

    response = client.post(reverse("accounts:verify"), {"code": "000000", "next": "/ke-hoach/"})
    assert response.status_code == 400
    assert "Mã xác thực không đúng" in page_text(response.content)
    TOTPDevice.objects.get(user=reviewer).throttle_reset()

    response = client.post(reverse("accounts:verify"), {"code": otp_code(reviewer), "next": "/ke-hoach/"})
    assert response.status_code == 302 and response.url == "/ke-hoach/"
    assert client.get("/ke-hoach/").status_code == 200
    assert reverse("conferences:plan_list") in client.get(reverse("accounts:security")).content.decode()  # the menu is back
    kinds = list(AuditEvent.objects.filter(username="lanhdao").order_by("id").values_list("kind", flat=True))
    assert kinds == [Kind.LOGIN, Kind.OTP_FAILURE, Kind.OTP_VERIFIED]


def test_a_drafter_without_a_device_needs_no_code(client):
    UserFactory(username="soanthao", role="drafter")
    response = _log_in(client, "soanthao")
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_drafter_with_a_device_must_give_the_code(client):
    drafter = UserFactory(username="soanthao", role="drafter")
    give_demo_device(drafter)
    response = _log_in(client, "soanthao")
    assert response.url.startswith(reverse("accounts:verify"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_enrolment_of_a_clerk_at_the_first_login(client):
    clerk = UserFactory(username="vanthu", role="clerk")
    response = _log_in(client, "vanthu")
    assert response.url.startswith(reverse("accounts:enrol"))
    assert client.get(reverse("dashboard")).url.startswith(reverse("accounts:enrol"))

    page = client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    text = page_text(page.content)
    secret = text.split("Khóa bí mật (để nhập tay):")[1].split("Theo thời gian")[0].strip()
    from base64 import b32decode

    assert b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)) == device.bin_key
    assert "<svg" in page.content.decode()  # the QR code

    response = client.post(reverse("accounts:enrol"), {"code": "123456", "next": "/"})
    assert response.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post(reverse("accounts:enrol"), {"code": code, "name": "Điện thoại Hùng", "next": "/"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:backup_codes"))
    device.refresh_from_db()
    assert device.confirmed and device.name == "Điện thoại Hùng"

    codes_page = client.get(response.url)
    tokens = list(StaticDevice.objects.get(user=clerk).token_set.values_list("token", flat=True))
    assert len(tokens) == 10
    for token in tokens:
        assert token in codes_page.content.decode()
    assert client.get(response.url).status_code == 302  # shown once
    assert client.get(reverse("dashboard")).status_code == 200  # verified
    kinds = set(AuditEvent.objects.filter(actor=clerk).values_list("kind", flat=True))
    assert {Kind.DEVICE_ADDED, Kind.BACKUP_CODES, Kind.OTP_VERIFIED} <= kinds


def test_login_with_a_backup_code_once(client):
    clerk = UserFactory(username="vanthu", role="clerk")
    give_demo_device(clerk)
    device = StaticDevice.objects.create(user=clerk, name="backup")
    device.token_set.create(token="abcd2345")
    _log_in(client, "vanthu")
    response = client.post(reverse("accounts:verify"), {"code": "abcd 2345", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert "còn 0 mã" in page_text(response.content)
    client.logout()
    _log_in(client, "vanthu")
    assert client.post(reverse("accounts:verify"), {"code": "abcd2345"}).status_code == 400  # used


def test_the_admin_needs_a_verified_session_too(client):
    admin = UserFactory(username="quantri", role="drafter", is_staff=True, is_superuser=False)
    client.force_login(admin)
    assert client.get(reverse("dashboard")).status_code == 200  # a drafter: optional
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:enrol"))
    assert type(client)().get("/quan-tri/login/?next=/quan-tri/").url == f"{LOGIN}?next=/quan-tri/"  # one login page


def test_lockout_after_five_failures_and_unlock_by_an_admin(client, settings):
    UserFactory(username="lanhdao", role="drafter")
    for attempt in range(4):
        response = _log_in(client, "lanhdao", password=f"wrong-{attempt}")
        assert response.status_code == 200
        assert "Sau 5 lần nhập sai" in page_text(response.content)
    response = _log_in(client, "lanhdao", password="wrong-5")
    assert response.status_code == 429
    text = page_text(response.content)
    assert "tài khoản bị khóa trên máy này trong 30 phút" in text
    # Locked: even the right password is refused.
    assert _log_in(client, "lanhdao").status_code == 429
    assert AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED, username="lanhdao").count() == 6
    assert AuditEvent.objects.filter(kind=Kind.LOCKOUT, username="lanhdao").count() == 2
    lockout = AuditEvent.objects.filter(kind=Kind.LOCKOUT).first()
    assert lockout.ip == "127.0.0.1"
    # Another address is not locked (username + address).
    assert client.post(LOGIN, {"username": "lanhdao", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9").status_code == 302
    client.logout()

    admin = UserFactory(username="quantri", role="admin", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    verify_session(admin_client, admin)
    attempt = AccessAttempt.objects.get(username="lanhdao", ip_address="127.0.0.1")
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "lanhdao" in listing.content.decode()
    response = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.UNLOCK, username="lanhdao", actor=admin).exists()
    assert _log_in(client, "lanhdao").status_code == 302


def test_one_address_may_try_only_so_many_logins_whatever_the_usernames(client, settings):
    settings.LOGIN_RATE_PER_IP = 3
    cache.clear()
    UserFactory(username="soanthao", role="drafter")
    # Password spraying: a different username each time, so no lockout of a username applies.
    for name in ("an", "binh", "chi"):
        assert _log_in(client, name, password="HoiNghi@2026").status_code == 200
    response = _log_in(client, "dung", password="HoiNghi@2026")
    assert response.status_code == 429
    assert "Quá nhiều lần đăng nhập từ địa chỉ này" in page_text(response.content)
    assert AuditEvent.objects.filter(kind=Kind.LOGIN_RATE_LIMITED, username="dung", ip="127.0.0.1").exists()
    # Even the right password waits; another address does not.
    assert _log_in(client, "soanthao").status_code == 429
    assert client.post(LOGIN, {"username": "soanthao", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9").status_code == 302
    cache.clear()


def verify_session(client, user):
    from tests.conftest import verify_client_session

    verify_client_session(client, user)


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("HoiNghi@2026", True),
        ("dai-hon-muoi-hai-9", True),
        ("Ngan@2026", False),  # 9 characters
        ("chuongtrinhhoinghi", False),  # no digit
        ("202620262026", False),  # digits only
    ],
)
def test_password_policy(password, ok):
    user = UserFactory.build(username="vanthu", first_name="Hùng")
    if ok:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    messages = " ".join(caught.value.messages)
    assert "Mật khẩu" in messages or "mật khẩu" in messages


def test_password_policy_messages():
    with pytest.raises(ValidationError) as caught:
        validate_password("abcdefghijkl")
    assert "Mật khẩu phải có cả chữ cái và chữ số." in caught.value.messages
    with pytest.raises(ValidationError) as caught:
        validate_password("abc123")
    assert "Mật khẩu quá ngắn: cần ít nhất 12 ký tự." in caught.value.messages


def test_idle_session_expires_and_the_login_page_says_so(client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    UserFactory(username="soanthao", role="drafter")
    _log_in(client, "soanthao")
    assert client.get(reverse("dashboard")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=29)
    # 31 minutes without a request.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get("/ke-hoach/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN) and "het-han=1" in response.url
    assert "Phiên đã hết hạn" in page_text(client.get(response.url).content)
    # A plain visit to the login page says nothing of the kind.
    assert "Phiên đã hết hạn" not in page_text(type(client)().get(LOGIN).content)


def test_activity_moves_the_expiry_forward(client, monkeypatch):
    UserFactory(username="soanthao", role="drafter")
    _log_in(client, "soanthao")
    first = Session.objects.get().expire_date
    import time as time_module

    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + 120)
    client.get(reverse("dashboard"))
    assert Session.objects.get().expire_date > first
