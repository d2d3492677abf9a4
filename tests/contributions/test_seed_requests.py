"""Seed 003 (Ninh Thuận 2022): section IV.3 asks nine units for a
contribution “chậm nhất ngày 27/6/2022”; seed 004 (Đồng Tháp 2024) names its
speakers in the agenda and the deadline 03/5/2024 in a task for every unit."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from conferences.models import Plan
from contributions.models import ContributionFile, ContributionRequest
from directory.models import Organisation
from tests.conftest import DATA_DIR, page_text
from tests.factories import UserFactory

from .conftest import make_pdf, unit_office

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def seed_text(number: str) -> str:
    path = next(Path(DATA_DIR, "seeds").glob(f"{number}_*.txt"))
    return path.read_text(encoding="utf-8")


def section_iv_3() -> str:
    text = seed_text("003")
    return text[
        text.index("3. Các cơ quan, đơn vị, địa phương chuẩn bị nội dung tham luận") : text.index("4. Các Sở, ban, ngành;")
    ]


# The units section IV.3 names, as the seed writes them (in order).
IV_3_UNITS = [
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Thông tin và Truyền thông",
    "huyện Ninh Sơn",
    "huyện Thuận Nam",
    "xã Quảng Sơn",
    "xã Phước Nam",
    "thành phố Phan Rang-Tháp Chàm",
    "huyện Thuận Bắc",
]


def test_seed_003_requests_exactly_the_units_of_section_iv_3(demo):
    section = section_iv_3()
    assert all(unit in section for unit in IV_3_UNITS)
    assert re.search(r"chậm nhất ngày 27/6/2022", section)

    plan = Plan.objects.get(key="seed-003")
    requests = list(ContributionRequest.objects.filter(plan=plan).select_related("organisation").order_by("position"))
    names = [r.organisation.name for r in requests]
    assert len(names) == len(IV_3_UNITS) == len(set(names))
    # Each request is for the unit the seed names, in the seed's order.
    for written, name in zip(IV_3_UNITS, names, strict=True):
        assert name.startswith(("Sở ", "Ủy ban nhân dân ")) and written in name, (written, name)
    assert {r.deadline for r in requests} == {datetime.date(2022, 6, 27)}
    assert all(r.cancelled_at is None for r in requests)


def test_seed_004_requests_follow_the_agenda_with_the_task_deadline(demo):
    plan = Plan.objects.get(key="seed-004")
    requests = ContributionRequest.objects.filter(plan=plan).select_related("organisation").order_by("position")
    assert [r.organisation.name for r in requests] == [
        "Ủy ban nhân dân thành phố Cao Lãnh",
        "Ủy ban nhân dân huyện Tháp Mười",
        "Ủy ban nhân dân huyện Thanh Bình",
        "Sở Thông tin và Truyền thông tỉnh Đồng Tháp",
        "Sở Kế hoạch và Đầu tư tỉnh Đồng Tháp",
        "Văn phòng Ủy ban nhân dân tỉnh Đồng Tháp",
        "Sở Tài chính tỉnh Đồng Tháp",
    ]
    assert "chậm nhất ngày 03/5/2024" in seed_text("004")
    assert {r.deadline for r in requests} == {datetime.date(2024, 5, 3)}
    assert all(r.agenda_item_id for r in requests)


def _organiser_of(plan):
    """A drafter of the plan's drafting unit (Sở Nội vụ of the province)."""
    assert plan.drafting_unit.code.endswith(":so-noi-vu")
    return UserFactory(role="drafter", organisation=plan.drafting_unit)


def test_seed_003_unit_uploads_a_pdf_and_the_board_shows_it_submitted(demo, client, freeze):
    plan = Plan.objects.get(key="seed-003")
    finance = Organisation.objects.get(code="ninh-thuan:so-tai-chinh")
    request = ContributionRequest.objects.get(plan=plan, organisation=finance)
    office = unit_office(finance, first_name="Trần Thị Hoa")
    freeze(datetime.datetime(2022, 6, 20, 9, 30, tzinfo=VN))

    client.force_login(office)
    dashboard = page_text(client.get(reverse("dashboard")).content)
    assert "Sở Tài chính: Công tác triển khai các giải pháp cải thiện chỉ số thành phần" in dashboard
    assert "hạn 27/06/2022" in dashboard

    pdf = make_pdf("Tham luận của Sở Tài chính tỉnh Ninh Thuận về cải cách tài chính công")
    response = client.post(
        reverse("contributions:request_detail", args=[request.pk]),
        {"file": _upload("tham-luan-so-tai-chinh.pdf", pdf)},
    )
    assert response.status_code == 302
    stored = ContributionFile.objects.get(request=request)
    assert (stored.version, stored.file_type, stored.late, stored.uploaded_by) == (1, "pdf", False, office)
    with stored.file.open("rb") as handle:
        assert handle.read() == pdf

    client.force_login(_organiser_of(plan))
    board = client.get(reverse("contributions:board", args=[plan.pk]))
    assert board.status_code == 200
    text = page_text(board.content)
    row = text[text.index("Sở Tài chính tỉnh Ninh Thuận") :]
    row = row[: row.index("Sở Tư pháp tỉnh Ninh Thuận")]
    assert "Đã nộp" in row and "09:30 20/06/2022" in row and "Trần Thị Hoa" in row
    assert "1 đã nộp" in text and "8 chưa bắt đầu" in text


def test_seed_003_late_upload_refused_without_the_organisers_permission(demo, client, freeze):
    plan = Plan.objects.get(key="seed-003")
    justice = Organisation.objects.get(code="ninh-thuan:so-tu-phap")
    request = ContributionRequest.objects.get(plan=plan, organisation=justice)
    office = unit_office(justice)
    freeze(datetime.datetime(2022, 6, 28, 8, 0, tzinfo=VN))  # the day after the deadline

    client.force_login(office)
    page = client.get(reverse("contributions:request_detail", args=[request.pk]))
    assert "Đã quá hạn (27/06/2022)" in page_text(page.content)
    response = client.post(
        reverse("contributions:request_detail", args=[request.pk]), {"file": _upload("tu-phap.pdf", make_pdf("Tham luận"))}
    )
    assert response.status_code == 200
    assert "Đã quá hạn nộp (27/06/2022)" in page_text(response.content)
    assert not ContributionFile.objects.filter(request=request).exists()

    organiser = _organiser_of(plan)
    client.force_login(organiser)
    board = page_text(client.get(reverse("contributions:board", args=[plan.pk])).content)
    assert "9 quá hạn" in board
    response = client.post(reverse("contributions:allow_late", args=[request.pk]), {"until": "2022-06-30"})
    assert response.status_code == 302

    client.force_login(office)
    response = client.post(
        reverse("contributions:request_detail", args=[request.pk]), {"file": _upload("tu-phap.pdf", make_pdf("Tham luận"))}
    )
    assert response.status_code == 302
    stored = ContributionFile.objects.get(request=request)
    assert stored.late is True
    request.refresh_from_db()
    assert (request.late_until, request.late_allowed_by) == (datetime.date(2022, 6, 30), organiser)
    assert request.status() == "submitted_late"

    freeze(datetime.datetime(2022, 7, 1, 8, 0, tzinfo=VN))  # the permission has run out
    client.force_login(office)  # three days later: the idle session expired
    response = client.post(
        reverse("contributions:request_detail", args=[request.pk]), {"file": _upload("tu-phap-2.pdf", make_pdf("Bản mới"))}
    )
    assert response.status_code == 200
    assert ContributionFile.objects.filter(request=request).count() == 1


def _upload(name: str, data: bytes, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("number", ["003", "004"])
def test_requests_from_the_demo_are_stable(demo, number):
    """Running the synchronisation again changes nothing."""
    from contributions.services import sync_requests

    plan = Plan.objects.get(key=f"seed-{number}")
    before = list(ContributionRequest.objects.filter(plan=plan).values_list("pk", "organisation_id", "position", "deadline"))
    result = sync_requests(plan, notify=False)
    assert (len(result.created), result.updated, result.cancelled) == (0, 0, 0)
    after = list(ContributionRequest.objects.filter(plan=plan).values_list("pk", "organisation_id", "position", "deadline"))
    assert before == after
