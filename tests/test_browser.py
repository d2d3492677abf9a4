"""What a user sees in a real browser (headless Chromium)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def short_timeouts(page):
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return live_server.url


def log_in(page, base_url, username="soanthao", password="HoiNghi@2026"):
    """Username and password, then the code step when the user has one: the
    code is computed from the device's key (the demo key; a user of a role
    that requires a second factor and has none gets a demo device first)."""
    from accounts.otp import give_demo_device, has_device, needs_second_factor
    from directory.models import User
    from tests.conftest import otp_code

    user = User.objects.filter(username=username).first()
    code_step = user is not None and user.check_password(password) and needs_second_factor(user)
    if code_step and not has_device(user):
        give_demo_device(user)
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    if code_step:
        page.get_by_label("Mã xác thực").fill(otp_code(user))
        page.get_by_role("button", name="Xác nhận").click()
        expect(page.get_by_label("Mã xác thực")).to_have_count(0)


def main_menu(page):
    return page.get_by_role("navigation", name="Trình đơn chính")


def open_plan_list(page):
    main_menu(page).get_by_role("link", name="Kế hoạch", exact=True).click()


def open_user_menu(page):
    """The menu under the user's name: account security, language, log out."""
    main_menu(page).locator("#nav-user").click()


def open_admin_menu(page):
    """The "Quản trị" menu: directory, security log, task failures, Django admin."""
    main_menu(page).locator("#nav-admin").click()


def log_out(page):
    open_user_menu(page)
    main_menu(page).get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()


def test_log_in_filter_and_read_a_plan(page, demo_site):
    log_in(page, demo_site)
    dashboard = page.get_by_role("region", name="Dự thảo của đơn vị tôi")
    # The one Quảng Nam draft of Sở Nội vụ (seed 001); the demo issued seeds 000 and 002.
    expect(dashboard.get_by_role("listitem")).to_have_count(1)
    expect(dashboard).to_contain_text("Tổ chức Hội nghị tổng kết công tác cải cách hành chính năm 2023")
    open_plan_list(page)
    expect(page.get_by_role("heading", name="Kế hoạch", exact=True)).to_be_visible()
    expect(page.get_by_text("5 kế hoạch")).to_be_visible()

    page.get_by_label("Tỉnh").select_option(label="Tỉnh Ninh Thuận")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_text("1 kế hoạch")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()

    document = page.get_by_role("article", name="Văn bản kế hoạch")
    expect(document).to_contain_text("TỈNH NINH THUẬN")
    expect(document).to_contain_text("1. Tại điểm cầu cấp tỉnh:")
    expect(document).to_contain_text("Sở Tài chính: Công tác triển khai các giải pháp cải thiện chỉ số thành phần")
    expect(document).to_contain_text("Lưu: VT, VXNV. NAM.")


def test_agenda_table_in_the_browser(page, demo_site):
    log_in(page, demo_site)
    open_plan_list(page)
    page.get_by_role("link", name="Tổ chức Hội nghị trực tuyến đánh giá kết quả Chỉ số Hiệu quả Quản trị").click()
    agenda = page.get_by_role("table", name="Chương trình")
    expect(agenda.locator("tr.agenda-item")).to_have_count(9)
    expect(agenda.locator("tr.agenda-subitem")).to_have_count(5)
    expect(agenda).to_contain_text("UBND huyện Tháp Mười")
    expect(agenda).to_contain_text("thời gian phát biểu không quá 07 phút")


def test_wrong_password_keeps_the_username(page, demo_site):
    log_in(page, demo_site, password="sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("soanthao")


def test_live_preview_and_keyboard_reorder(page, demo_site):
    from conferences.models import AgendaItem, Plan
    from tests.conftest import draft_copy

    plan = draft_copy("seed-000")  # the demo issued seed 000 itself
    first, second = AgendaItem.objects.filter(plan=plan, parent=None).order_by("order")[:2]
    log_in(page, demo_site)
    page.goto(f"{demo_site}/ke-hoach/{plan.pk}/sua/thong-tin-chung/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Trích yếu").fill("Tổ chức Hội nghị thử xem trước trực tiếp")
    preview = page.get_by_role("article", name="Văn bản kế hoạch")
    expect(preview).to_contain_text("Tổ chức Hội nghị thử xem trước trực tiếp")
    assert page.evaluate("window.notReloaded") is True  # updated in place, no reload
    assert Plan.objects.get(pk=plan.pk).subject != "Tổ chức Hội nghị thử xem trước trực tiếp"  # nothing saved

    page.on("dialog", lambda dialog: dialog.accept())  # leave the page without saving
    page.get_by_role("link", name="Chương trình", exact=True).click()
    row = page.locator("#items-rows > [data-row]").first
    row.get_by_role("button", name="Chuyển xuống").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#items-rows > [data-row]").nth(1).get_by_label("Nội dung", exact=True)).to_have_value(first.content)
    agenda = page.get_by_role("table", name="Chương trình").locator("tr.agenda-item")
    expect(agenda.first).to_contain_text(second.content)  # the preview follows
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu")).to_be_visible()
    assert list(AgendaItem.objects.filter(plan=plan, parent=None).order_by("order")[:2]) == [second, first]
