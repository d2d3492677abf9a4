"""The directory in a real browser (headless Chromium)."""

import pytest
from playwright.sync_api import expect

from directory.models import Organisation
from tests.directory.files import ORGANISATION_HEADER, SNV_ROW, UBND_ROW, csv_bytes
from tests.factories import AdministrativeUnitFactory, OrganisationFactory, UserFactory
from tests.test_browser import log_in, open_admin_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def short_timeouts(page):
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


@pytest.fixture
def site(live_server, page):
    AdministrativeUnitFactory(code="L-P49", name="Tỉnh Quảng Nam", short_name="Quảng Nam")
    UserFactory(username="vanthu", role="clerk")
    log_in(page, live_server.url, "vanthu", "secret-pass-123")  # with the clerk's two-factor code
    return live_server.url


def test_import_a_csv_then_find_it(page, site):
    # Kind and tier may be written by their Vietnamese names.
    data = csv_bytes([ORGANISATION_HEADER, UBND_ROW, [*SNV_ROW[:3], "Sở, ban, ngành", "Tỉnh", *SNV_ROW[5:]]], bom=True)
    open_admin_menu(page)
    page.get_by_role("link", name="Danh bạ").click()
    page.get_by_role("link", name="Nhập từ tệp").first.click()
    expect(page.get_by_role("heading", name="Nhập danh sách cơ quan, đơn vị")).to_be_visible()
    page.get_by_label("Tệp (CSV hoặc XLSX)").set_input_files({"name": "danh-ba.csv", "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Kiểm tra tệp").click()

    expect(page.get_by_text("2 thêm mới")).to_be_visible()
    changes = page.get_by_role("table", name="Thay đổi")
    expect(changes.locator("tbody tr")).to_have_count(2)
    expect(changes).to_contain_text("quang-nam:so-noi-vu")
    assert Organisation.objects.count() == 0
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()

    expect(page.get_by_role("alert")).to_contain_text("Đã nhập xong: thêm mới 2, cập nhật 0, giữ nguyên 0.")
    page.get_by_label("Tìm kiếm").fill("so noi vu")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="Sở Nội vụ tỉnh Quảng Nam").click()
    expect(page.get_by_role("heading", name="Sở Nội vụ tỉnh Quảng Nam")).to_be_visible()
    expect(page.get_by_text("Ủy ban nhân dân tỉnh Quảng Nam")).to_be_visible()


def test_picker_finds_the_parent_without_accents(page, site):
    OrganisationFactory(code="quang-nam:ubnd-tinh", name="Ủy ban nhân dân tỉnh Quảng Nam")
    page.goto(f"{site}/danh-ba/to-chuc/them/")
    page.get_by_label("Tên*").fill("Sở Tài chính tỉnh Quảng Nam")
    page.get_by_label("Loại*").select_option(label="Sở, ban, ngành")
    page.get_by_label("Cấp*").select_option(label="Tỉnh")
    page.get_by_role("searchbox", name="Đơn vị hành chính: Gõ để tìm…").fill("quang nam")
    unit = page.get_by_label("Đơn vị hành chính", exact=True)
    expect(unit.locator("option")).to_have_count(2)
    unit.select_option(label="Tỉnh Quảng Nam (L-P49)")
    page.get_by_role("searchbox", name="Cơ quan cấp trên: Gõ để tìm…").fill("uy ban")
    parent = page.get_by_label("Cơ quan cấp trên", exact=True)
    expect(parent.locator("option")).to_have_count(2)
    parent.select_option(label="Ủy ban nhân dân tỉnh Quảng Nam")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Sở Tài chính tỉnh Quảng Nam")).to_be_visible()
    created = Organisation.objects.get(name="Sở Tài chính tỉnh Quảng Nam")
    assert (created.code, created.parent.code, created.admin_unit.code) == (
        "quang-nam:so-tai-chinh",
        "quang-nam:ubnd-tinh",
        "L-P49",
    )
