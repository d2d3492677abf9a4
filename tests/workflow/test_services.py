"""The workflow services end to end: states, audit rows, notifications,
frozen versions, signing, issuance with number and date, corrections."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from conferences.models import Plan, PlanActivity, PlanState, Section
from documents import services as documents
from documents.models import RenderedFile
from tests.conftest import collapse, otp_code
from tests.documents.pdfutil import pdfinfo_meta, pdftotext
from workflow import services, signing
from workflow.models import IssuedDocument, Notification, ReviewComment, SubmittedVersion, Transition

from .conftest import PASSWORD


def _trail(plan):
    return [(t.action, t.from_state, t.to_state, t.user.username) for t in Transition.objects.filter(plan=plan).order_by("id")]


def test_draft_to_issued_with_a_return(world, django_capture_on_commit_callbacks):
    users = world.users
    plan = world.with_chain(world.plan())

    with django_capture_on_commit_callbacks(execute=True):  # e-mails leave after the commit
        services.submit(plan, user=users["drafter"])
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED
    assert Notification.objects.filter(recipient=users["reviewer"], plan=plan, action_needed=True).count() == 1
    assert [m.to for m in mail.outbox] == [["giamdoc@example.org"]]
    assert "Phạm Văn" not in mail.outbox[0].subject and plan.subject_one_line[:40] in mail.outbox[0].subject
    assert f"/ke-hoach/{plan.pk}/" in mail.outbox[0].body

    with pytest.raises(ValidationError):
        services.return_plan(plan, user=users["reviewer"], comment="  ")  # a return needs a comment
    services.comment(plan, user=users["reviewer"], text="Bổ sung mục tiêu cụ thể.", section_key="s:MỤC ĐÍCH, YÊU CẦU")
    services.return_plan(plan, user=users["reviewer"], comment="Đề nghị chỉnh sửa mục I.")
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED
    assert Notification.objects.filter(recipient=users["drafter"], plan=plan).count() == 1
    assert ReviewComment.objects.get(plan=plan).section_title == "I. MỤC ĐÍCH, YÊU CẦU"

    services.reopen(plan, user=users["drafter"])
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    Section.objects.filter(plan=plan, order=1).update(body="- Đánh giá kết quả Chỉ số PAPI năm 2025 của tỉnh.")
    services.submit(plan, user=users["drafter"])
    services.forward(plan, user=users["reviewer"], comment="Trình Lãnh đạo UBND tỉnh.")
    assert Notification.objects.filter(recipient=users["signer"], plan=plan, action_needed=True).count() == 1
    services.approve(plan, user=users["signer"])
    with pytest.raises(ValidationError):
        services.sign(plan, user=users["signer"], password="wrong", otp_token=otp_code(users["signer"]))
    services.sign(plan, user=users["signer"], password=PASSWORD, otp_token=otp_code(users["signer"]))
    assert Notification.objects.filter(recipient=users["clerk"], plan=plan, action_needed=True).count() == 1
    issued = services.issue(
        plan, user=users["clerk"], password=PASSWORD, otp_token=otp_code(users["clerk"]), on=datetime.date(2026, 3, 5)
    )

    plan.refresh_from_db()
    assert (plan.state, plan.number, plan.issue_date, plan.year) == (PlanState.ISSUED, 1, datetime.date(2026, 3, 5), 2026)
    assert _trail(plan) == [
        ("submit", "draft", "submitted", "soanthao"),
        ("return", "submitted", "returned", "giamdoc"),
        ("reopen", "returned", "draft", "soanthao"),
        ("submit", "draft", "submitted", "soanthao"),
        ("forward", "submitted", "submitted", "giamdoc"),
        ("approve", "submitted", "approved", "lanhdao"),
        ("sign", "approved", "signed", "lanhdao"),
        ("issue", "signed", "issued", "vanthu"),
    ]
    assert Transition.objects.get(plan=plan, action="return").comment == "Đề nghị chỉnh sửa mục I."
    assert list(SubmittedVersion.objects.filter(plan=plan).values_list("number", "outcome")) == [(1, "returned"), (2, "approved")]
    assert PlanActivity.objects.filter(plan=plan, action="issue").exists()  # the dashboard's recent activity

    # The issued file: stored with its SHA-256, numbered and dated, signed over the whole file.
    data = issued.read()
    assert hashlib.sha256(data).hexdigest() == issued.sha256 and issued.size == len(data)
    assert issued.number_display == "01/KH-UBND" and issued.signer_name == "Hồ Quang Bửu"
    assert issued.signed_by == users["signer"] and issued.issued_by == users["clerk"]
    text = collapse(pdftotext(data))
    assert "Số: 01/KH-UBND" in text and "Thử Nghiệm, ngày 05 tháng 3 năm 2026" in text
    assert "DỰ THẢO" not in text and "Đánh giá kết quả Chỉ số PAPI năm 2025 của tỉnh." in text
    assert "(Kèm theo Kế hoạch số 01/KH-UBND ngày 05 tháng 3 năm 2026" in text  # the agenda refers to the number
    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(data)).embedded_signatures[0],
        ValidationContext(trust_roots=[signing.load_signer().signing_cert]),
    )
    assert status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    xmp = pdfinfo_meta(data)  # rendered as PDF/A-2b, signed in an incremental update
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    # Everyone concerned hears of the issuance.
    informed = set(Notification.objects.filter(transition__action="issue").values_list("recipient__username", flat=True))
    assert informed == {"soanthao", "giamdoc", "lanhdao"}


def test_withdraw_only_before_a_reviewer_acted(world):
    users = world.users
    plan = world.submitted()
    services.withdraw(plan, user=users["drafter"])
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert SubmittedVersion.objects.get(plan=plan).outcome == "withdrawn"

    services.submit(plan, user=users["drafter"])
    services.comment(plan, user=users["reviewer"], text="Đang xem.")
    with pytest.raises(PermissionDenied):
        services.withdraw(plan, user=users["drafter"])
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED


def test_submit_needs_a_chain_and_the_chain_is_validated(world):
    users = world.users
    plan = world.plan()
    with pytest.raises(ValidationError):
        services.submit(plan, user=users["drafter"])
    with pytest.raises(ValidationError):
        services.set_review_chain(plan, [users["reviewer"], users["reviewer"]], user=users["drafter"])
    with pytest.raises(ValidationError):
        services.set_review_chain(plan, [users["clerk"]], user=users["drafter"])
    assert not plan.review_steps.exists()


def test_submission_freezes_the_printed_plan(world):
    plan = world.submitted()
    version = SubmittedVersion.objects.get(plan=plan)
    titles = [section["title"] for section in version.sections]
    assert titles == ["KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU", "II. KINH PHÍ", "Nơi nhận, chữ ký", "CHƯƠNG TRÌNH"]
    assert version.sections[1]["paragraphs"] == ["- Đánh giá kết quả Chỉ số PAPI năm 2025."]
    # Later edits (after a return) do not change what was submitted.
    services.return_plan(plan, user=world.users["reviewer"], comment="Sửa.")
    services.reopen(plan, user=world.users["drafter"])
    Section.objects.filter(plan=plan, order=1).update(body="Nội dung khác.")
    version.refresh_from_db()
    assert version.sections[1]["paragraphs"] == ["- Đánh giá kết quả Chỉ số PAPI năm 2025."]


def test_a_failed_issuance_stores_nothing_and_gives_the_number_again(world, monkeypatch):
    plan = world.signed()

    def broken(*args, **kwargs):
        raise RuntimeError("certificate unavailable")

    monkeypatch.setattr(signing, "sign_pdf", broken)
    with pytest.raises(RuntimeError):
        services.issue(plan, user=world.users["clerk"], on=datetime.date(2026, 4, 1), reauthenticate=False)
    plan.refresh_from_db()
    assert (plan.state, plan.number, plan.issue_date) == (PlanState.SIGNED, None, None)
    assert not IssuedDocument.objects.exists()
    monkeypatch.undo()
    issued = services.issue(plan, user=world.users["clerk"], on=datetime.date(2026, 4, 1), reauthenticate=False)
    assert issued.number_display == "01/KH-UBND"  # no gap


def test_export_plan_and_the_documents_panel_give_the_stored_signed_file(world, tmp_path, django_capture_on_commit_callbacks):
    plan = world.issued(on=datetime.date(2026, 5, 4))
    stored = IssuedDocument.objects.get(plan=plan).read()
    out = tmp_path / "ke-hoach.pdf"
    call_command("export_plan", plan.pk, "--format", "pdf", "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes() == stored

    with django_capture_on_commit_callbacks(execute=True):  # the rendering job is queued on commit
        rendered = documents.request_rendering(plan=plan, kind="plan", file_format="pdf", user=world.users["clerk"])
    rendered = RenderedFile.objects.get(pk=rendered.pk)
    with rendered.file.open("rb") as file:
        assert file.read() == stored
    assert rendered.sha256 == hashlib.sha256(stored).hexdigest()


def test_a_correction_replaces_the_issued_plan_linked_both_ways(world):
    plan = world.issued(on=datetime.date(2026, 5, 4))
    correction = services.start_correction(plan, user=world.users["drafter"])
    assert correction.state == PlanState.DRAFT and correction.number is None
    assert correction.replaces == plan
    assert Plan.objects.get(pk=plan.pk).replaced_by == correction
    assert [s.reviewer for s in correction.review_steps.order_by("order")] == world.chain
    assert list(correction.sections.values_list("body", flat=True)) == list(plan.sections.values_list("body", flat=True))
    with pytest.raises(PermissionDenied):  # one correction at a time
        services.start_correction(plan, user=world.users["drafter"])
    # Issued in turn, it keeps the link; the issued original did not change.
    world.issued(world.approved(correction), on=datetime.date(2026, 6, 1))
    correction.refresh_from_db()
    assert correction.number == 2 and correction.replaces_id == plan.pk
    assert Plan.objects.get(pk=plan.pk).number == 1


def test_create_demo_certificate_command(settings, tmp_path, monkeypatch):
    settings.SIGNING_PKCS12 = tmp_path / "org.p12"
    settings.SIGNING_PKCS12_PASSPHRASE = "mat-khau-chung-thu"
    out = io.StringIO()
    call_command("create_demo_certificate", stdout=out)
    assert "written" in out.getvalue()
    signer = signing.load_signer()  # readable with the passphrase from the settings
    assert "UBND tỉnh Quảng Nam" in signer.signing_cert.subject.human_friendly
    first = settings.SIGNING_PKCS12.read_bytes()
    call_command("create_demo_certificate", stdout=out)
    assert settings.SIGNING_PKCS12.read_bytes() == first  # kept without --force
    call_command("create_demo_certificate", "--force", stdout=out)
    assert settings.SIGNING_PKCS12.read_bytes() != first
    settings.SIGNING_PKCS12_PASSPHRASE = "sai"
    with pytest.raises(signing.SigningError):
        signing.load_signer()
