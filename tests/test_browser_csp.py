"""The main pages in a real browser (headless Chromium) under the site's
Content-Security-Policy: nothing is blocked (no "Content Security Policy"
message in the console, no ``securitypolicyviolation`` event)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page (and is not itself subject to the policy).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${where})`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the list of CSP violations it reports."""
    found: list[str] = []
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    page.add_init_script(LISTEN)
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None)
    return page, found


def visit(page, found: list[str], url: str, heading: str | None = None) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert response.headers.get("content-security-policy"), f"{url}: no Content-Security-Policy header"
    if heading:
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    found.extend(f"{url}: {violation}" for violation in page.evaluate("window.__csp || []"))


def test_main_pages_run_under_the_content_security_policy(watched, live_server):
    from conferences.models import Plan
    from invitations import tokens
    from invitations.models import Invitation
    from tests.conftest import draft_copy

    page, found = watched
    call_command("load_demo", "--invitations", stdout=open("/dev/null", "w"))
    base = live_server.url
    issued = Plan.objects.get(key="seed-000")
    draft = draft_copy("seed-002")
    demo_invitations = Plan.objects.filter(invitation_campaign__isnull=False).get()
    invitation = Invitation.objects.filter(campaign__plan=demo_invitations, number__isnull=False).order_by("pk").first()

    # Anonymous: the login pages and a reply link.
    visit(page, found, f"{base}/quan-tri/login/")
    visit(page, found, f"{base}{tokens.reply_path(invitation)}")

    log_in(page, base, "soanthao")
    expect(page.get_by_role("region", name="Dự thảo của đơn vị tôi")).to_be_visible()
    for path in (
        "/",
        "/ke-hoach/",
        f"/ke-hoach/{issued.pk}/",
        f"/ke-hoach/{draft.pk}/sua/",
        f"/ke-hoach/{draft.pk}/sua/chuong-trinh/",
        "/ke-hoach/moi/",
        "/chi-so/",
        "/chi-so/so-sanh/",
        "/chi-so/tien-do/",
        "/danh-ba/to-chuc/",
        "/danh-ba/nguoi/",
        "/danh-ba/don-vi-hanh-chinh/",
        "/tham-luan/",
        "/quy-trinh/kiem-tra-chu-ky/",
    ):
        visit(page, found, f"{base}{path}")
    # The editor's live preview posts the form and redraws: still nothing blocked.
    page.goto(f"{base}/ke-hoach/{draft.pk}/sua/thong-tin-chung/")
    page.get_by_label("Trích yếu").fill("Tổ chức Hội nghị thử chính sách bảo mật nội dung")
    expect(page.get_by_role("article", name="Văn bản kế hoạch")).to_contain_text("chính sách bảo mật nội dung")
    found.extend(page.evaluate("window.__csp || []"))

    page.context.clear_cookies()
    log_in(page, base, "vanthu")
    for path in (
        "/giay-moi/",
        f"/giay-moi/ke-hoach/{demo_invitations.pk}/",
        f"/giay-moi/ke-hoach/{demo_invitations.pk}/nguoi-nhan/",
        f"/giay-moi/ke-hoach/{demo_invitations.pk}/diem-danh/",
        f"/giay-moi/{invitation.pk}/",
    ):
        visit(page, found, f"{base}{path}")

    page.context.clear_cookies()
    log_in(page, base, "quantri")
    for path in ("/quan-tri/", "/quan-tri/conferences/plan/", f"/quan-tri/conferences/plan/{draft.pk}/change/"):
        visit(page, found, f"{base}{path}")

    assert not found, "\n".join(found)
