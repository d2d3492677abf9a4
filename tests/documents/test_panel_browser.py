"""The Documents panel in a real browser: render, progress, download."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.test_browser import log_in, open_plan_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return live_server.url


def test_clerk_renders_the_plan_pdf_and_downloads_it(page, demo_site):
    page.set_default_timeout(30_000)
    log_in(page, demo_site, username="vanthu")
    open_plan_list(page)
    page.get_by_role("link", name="Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả").click()
    panel = page.get_by_role("region", name="Văn bản")
    item = panel.get_by_role("listitem").filter(has_text="Kế hoạch và chương trình (PDF)")
    expect(item).to_contain_text("Chưa tạo tệp")
    item.get_by_role("button", name="Tạo tệp").click()
    download = item.get_by_role("link", name="Tải về")
    expect(download).to_be_visible(timeout=30_000)
    expect(item).to_contain_text("Đã có tệp · phiên bản 1")
    response = page.request.get(demo_site + download.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"

    page.reload()
    item = page.get_by_role("region", name="Văn bản").get_by_role("listitem").filter(has_text="Kế hoạch và chương trình (PDF)")
    expect(item).to_contain_text("phiên bản 1")
