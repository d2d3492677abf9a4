"""In a real browser: the organiser sends, a unit office replies with two
delegates, the dashboard and the XLSX show them, a check-in updates the count."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.test_browser import log_in, log_out

from .conftest import build_conference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def short_timeouts(page, media_in_tmp):
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)


def test_send_reply_dashboard_export_and_check_in(page, live_server, tmp_path):
    setup = build_conference(hall_units=2, districts=0)
    organiser = UserFactory(role="clerk", username="vanphong", organisation=setup.issuer)
    unit = setup.hall_units[0]
    UserFactory(role="unit_office", username="so1", organisation=unit)
    base = live_server.url

    # The organiser builds the list from the plan and sends.
    log_in(page, base, organiser.username, PASSWORD)
    page.get_by_role("navigation", name="Trình đơn chính").get_by_role("link", name="Giấy mời").click()
    page.get_by_role("link", name=setup.plan.subject_one_line).click()
    page.get_by_role("link", name="Danh sách và gửi").click()
    page.get_by_role("button", name="Thêm các đơn vị trong thành phần tham dự").click()
    expect(page.get_by_role("alert").filter(has_text="Đã thêm 2 đơn vị")).to_be_visible()
    page.get_by_role("button", name="Ban hành và gửi Giấy mời").click()
    expect(page.locator("[data-count='sent']")).to_have_text("2")
    page.screenshot(path=str(tmp_path / "dashboard-sent.png"), full_page=True)
    log_out(page)

    # The unit office answers with two delegates.
    log_in(page, base, "so1", PASSWORD)
    page.get_by_role("navigation", name="Trình đơn chính").get_by_role("link", name="Giấy mời").click()
    page.get_by_role("link", name="01/GM-UBND").click()
    expect(page.get_by_role("heading", name="Trả lời Giấy mời")).to_be_visible()
    page.get_by_label("Có, đơn vị tham dự").check()
    page.get_by_label("Số đại biểu", exact=True).fill("2")
    page.get_by_label("Họ tên đại biểu 1").fill("Trần Thị Bích")
    page.get_by_label("Chức vụ đại biểu 1").fill("Phó Giám đốc Sở")
    page.get_by_label("Họ tên đại biểu 2").fill("Nguyễn Văn An")
    page.get_by_label("Chức vụ đại biểu 2").fill("Chuyên viên")
    page.get_by_label("Người liên hệ").fill("Lê Văn Liên")
    page.get_by_label("Điện thoại liên hệ").fill("0905 123 456")
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.get_by_role("alert").filter(has_text="Cảm ơn")).to_be_visible()
    expect(page.get_by_role("list", name="Đại biểu")).to_contain_text("Nguyễn Văn An")
    page.screenshot(path=str(tmp_path / "reply.png"), full_page=True)
    log_out(page)

    # The organiser sees them, exports them, checks one in.
    log_in(page, base, organiser.username, PASSWORD)
    page.goto(f"{base}/giay-moi/ke-hoach/{setup.plan.pk}/")
    expect(page.locator("[data-count='delegates']")).to_have_text("2")
    expect(page.locator("[data-count='yes']")).to_have_text("1")
    expect(page.get_by_role("table", name="Đơn vị được mời")).to_contain_text("Tham dự")
    with page.expect_download() as download:
        page.get_by_role("link", name="Danh sách đại biểu (XLSX)").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["Nguyễn Văn An", "Trần Thị Bích"]

    page.get_by_role("link", name="Điểm danh", exact=True).click()
    counts = page.get_by_role("region", name="Có mặt: 0 / 2")
    expect(page.locator("[data-present]")).to_have_text("0")
    page.get_by_label("Tên đại biểu hoặc đơn vị").fill("bich")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Điểm danh Trần Thị Bích").click()
    expect(page.locator("[data-present]")).to_have_text("1")
    expect(page.locator("[data-named]")).to_have_text("2")
    assert page.evaluate("window.notReloaded") is True
    del counts
    page.screenshot(path=str(tmp_path / "checkin.png"), full_page=True)
    import shutil

    for name in ("dashboard-sent.png", "reply.png", "checkin.png"):
        shutil.copy(tmp_path / name, f"/tmp/{name}")
