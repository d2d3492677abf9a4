"""In a real browser: a unit office uploads its contribution from the
dashboard; the organiser sees it on the status board and builds the booklet."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.test_browser import demo_site, log_in, log_out  # noqa: F401 - demo_site is a fixture

from .conftest import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def generous_timeouts(page):
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)


@pytest.fixture
def site(request, live_server):  # live_server named here: pytest-django then allows its host
    from conferences.models import Plan
    from contributions.models import ContributionRequest

    url = request.getfixturevalue("demo_site")
    # Seed 000's deadline has passed long ago: give the units a week from today.
    plan = Plan.objects.get(key="seed-000")
    ContributionRequest.objects.filter(plan=plan).update(deadline=datetime.date.today() + datetime.timedelta(days=7))
    return url


def test_unit_uploads_and_the_organiser_builds_the_booklet(page, site, tmp_path):
    pdf = tmp_path / "tham-luan-tam-ky.pdf"
    pdf.write_bytes(make_pdf("Tham luận của thành phố Tam Kỳ về Chỉ số PAPI"))

    log_in(page, site, username="donvi")
    requests = page.get_by_role("region", name="Tham luận đơn vị được đề nghị")
    expect(requests.get_by_role("listitem")).to_have_count(2)  # Tam Kỳ speaks twice in seed 000's agenda
    requests.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Tham luận: Ủy ban nhân dân thành phố Tam Kỳ")).to_be_visible()
    page.get_by_label("Tệp tham luận (PDF hoặc DOCX)").set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã nhận tham luận (phiên bản 1)")
    expect(page.get_by_role("table", name="Các phiên bản đã nhận")).to_contain_text("tham-luan-tam-ky.pdf")
    log_out(page)

    log_in(page, site, username="soanthao")
    page.get_by_role("navigation", name="Trình đơn chính").get_by_role("link", name="Tham luận", exact=True).click()
    page.get_by_role("link", name="Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả").first.click()
    board = page.get_by_role("table", name="Tham luận được yêu cầu theo kế hoạch")
    tam_ky = board.locator("tr", has_text="Ủy ban nhân dân thành phố Tam Kỳ").first
    expect(tam_ky).to_contain_text("Đã nộp")
    expect(board.locator("tr", has_text="Ủy ban nhân dân huyện Thăng Bình")).to_contain_text("Chưa bắt đầu")

    panel = page.get_by_role("region", name="Tài liệu hội nghị")
    expect(panel).to_contain_text("Chưa tạo")
    panel.get_by_role("button", name="Tạo tài liệu").click()
    download_link = panel.get_by_role("link", name="Tải về")
    expect(download_link).to_be_visible()
    expect(panel).to_contain_text("Đã có tệp")
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.endswith(".pdf")
