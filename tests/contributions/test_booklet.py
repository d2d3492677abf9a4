"""The materials booklet of seed 004 (Đồng Tháp 2024) with three
contributions, one of them DOCX (converted by LibreOffice)."""

from __future__ import annotations

import io
import shutil
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conferences.models import Plan
from contributions import services
from contributions.models import Booklet, ContributionFile, ContributionRequest
from directory.models import Organisation
from tests.conftest import require_service
from tests.factories import UserFactory

from .conftest import make_docx, make_pdf, unit_office

# (organisation code, file maker, marker text of the contribution), in upload order (not agenda order).
UPLOADS = [
    ("dong-thap:so-tai-chinh", make_pdf, "Tham luận Sở Tài chính: cải cách tài chính công năm 2023"),
    ("dong-thap:ubnd-tp-cao-lanh", make_docx, "Tham luận thành phố Cao Lãnh: theo dõi nhiệm vụ cải thiện PAPI"),
    ("dong-thap:so-thong-tin-va-truyen-thong", make_pdf, "Tham luận Sở Thông tin và Truyền thông: chính quyền số"),
]
# Agenda order of seed 004: Cao Lãnh (row 4, first sub-row), Thông tin và Truyền thông (second), Tài chính (fifth).
AGENDA_ORDER = [
    "Ủy ban nhân dân thành phố Cao Lãnh",
    "Sở Thông tin và Truyền thông tỉnh Đồng Tháp",
    "Sở Tài chính tỉnh Đồng Tháp",
]


def norm(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join((text or "").split()))


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    rows = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                rows.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return rows


@pytest.fixture
def seed_004_with_uploads(demo, freeze):
    import datetime
    from zoneinfo import ZoneInfo

    require_service("LibreOffice", shutil.which("soffice") is not None, "apt-get install libreoffice-writer-nogui")
    freeze(datetime.datetime(2024, 5, 2, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    plan = Plan.objects.get(key="seed-004")
    for code, make, text in UPLOADS:
        organisation = Organisation.objects.get(code=code)
        request = ContributionRequest.objects.get(plan=plan, organisation=organisation)
        services.upload(request, user=unit_office(organisation), data=make(text), name="tham-luan")
    return plan


def test_booklet_of_seed_004_has_every_part_in_order_with_bookmarks(
    seed_004_with_uploads, client, django_capture_on_commit_callbacks
):
    plan = seed_004_with_uploads
    organiser = UserFactory(role="drafter", organisation=plan.drafting_unit)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contributions:booklet_build", args=[plan.pk]), headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200 and response.json()["busy"]  # queued, built when the request's transaction commits
    status = client.get(reverse("contributions:booklet_status", args=[plan.pk])).json()
    assert status["ready"] and status["progress"] == 100, status

    download = client.get(reverse("contributions:booklet_download", args=[plan.pk]))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    reader = PdfReader(io.BytesIO(data))
    pages = [norm(page.extract_text()) for page in reader.pages]

    marks = outline(reader)
    titles = [title for _depth, title, _page in marks]
    assert titles[:4] == ["Trang bìa", "Mục lục", "Kế hoạch (dự thảo)", "Chương trình Hội nghị"]
    assert titles[4:6] == ["Tóm tắt kết quả các Chỉ số", "Tham luận"]
    assert titles[6:] == [f"{number}. {name}" for number, name in enumerate(AGENDA_ORDER, start=1)]
    page_of = {title: page for _depth, title, page in marks}
    depth_of = {title: depth for depth, title, _page in marks}
    assert depth_of["Chương trình Hội nghị"] == 1 and depth_of["1. Ủy ban nhân dân thành phố Cao Lãnh"] == 1

    # Cover, contents, plan, agenda, index summary.
    assert "TÀI LIỆU" in pages[0] and "HỘI NGHỊ TRỰC TUYẾN ĐÁNH GIÁ KẾT QUẢ" in pages[0]
    assert "MỤC LỤC" in pages[page_of["Mục lục"]]
    plan_page = pages[page_of["Kế hoạch (dự thảo)"]]
    assert "KẾ HOẠCH" in plan_page and "ỦY BAN NHÂN DÂN" in plan_page and "DỰ THẢO" in plan_page
    agenda_page = pages[page_of["Chương trình Hội nghị"]]
    assert "CHƯƠNG TRÌNH" in agenda_page and "Tuyên bố lý do, giới thiệu đại biểu" in agenda_page
    assert page_of["Kế hoạch (dự thảo)"] < page_of["Chương trình Hội nghị"] < page_of["Tóm tắt kết quả các Chỉ số"]
    summary = " ".join(pages[page_of["Tóm tắt kết quả các Chỉ số"] : page_of["Tham luận"]])
    assert "TÓM TẮT KẾT QUẢ CÁC CHỈ SỐ" in summary
    assert "PAPI" in summary and "PAR Index" in summary and "SIPAS" in summary
    assert "năm 2023 của tỉnh Đồng Tháp" in summary

    # Each contribution after a separator page naming the unit, in agenda order.
    starts = [page_of[f"{number}. {name}"] for number, name in enumerate(AGENDA_ORDER, start=1)]
    assert starts == sorted(starts) and page_of["Tham luận"] == starts[0]
    expected_texts = {
        name: text for (code, _make, text), name in zip(UPLOADS, [AGENDA_ORDER[2], AGENDA_ORDER[0], AGENDA_ORDER[1]], strict=True)
    }
    for start, name in zip(starts, AGENDA_ORDER, strict=True):
        assert "THAM LUẬN" in pages[start] and name in pages[start]
        assert expected_texts[name] in pages[start + 1], (name, pages[start + 1])  # the DOCX of Cao Lãnh converted
    assert starts[-1] + 2 == len(pages)

    # The table of contents gives the bookmarks' pages (counted from 1).
    contents = pages[page_of["Mục lục"]]
    for title in ["Kế hoạch (dự thảo)", "Chương trình Hội nghị", *[f"{n}. {name}" for n, name in enumerate(AGENDA_ORDER, 1)]]:
        assert f"{title} {page_of[title] + 1}" in contents, title
    assert "Chưa nhận được tham luận của: Ủy ban nhân dân huyện Tháp Mười" in contents


def build(plan, user, on_commit) -> Booklet:
    with on_commit(execute=True):
        booklet = services.request_booklet(plan, user=user)
    booklet.refresh_from_db()
    return booklet


def test_booklet_is_rebuilt_only_when_a_contribution_changes(seed_004_with_uploads, django_capture_on_commit_callbacks):
    plan = seed_004_with_uploads
    organiser = UserFactory(role="drafter", organisation=plan.drafting_unit)
    booklet = build(plan, organiser, django_capture_on_commit_callbacks)
    assert (booklet.version, booklet.state) == (1, "done")
    first_sha, first_file = booklet.sha256, booklet.file.name

    booklet = build(plan, organiser, django_capture_on_commit_callbacks)
    assert (booklet.version, booklet.sha256) == (1, first_sha)

    finance = Organisation.objects.get(code="dong-thap:so-tai-chinh")
    request = ContributionRequest.objects.get(plan=plan, organisation=finance)
    services.upload(request, user=unit_office(finance), data=make_pdf("Bản sửa đổi của Sở Tài chính"), name="v2.pdf")
    booklet = build(plan, organiser, django_capture_on_commit_callbacks)
    assert booklet.version == 2 and booklet.sha256 != first_sha
    text = " ".join(norm(p.extract_text()) for p in PdfReader(booklet.file.open("rb")).pages)
    assert "Bản sửa đổi của Sở Tài chính" in text
    assert "Tham luận Sở Tài chính: cải cách tài chính công năm 2023" not in text
    assert not booklet.file.storage.exists(first_file)


def test_booklet_download_is_for_participants_with_access(seed_004_with_uploads, client, django_capture_on_commit_callbacks):
    plan = seed_004_with_uploads
    organiser = UserFactory(role="drafter", organisation=plan.drafting_unit)
    assert build(plan, organiser, django_capture_on_commit_callbacks).is_ready
    url = reverse("contributions:booklet_download", args=[plan.pk])
    cao_lanh = unit_office(Organisation.objects.get(code="dong-thap:ubnd-tp-cao-lanh"))
    stranger = unit_office(Organisation.objects.get(code="quang-nam:ubnd-tp-tam-ky"))

    client.force_login(cao_lanh)
    assert client.get(url).status_code == 403  # the plan is not issued: unit offices do not see it yet
    Plan.objects.filter(pk=plan.pk).update(state="issued")
    assert client.get(url).status_code == 200
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(role="reviewer"))
    assert client.get(url).status_code == 200


def test_the_booklet_job_goes_to_the_documents_queue():
    from config.celery import app

    route = app.amqp.router.route({}, "contributions.tasks.build_booklet_task")
    assert route["queue"].name == "documents"


def test_a_docx_that_cannot_be_converted_does_not_stop_the_booklet(
    seed_004_with_uploads, settings, django_capture_on_commit_callbacks
):
    plan = seed_004_with_uploads
    ContributionFile.objects.filter(request__plan=plan, file_type="docx").update(pdf="")
    settings.SOFFICE = "/bin/false"  # LibreOffice fails
    booklet = build(plan, UserFactory(role="drafter", organisation=plan.drafting_unit), django_capture_on_commit_callbacks)
    assert booklet.state == "done", booklet.error
    pages = [norm(p.extract_text()) for p in PdfReader(booklet.file.open("rb")).pages]
    cao_lanh = next(i for i, text in enumerate(pages) if "THAM LUẬN" in text and AGENDA_ORDER[0] in text)
    assert "không chuyển đổi được sang PDF" in pages[cao_lanh + 1]
    assert any("Tham luận Sở Tài chính: cải cách tài chính công năm 2023" in text for text in pages)
