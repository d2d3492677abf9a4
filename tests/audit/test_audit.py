"""The security audit log: the events written, append-only, the admin page
with its search and its CSV and XLSX exports."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AppendOnly, AuditEvent, Kind
from audit.services import record
from tests.conftest import page_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _kinds(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("kind", flat=True))


def test_user_created_and_permission_changes():
    user = UserFactory(username="moi", role="drafter")
    event = AuditEvent.objects.get(kind=Kind.USER_CREATED)
    assert event.object_id == str(user.pk) and event.detail["role"] == "drafter"

    user.role = "reviewer"
    user.is_staff = True
    user.save()
    change = AuditEvent.objects.filter(kind=Kind.PERMISSION_CHANGE).get()
    assert change.detail == {"changes": {"role": ["drafter", "reviewer"], "is_staff": [False, True]}}

    user.first_name = "Lan"
    user.save()  # not a permission
    assert AuditEvent.objects.filter(kind=Kind.PERMISSION_CHANGE).count() == 1

    group = Group.objects.create(name="Văn thư")
    user.groups.add(group)
    permission = Permission.objects.get(codename="change_plan")
    user.user_permissions.add(permission)
    user.groups.remove(group)
    group.user_set.add(user)
    details = [e.detail for e in AuditEvent.objects.filter(kind=Kind.PERMISSION_CHANGE).order_by("id")][1:]
    assert details[0] == {"groups": {"added": ["Văn thư"]}}
    assert list(details[1]["user_permissions"]) == ["added"]
    assert details[2] == {"groups": {"removed": ["Văn thư"]}}
    assert details[3] == {"groups": {"added": ["Văn thư"]}}


def test_login_logout_and_failed_login_through_the_web(client):
    UserFactory(username="soanthao", role="drafter")
    client.post("/dang-nhap/", {"username": "soanthao", "password": "sai-mat-khau-1"}, HTTP_USER_AGENT="Trình duyệt thử")
    client.post("/dang-nhap/", {"username": "soanthao", "password": "secret-pass-123"})
    client.post(reverse("logout"))
    assert _kinds(username="soanthao") == [Kind.LOGIN_FAILED, Kind.LOGIN, Kind.LOGOUT]
    failed = AuditEvent.objects.get(kind=Kind.LOGIN_FAILED)
    assert (failed.actor, failed.ip, failed.user_agent) == (None, "127.0.0.1", "Trình duyệt thử")


def test_events_are_append_only():
    event = record(Kind.LOGIN, username="x")
    event.detail = {"changed": True}
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="quantri", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def _events():
    old = record(Kind.LOGIN_FAILED, username="lanhdao", detail={"note": "mật khẩu sai"})
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=10))
    record(Kind.SIGN, username="lanhdao", detail={"reauthenticated": True})
    record(Kind.ISSUE, username="vanthu", detail={"number": "01/KH-UBND"})


def test_the_audit_page_searches_and_filters(admin_client):
    _events()
    url = reverse("audit:list")
    text = page_text(admin_client.get(url).content)
    assert "Nhật ký bảo mật" in text and "Ký văn bản" in text and "Ban hành" in text
    text = page_text(admin_client.get(url, {"q": "01/KH"}).content)
    assert "1 sự kiện" in text and "vanthu" in text
    assert "number: 01/KH-UBND" in text and "{" not in text  # the detail as “key: value”, not a Python dict
    assert "1 sự kiện" in page_text(admin_client.get(url, {"kind": "sign"}).content)
    assert "2 sự kiện" in page_text(admin_client.get(url, {"user": "LANHDAO"}).content)
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert "1 sự kiện" in page_text(admin_client.get(url, {"date_from": week_ago, "user": "lanhdao"}).content)
    text = page_text(admin_client.get(url, {"date_to": week_ago}).content)
    assert "1 sự kiện" in text and "mật khẩu sai" in text


def test_csv_and_xlsx_exports_of_the_filtered_rows(admin_client):
    _events()
    response = admin_client.get(reverse("audit:export_csv"), {"user": "lanhdao"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Thời điểm", "Sự kiện", "Tên đăng nhập"]
    assert [row[1] for row in rows[1:]] == ["Ký văn bản", "Đăng nhập không thành công"]
    assert '"note": "mật khẩu sai"' in rows[2][7]

    response = admin_client.get(reverse("audit:export_xlsx"), {"kind": "issue"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert values[1][1:3] == ["Ban hành", "vanthu"] and "01/KH-UBND" in values[1][7]


@pytest.mark.parametrize("role", ["drafter", "reviewer", "clerk", "unit_office"])
def test_the_audit_page_is_for_admins_only(client, role):
    client.force_login(UserFactory(role=role))
    for name in ("audit:list", "audit:export_csv", "audit:export_xlsx"):
        assert client.get(reverse(name)).status_code == 403
    assert "Nhật ký bảo mật" not in page_text(client.get(reverse("dashboard")).content)


def test_admins_see_the_nav_link(admin_client):
    assert reverse("audit:list") in admin_client.get(reverse("dashboard")).content.decode()
