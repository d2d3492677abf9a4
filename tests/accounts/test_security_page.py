"""The account security page: devices, backup codes, password; every change
confirmed with the password and a code, and written to the audit log."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import DEMO_KEY, give_demo_device
from audit.models import AuditEvent, Kind
from tests.conftest import otp_code, page_text
from tests.factories import UserFactory

PASSWORD = "secret-pass-123"  # noqa: S105 - UserFactory's password
pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    user = UserFactory(username="vanthu", role="clerk")
    give_demo_device(user)
    client.force_login(user)  # verified with the demo device
    return user


def test_the_page_lists_the_devices(client, clerk):
    text = page_text(client.get(reverse("accounts:security")).content)
    assert "Bảo mật tài khoản" in text and "demo" in text and "Bắt buộc với vai trò" in text


def test_add_a_second_device_after_reauthentication(client, clerk):
    assert client.get(reverse("accounts:enrol")).status_code == 302  # not without re-authentication
    response = client.post(reverse("accounts:add_device"), {"them-password": PASSWORD, "them-code": "111111"})
    assert response.status_code == 400
    TOTPDevice.objects.get(user=clerk).throttle_reset()
    response = client.post(reverse("accounts:add_device"), {"them-password": PASSWORD, "them-code": otp_code(clerk)})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:enrol"))
    assert client.get(reverse("accounts:enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post(reverse("accounts:enrol"), {"code": code, "name": "Máy tính bảng", "next": "/tai-khoan/bao-mat/"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=clerk, confirmed=True).count() == 2
    assert AuditEvent.objects.filter(kind=Kind.DEVICE_ADDED, actor=clerk, detail__device="Máy tính bảng").exists()


def test_remove_a_device_needs_another_one_for_a_required_role(client, clerk):
    device = TOTPDevice.objects.get(user=clerk)
    data = {"xoa-device": device.pk, "xoa-password": PASSWORD, "xoa-code": otp_code(clerk)}
    response = client.post(reverse("accounts:remove_device"), data, follow=True)
    assert "thêm thiết bị khác trước khi gỡ" in page_text(response.content)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    other = TOTPDevice.objects.create(user=clerk, name="Dự phòng", confirmed=True)
    data = {"xoa-device": other.pk, "xoa-password": "wrong-password-1", "xoa-code": otp_code(clerk)}
    assert client.post(reverse("accounts:remove_device"), data).status_code == 400
    data = {"xoa-device": other.pk, "xoa-password": PASSWORD, "xoa-code": otp_code(clerk)}
    assert client.post(reverse("accounts:remove_device"), data).status_code == 302
    assert not TOTPDevice.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(kind=Kind.DEVICE_REMOVED, actor=clerk, detail__device="Dự phòng").exists()


def test_regenerate_backup_codes(client, clerk):
    old = StaticDevice.objects.create(user=clerk, name="backup")
    old.token_set.create(token="oldcode22")
    response = client.post(reverse("accounts:regenerate_codes"), {"ma-password": PASSWORD, "ma-code": otp_code(clerk)})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    tokens = list(StaticDevice.objects.get(user=clerk).token_set.values_list("token", flat=True))
    assert len(tokens) == 10 and "oldcode22" not in tokens
    assert all(token in page for token in tokens)
    assert AuditEvent.objects.filter(kind=Kind.BACKUP_CODES, actor=clerk, detail__regenerated=True).exists()


def test_change_the_password(client, clerk):
    data = {"mk-old_password": PASSWORD, "mk-new_password1": "ngan1", "mk-new_password2": "ngan1"}
    response = client.post(reverse("accounts:change_password"), data)
    assert response.status_code == 400 and "cần ít nhất 12 ký tự" in page_text(response.content)
    data = {"mk-old_password": PASSWORD, "mk-new_password1": "MatKhauMoi2026", "mk-new_password2": "MatKhauMoi2026"}
    assert client.post(reverse("accounts:change_password"), data).status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("MatKhauMoi2026")
    assert client.get(reverse("dashboard")).status_code == 200  # still logged in and verified
    assert AuditEvent.objects.filter(kind=Kind.PASSWORD_CHANGED, object_id=str(clerk.pk), actor=clerk).count() == 1


def test_demo_otp_code_prints_the_code_of_the_demo_key(clerk, settings, capsys):
    settings.DEBUG = False
    call_command("demo_otp_code", "vanthu")
    assert capsys.readouterr().out.strip() == f"{TOTP(bytes.fromhex(DEMO_KEY)).token():06d}"
    other = UserFactory(username="lanhdao", role="reviewer")
    TOTPDevice.objects.create(user=other, name="app", confirmed=True)
    with pytest.raises(CommandError):
        call_command("demo_otp_code", "lanhdao")
    settings.DEBUG = True
    call_command("demo_otp_code", "lanhdao")
    assert len(capsys.readouterr().out.strip()) == 6
