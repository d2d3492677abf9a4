"""The conclusion notice (THÔNG BÁO, type code TB) of seed 000's conference
(issued by the demo): drafted from the plan, reviewed, signed and issued by
the workflow, sent to the units through the outbox; its follow-up tasks are on
the assigned units' dashboards and take monthly progress reports."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conferences.models import Plan, PlanKind, PlanState, Task
from contributions.models import ConclusionSending
from directory.models import Organisation, User
from indices.models import ProgressReport
from invitations.models import OutgoingMail
from tests.conftest import collapse, page_text
from workflow import services as workflow

from .conftest import unit_office


@pytest.fixture
def users(demo):
    return {u.username: u for u in User.objects.filter(username__in=["soanthao", "giamdoc", "lanhdao", "vanthu", "donvi"])}


def draft_notice(client, users) -> Plan:
    plan = Plan.objects.get(key="seed-000")
    assert plan.state == PlanState.ISSUED
    client.force_login(users["soanthao"])
    response = client.post(reverse("contributions:conclusion_new", args=[plan.pk]))
    notice = Plan.objects.get(concludes=plan)
    assert response.status_code == 302 and response["Location"] == reverse("conferences:plan_edit_start", args=[notice.pk])
    return notice


def test_the_drafted_notice_comes_from_the_plan(client, users):
    notice = draft_notice(client, users)
    plan = notice.concludes
    assert (notice.kind, notice.type_code, notice.state, notice.number_display) == ("conclusion", "TB", "draft", "/TB-UBND")
    assert notice.issuing_body == plan.issuing_body and notice.signer == plan.signer
    assert notice.drafting_unit == users["soanthao"].organisation
    assert notice.subject.startswith("Kết luận của Thường trực UBND tỉnh tại Hội nghị trực tuyến phân tích")
    assert "theo Kế hoạch số" in notice.preamble and f"/{plan.document_symbol}" in notice.preamble
    groups = list(notice.task_groups.order_by("order").prefetch_related("assignees"))
    assert [g.heading for g in groups[:3]] == [
        "Sở Nội vụ tỉnh Quảng Nam",
        "Ủy ban nhân dân thành phố Tam Kỳ",
        "Ủy ban nhân dân huyện Thăng Bình",
    ]
    assert all(group.tasks.count() == 1 and group.assignees.count() == 1 for group in groups)

    # The drafting editor, and the plan page shows a THÔNG BÁO.
    assert client.get(reverse("conferences:plan_edit", args=[notice.pk, "nhiem-vu"])).status_code == 200
    page = page_text(client.get(reverse("conferences:plan_detail", args=[notice.pk])).content)
    assert "THÔNG BÁO Kết luận của Thường trực UBND tỉnh" in page
    assert "KẾ HOẠCH" not in page.split("Nơi nhận")[0]


def test_only_a_drafter_of_the_drafting_unit_drafts_it_after_issuance(client, users):
    plan = Plan.objects.get(key="seed-000")
    for username in ["vanthu", "lanhdao", "donvi"]:
        client.force_login(users[username])
        assert client.post(reverse("contributions:conclusion_new", args=[plan.pk])).status_code == 403
    draft = Plan.objects.get(key="seed-001")  # a draft: no conference has taken place under it
    client.force_login(users["soanthao"])
    assert client.post(reverse("contributions:conclusion_new", args=[draft.pk])).status_code == 403
    assert not Plan.objects.filter(kind=PlanKind.CONCLUSION).exists()


def test_notice_goes_through_review_and_signing_and_its_tasks_reach_the_units(
    client, users, django_capture_on_commit_callbacks, mailoutbox
):
    notice = draft_notice(client, users)
    tam_ky = Organisation.objects.get(code="quang-nam:ubnd-tp-tam-ky")
    task = Task.objects.get(group__plan=notice, assignees=tam_ky)
    # The drafter completes the task (what, by when) before submitting.
    Task.objects.filter(pk=task.pk).update(
        text="Rà soát, khắc phục các tiêu chí PAPI bị mất điểm tại địa phương", deadline=datetime.date(2024, 12, 31)
    )

    # Not on the unit's dashboard while the notice is a draft.
    client.force_login(users["donvi"])
    assert "Rà soát, khắc phục các tiêu chí PAPI" not in page_text(client.get(reverse("dashboard")).content)

    workflow.set_review_chain(notice, [users["giamdoc"], users["lanhdao"]], user=users["soanthao"])
    workflow.submit(notice, user=users["soanthao"])
    workflow.forward(notice, user=users["giamdoc"], comment="Đồng ý.")
    workflow.approve(notice, user=users["lanhdao"])
    workflow.sign(notice, user=users["lanhdao"], reauthenticate=False)
    with django_capture_on_commit_callbacks(execute=True):
        issued = workflow.issue(notice, user=users["vanthu"], on=datetime.date(2024, 6, 10), reauthenticate=False)
    notice.refresh_from_db()
    assert notice.state == PlanState.ISSUED and notice.number_display == "01/TB-UBND"
    assert [t.action for t in notice.transitions.order_by("at", "id")] == ["submit", "forward", "approve", "sign", "issue"]

    # The issued PDF is a signed THÔNG BÁO with its follow-up tasks.
    with issued.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = collapse(" ".join(page.extract_text() for page in reader.pages))
    assert "THÔNG BÁO" in text and "Số: 01/TB-UBND" in text
    assert "Rà soát, khắc phục các tiêu chí PAPI bị mất điểm tại địa phương" in text
    assert reader.get_fields()  # the signature field of the workflow

    # Sent once, through the outbox, to the units it concerns, with the PDF.
    sending = ConclusionSending.objects.get(plan=notice)
    assert "Ủy ban nhân dân thành phố Tam Kỳ" in sending.recipients
    mails = OutgoingMail.objects.filter(idempotency_key__startswith=f"conclusion:{notice.pk}:")
    assert mails.count() == len(sending.recipients) > 3
    to_tam_ky = mails.get(idempotency_key=f"conclusion:{notice.pk}:{tam_ky.pk}")
    assert tam_ky.email in to_tam_ky.to and "01/TB-UBND" in to_tam_ky.subject
    assert [a.filename.endswith(".pdf") for a in to_tam_ky.attachments.all()] == [True]
    assert any("01/TB-UBND" in m.subject for m in mailoutbox)  # delivered by the (eager) outbox task

    # On the unit's dashboard, with a link to report progress.
    client.force_login(users["donvi"])
    dashboard = client.get(reverse("dashboard"))
    text = page_text(dashboard.content)
    assert "Nhiệm vụ theo thông báo kết luận" in text
    assert "Rà soát, khắc phục các tiêu chí PAPI bị mất điểm tại địa phương" in text
    assert "hạn 31/12/2024" in text and "đã thực hiện 0%" in text
    report_url = reverse("indices:progress_report", args=[task.pk])
    assert report_url in dashboard.content.decode()
    response = client.post(
        report_url,
        {"period": datetime.date.today().replace(day=1).isoformat(), "text": "Đã rà soát 5 tiêu chí.", "percent": "40"},
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get(task=task).percent == 40
    assert "đã thực hiện 40%" in page_text(client.get(reverse("dashboard")).content)

    # Another unit does not see Tam Kỳ's task, and cannot report on it.
    other = unit_office(Organisation.objects.get(code="quang-nam:ubnd-huyen-dai-loc"))
    client.force_login(other)
    assert "Rà soát, khắc phục các tiêu chí PAPI" not in page_text(client.get(reverse("dashboard")).content)
    assert client.get(report_url).status_code == 403

    # Sending again changes nothing.
    client.force_login(users["vanthu"])
    count = OutgoingMail.objects.count()
    client.post(reverse("contributions:conclusion_send", args=[notice.pk]))
    assert OutgoingMail.objects.count() == count
