"""A clerk's first login in a real browser: password, then enrolment of an
authenticator app (the secret read from the page, the code computed from it),
then the ten backup codes, then the dashboard."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def timeouts(page):
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)


def test_a_clerk_enrols_at_the_first_login(page, live_server):
    UserFactory(username="vanthu", role="clerk", first_name="Hùng", organisation=OrganisationFactory())
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill("secret-pass-123")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", name="Thiết lập xác thực hai lớp")).to_be_visible()
    expect(page.locator("svg.qr")).to_be_visible()
    secret = page.locator("[data-otp-secret]").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Tên thiết bị (không bắt buộc)").fill("Điện thoại của Hùng")
    page.get_by_label("Mã xác thực").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Xác nhận và bật").click()

    expect(page.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
    codes = page.get_by_role("list", name="Mã dự phòng").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Tôi đã lưu giữ các mã: tiếp tục").click()
    expect(page.get_by_role("heading", name="Xin chào", exact=False)).to_be_visible()

    page.get_by_role("button", name="Hùng", exact=False).click()  # the menu under the user's name
    page.get_by_role("link", name="Bảo mật tài khoản").click()
    expect(page.get_by_role("heading", name="Bảo mật tài khoản")).to_be_visible()
    expect(page.get_by_role("table", name="Ứng dụng xác thực")).to_contain_text("Điện thoại của Hùng")
