"""From draft to an issued, signed plan in a real browser, with the drafter,
the Director of Home Affairs who reviews first, and the Vice-Chairman who
approves and signs (then the clerk of the People's Committee office issues
it): submit → return with a comment → fix → submit → pass on → approve →
sign → issue. The issued plan has its number and date, its download is
signed, and the editor is gone."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conferences.models import Plan
from directory.models import User
from tests.conftest import collapse, draft_copy, otp_code
from tests.documents.pdfutil import pdftotext
from tests.test_browser import log_in as shared_log_in
from tests.test_browser import log_out
from workflow import signing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "HoiNghi@2026"  # noqa: S105 - demo accounts


@pytest.fixture
def site(live_server):
    call_command("load_demo", stdout=io.StringIO())
    plan = draft_copy("seed-000")  # the demo issued seed 000 itself
    return live_server.url, plan


@pytest.fixture(autouse=True)
def timeouts(page):
    page.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)


def log_in(page, base, username):
    shared_log_in(page, base, username, PASSWORD)  # with the code step for reviewers and clerks
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()


def confirm(form, username):
    """Password and a fresh code of the user's authenticator app (the demo key)."""
    form.get_by_label("Mật khẩu của đồng chí").fill(PASSWORD)
    form.get_by_label("Mã từ ứng dụng xác thực").fill(otp_code(User.objects.get(username=username)))


def open_waiting(page, plan):
    """The plan from the dashboard's “Waiting for me”."""
    waiting = page.get_by_role("region", name="Đang chờ tôi xử lý")
    waiting.get_by_role("link", name=plan.subject_one_line[:40]).click()
    expect(page.get_by_role("article", name="Văn bản kế hoạch")).to_be_visible()


def act(page, slug, button, comment="", message=""):
    form = page.locator(f"form[action$='/chuyen/{slug}/']")
    if comment:
        form.get_by_label("Ý kiến").fill(comment)
    form.get_by_role("button", name=button).click()
    if message:
        expect(page.get_by_role("alert").filter(has_text=message)).to_be_visible()


def test_draft_to_issued_and_signed_in_the_browser(page, site):
    base, plan = site
    plan_url = f"{base}/ke-hoach/{plan.pk}/"

    # The drafter names the review chain and submits.
    log_in(page, base, "soanthao")
    page.goto(plan_url)
    page.get_by_role("link", name="Thiết lập trình tự thẩm định").click()
    page.get_by_label("Người thẩm định 1").select_option(label="Phạm Văn Minh — Giám đốc Sở Nội vụ")
    page.get_by_label("Người thẩm định 2").select_option(label="Hồ Quang Bửu — Phó Chủ tịch Ủy ban nhân dân tỉnh")
    page.get_by_role("button", name="Lưu trình tự thẩm định").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu trình tự thẩm định.")).to_be_visible()
    act(page, "nop", "Trình duyệt", message="Hoàn tất: đã trình duyệt.")
    expect(page.get_by_role("link", name="Sửa dự thảo này")).to_have_count(0)  # frozen while under review
    log_out(page)

    # The Director returns it with a comment.
    log_in(page, base, "giamdoc")
    expect(page.get_by_role("link", name=re.compile(r"^Thông báo \d+$"))).to_be_visible()  # unread, in the menu
    open_waiting(page, plan)
    act(page, "tra-lai", "Trả lại kèm ý kiến", comment="Đề nghị ghi rõ thời gian Hội nghị.", message="đã trả lại kèm ý kiến")
    log_out(page)

    # The drafter sees the comment, takes the draft back, fixes the closing and submits again.
    log_in(page, base, "soanthao")
    open_waiting(page, plan)
    expect(page.get_by_role("region", name="Quá trình xử lý")).to_contain_text("Đề nghị ghi rõ thời gian Hội nghị.")
    act(page, "soan-lai", "Nhận lại để chỉnh sửa")
    page.goto(f"{base}/ke-hoach/{plan.pk}/sua/ket-thuc/")
    closing = page.get_by_label("Đoạn kết")
    closing.fill(closing.input_value() + " Hội nghị tổ chức vào sáng ngày 31/5/2024.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu")).to_be_visible()
    page.goto(plan_url)
    act(page, "nop", "Trình duyệt", message="Hoàn tất: đã trình duyệt.")
    log_out(page)

    # The Director sees what changed since the first submission and passes it on.
    log_in(page, base, "giamdoc")
    open_waiting(page, plan)
    page.get_by_role("link", name="Lần trình 2").click()
    expect(page.get_by_role("status").filter(has_text="So với lần trình 1: 1 mục thay đổi")).to_be_visible()
    expect(page.locator("ins").filter(has_text="Hội nghị tổ chức vào sáng ngày 31/5/2024.")).to_be_visible()
    page.get_by_role("link", name=plan.subject_one_line[:40]).first.click()
    act(page, "chuyen-tiep", "Chuyển người thẩm định tiếp theo", message="đã chuyển người thẩm định tiếp theo")
    log_out(page)

    # The Vice-Chairman approves, then signs with his password.
    log_in(page, base, "lanhdao")
    open_waiting(page, plan)
    act(page, "phe-duyet", "Phê duyệt", message="Hoàn tất: đã phê duyệt.")
    form = page.locator("form[action$='/chuyen/ky/']")
    confirm(form, "lanhdao")
    form.get_by_role("button", name="Ký").click()
    expect(page.get_by_role("alert").filter(has_text="Hoàn tất: đã ký.")).to_be_visible()
    log_out(page)

    # The clerk issues it: number and date, rendered and signed.
    log_in(page, base, "vanthu")
    open_waiting(page, plan)
    confirm(page.locator("form[action$='/chuyen/ban-hanh/']"), "vanthu")
    act(page, "ban-hanh", "Ban hành (cấp số, ngày)", message="Hoàn tất: đã ban hành.")
    today = timezone.localdate()
    issued_text = f"Đã ban hành số 01/KH-UBND ngày {today:%d/%m/%Y}, đã ký số."
    expect(page.get_by_text(issued_text)).to_be_visible()
    document = page.get_by_role("article", name="Văn bản kế hoạch")
    expect(document).to_contain_text("Số: 01/KH-UBND")
    expect(document).not_to_contain_text("DỰ THẢO")
    log_out(page)

    # The drafter downloads the signed file; the editor is gone.
    log_in(page, base, "soanthao")
    page.goto(plan_url)
    expect(page.get_by_role("link", name="Sửa dự thảo này")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản PDF đã ký số").click()
    data = open(download.value.path(), "rb").read()
    result = signing.verify_pdf(data)
    assert result.ok and result.signer_name == "Hồ Quang Bửu"
    text = collapse(pdftotext(data))
    assert "Số: 01/KH-UBND" in text and "Hội nghị tổ chức vào sáng ngày 31/5/2024." in text
    assert f"ngày {today.day:02d} tháng" in text
    assert page.request.get(f"{base}/ke-hoach/{plan.pk}/sua/thong-tin-chung/").status == 403
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.state, stored.number, stored.issue_date) == ("issued", 1, today)
