"""Improvement plans generated from the weakest components, progress reports and exports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conferences.models import Plan, PlanKind, Task
from directory.models import AdministrativeUnit, Organisation, User
from indices import selectors, services
from indices.models import Component, FieldResponsibility, ImprovementTask, ProgressReport, Result
from indices.sentences import vn_number
from tests.conftest import page_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quang_nam_par_2021(demo):
    return Result.objects.select_related("edition__index", "admin_unit").get(
        edition__index__code="par-index", edition__year=2021, admin_unit__code="L-P49"
    )


def test_one_task_per_chosen_weak_component_assigned_through_the_mapping(quang_nam_par_2021):
    result = quang_nam_par_2021
    drafter = User.objects.get(username="soanthao")
    weakest = selectors.weakest(selectors.component_rows(result), count=4)
    assert len(weakest) == 4
    # Reassign one field to check the mapping is what decides.
    province = AdministrativeUnit.objects.get(code="L-P49")
    justice = Organisation.objects.get(code="quang-nam:so-tu-phap")
    first_field = weakest[0].component
    while first_field.parent_id:
        first_field = first_field.parent
    FieldResponsibility.objects.filter(province=province, index=result.edition.index, field_key=first_field.key).update(
        organisation=justice
    )
    mapping = {
        r.field_key: r.organisation for r in FieldResponsibility.objects.filter(province=province, index=result.edition.index)
    }

    plan = services.improvement_plan_create(result=result, component_ids=[r.component.pk for r in weakest], user=drafter)

    assert plan.kind == PlanKind.IMPROVEMENT and plan.year == 2022
    assert plan.drafting_unit == drafter.organisation
    assert plan.issuing_body.code == "quang-nam:ubnd-tinh"
    assert "đạt 86,57 điểm, xếp hạng 33/63" in plan.preamble and "Chỉ số SIPAS năm 2021" in plan.preamble
    links = list(ImprovementTask.objects.filter(task__group__plan=plan).select_related("component", "task"))
    assert sorted(link.component_id for link in links) == sorted(r.component.pk for r in weakest)
    assert Task.objects.filter(group__plan=plan).count() == 4
    for link in links:
        row = next(r for r in weakest if r.component.pk == link.component_id)
        assert link.lost_points == row.lost
        expected = services.responsible_unit(link.component, mapping)
        assert expected is not None
        assert list(link.task.assignees.all()) == [expected]
        assert f"“{link.component.code}. {link.component.name}”" in link.task.text
        assert f"mất {vn_number(row.lost)} điểm" in link.task.text
    assert justice in {org for link in links for org in link.task.assignees.all()}


def test_the_page_creates_the_draft_and_opens_the_editor(client, quang_nam_par_2021):
    client.force_login(User.objects.get(username="soanthao"))
    url = reverse("indices:improvement_new", args=[quang_nam_par_2021.admin_unit_id, "par-index"]) + "?nam=2021"
    page = client.get(url)
    assert page.status_code == 200
    chosen = page.context["form"].initial["components"]
    assert len(chosen) == 5
    response = client.post(url, {"components": chosen[:2], "deadline": "2022-09-30"})
    plan = Plan.objects.filter(kind=PlanKind.IMPROVEMENT).latest("pk")
    assert response.status_code == 302 and response.url == reverse("conferences:plan_edit_start", args=[plan.pk])
    assert Task.objects.filter(group__plan=plan, deadline=datetime.date(2022, 9, 30)).count() == 2


@pytest.fixture
def task_of_tam_ky(demo):
    """An improvement task assigned to the demo unit office's organisation (UBND TP Tam Kỳ)."""
    result = Result.objects.get(edition__index__code="sipas", edition__year=2021, admin_unit__code="L-P49")
    drafter = User.objects.get(username="soanthao")
    component = Component.objects.filter(edition=result.edition).order_by("code").first()
    tam_ky = Organisation.objects.get(code="quang-nam:ubnd-tp-tam-ky")
    FieldResponsibility.objects.filter(field_key=component.key, index=result.edition.index).update(organisation=tam_ky)
    plan = services.improvement_plan_create(
        result=result, component_ids=[component.pk], user=drafter, deadline=datetime.date(2022, 3, 31)
    )
    return Task.objects.get(group__plan=plan)


def test_the_unit_office_reports_on_its_own_task(client, task_of_tam_ky):
    office = User.objects.get(username="donvi")
    client.force_login(office)
    url = reverse("indices:progress_report", args=[task_of_tam_ky.pk])
    form = client.get(url).context["form"]
    month = form.fields["period"].choices[0][0]
    attachment = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(url, {"period": month, "text": "Đã niêm yết thủ tục.", "percent": 40, "attachment": attachment})
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task_of_tam_ky)
    assert (report.percent, report.text, report.organisation.code) == (40, "Đã niêm yết thủ tục.", "quang-nam:ubnd-tp-tam-ky")
    # The same month again corrects the report.
    client.post(url, {"period": month, "text": "Hoàn thành niêm yết.", "percent": 100})
    assert ProgressReport.objects.get(task=task_of_tam_ky).percent == 100
    # A file that is not what it claims is refused.
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = client.post(url, {"period": month, "text": "x", "percent": 10, "attachment": fake})
    assert refused.status_code == 200 and ProgressReport.objects.get(task=task_of_tam_ky).percent == 100
    download = client.get(reverse("indices:progress_attachment", args=[report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_another_unit_office_may_not_report(client, task_of_tam_ky):
    other = UserFactory(role="unit_office", organisation=Organisation.objects.get(code="quang-nam:so-tu-phap"))
    client.force_login(other)
    assert client.get(reverse("indices:progress_report", args=[task_of_tam_ky.pk])).status_code == 403
    assert (
        client.post(reverse("indices:progress_report", args=[task_of_tam_ky.pk]), {"text": "x", "percent": 1}).status_code == 403
    )
    assert not ProgressReport.objects.exists()
    dashboard = client.get(reverse("indices:progress_dashboard"))
    assert task_of_tam_ky.text[:60] not in page_text(dashboard.content)


def test_dashboard_shows_overdue_and_unreported_tasks_and_exports(client, task_of_tam_ky):
    client.force_login(User.objects.get(username="soanthao"))
    overdue = client.get(reverse("indices:progress_dashboard") + "?status=overdue")
    assert task_of_tam_ky.text[:60] in page_text(overdue.content)  # deadline 31/3/2022 has passed, nothing reported
    rows = selectors.task_progress(user=User.objects.get(username="soanthao"), today=datetime.date(2022, 2, 10))
    row = next(r for r in rows if r.task.pk == task_of_tam_ky.pk)
    assert not row.overdue and not row.reported_this_month

    from openpyxl import load_workbook

    xlsx = client.get(reverse("indices:progress_export", args=["xlsx"]) + f"?plan={task_of_tam_ky.group.plan_id}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    tam_ky = Organisation.objects.get(code="quang-nam:ubnd-tp-tam-ky")
    assert [(line[1], line[2], line[5]) for line in values] == [(tam_ky.display_name, task_of_tam_ky.text, 0)]

    import pdfplumber

    pdf = client.get(reverse("indices:progress_export", args=["pdf"]) + f"?plan={task_of_tam_ky.group.plan_id}")
    assert pdf["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = " ".join(page.extract_text() for page in document.pages)
    assert "Khắc phục" in " ".join(text.split())


def test_lost_points_are_the_maximum_less_the_score(quang_nam_par_2021):
    rows = selectors.component_rows(quang_nam_par_2021)
    for row in selectors.weakest(rows, count=10):
        assert row.lost == row.component.max_score - row.score > Decimal(0)
