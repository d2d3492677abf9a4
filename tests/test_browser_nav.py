"""The main navigation bar on a laptop and on a phone (headless Chromium):
it fits in one row at 1024 px, and below the lg breakpoint it collapses behind
a hamburger that works with the keyboard, the unread count staying visible."""

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import demo_site, log_in, log_out, main_menu  # noqa: F401 - demo_site is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """nav => ({
    scroll: nav.scrollWidth, client: nav.clientWidth,
    page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,
    height: nav.getBoundingClientRect().height,
})"""


@pytest.fixture
def site(request, live_server):  # live_server named here: pytest-django then allows its host
    return request.getfixturevalue("demo_site")


@pytest.fixture(autouse=True)
def short_timeouts(page):
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


def assert_fits(page, who):
    nav = main_menu(page)
    size = nav.evaluate(OVERFLOW)
    assert size["scroll"] <= size["client"], f"{who}: the menu overflows {size}"
    assert size["page"] <= size["viewport"], f"{who}: the page scrolls sideways {size}"
    assert size["height"] < 80, f"{who}: the menu takes more than one row {size}"
    right = nav.locator("#nav-user").bounding_box()
    assert right["x"] + right["width"] <= size["viewport"], f"{who}: the user's menu is off screen"


def test_the_menu_fits_at_1024_px_and_its_menus_work_with_the_keyboard(page, site):
    page.set_viewport_size({"width": 1024, "height": 768})
    nav = main_menu(page)

    # The administrator has the most items; the unit office the longest label.
    log_in(page, site, "quantri")
    expect(nav.get_by_role("button", name="Hiện trình đơn")).to_be_hidden()
    for name in ("Tổng quan", "Kế hoạch", "Giấy mời", "Tham luận", "Chỉ số"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_fits(page, "quantri")

    # "Quản trị" opens with the keyboard, the arrows move through its items, Escape closes it.
    admin = nav.locator("#nav-admin")
    expect(admin).to_have_text("Quản trị")
    admin.focus()
    page.keyboard.press("Enter")
    expect(admin).to_have_attribute("aria-expanded", "true")
    items = nav.locator("#nav-admin + .dropdown-menu").get_by_role("link")
    expect(items).to_have_text(["Danh bạ", "Nhật ký bảo mật", "Lỗi tác vụ", "Quản trị dữ liệu"])
    page.keyboard.press("ArrowDown")
    expect(nav.get_by_role("link", name="Danh bạ")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(nav.get_by_role("link", name="Nhật ký bảo mật")).to_be_focused()
    page.keyboard.press("Escape")
    expect(admin).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Danh bạ")).to_be_hidden()
    expect(admin).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nhật ký bảo mật")).to_be_visible()
    log_out(page)

    log_in(page, site, "donvi")
    expect(nav.get_by_role("link", name="Nhiệm vụ cải thiện chỉ số")).to_be_visible()
    expect(nav.locator("#nav-admin")).to_have_count(0)  # nothing to administer
    assert_fits(page, "donvi")


def test_at_390_px_the_hamburger_opens_the_menu(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, site, "soanthao")
    nav = main_menu(page)
    plans = nav.get_by_role("link", name="Kế hoạch", exact=True)
    toggler = nav.get_by_role("button", name="Hiện trình đơn")

    expect(plans).to_be_hidden()
    expect(nav.get_by_role("link", name=re.compile(r"^Thông báo \d+$"))).to_be_visible()  # unread, beside the hamburger
    expect(toggler).to_have_attribute("aria-expanded", "false")
    size = nav.evaluate(OVERFLOW)
    assert size["page"] <= size["viewport"], size

    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(plans).to_be_visible()
    expect(nav.locator("#nav-user")).to_be_visible()
    plans.click()
    expect(page.get_by_role("heading", name="Kế hoạch", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Kế hoạch", exact=True)).to_be_hidden()  # collapsed again on the new page
