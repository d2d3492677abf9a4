"""Uploads are checked by content and size, kept in every version outside
the public media path, and served only to the people allowed to see them."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contributions.models import ContributionFile, ContributionRequest
from tests.conftest import page_text
from tests.factories import OrganisationFactory, PlanFactory, UserFactory

from .conftest import make_docx, make_pdf, unit_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_of_unit():
    drafting = OrganisationFactory(kind="department", name="Sở Nội vụ tỉnh Thử Nghiệm")
    plan = PlanFactory(drafting_unit=drafting)
    unit = OrganisationFactory(kind="department", name="Sở Tài chính tỉnh Thử Nghiệm")
    return ContributionRequest.objects.create(
        plan=plan,
        organisation=unit,
        topic="Cải cách tài chính công",
        deadline=datetime.date.today() + datetime.timedelta(days=30),
    )


def post_file(client, request, name, data, content_type="application/pdf"):
    return client.post(
        reverse("contributions:request_detail", args=[request.pk]), {"file": SimpleUploadedFile(name, data, content_type)}
    )


def test_pdf_and_docx_accepted_every_version_kept_outside_media(client, request_of_unit, files_in_tmp, settings):
    office = unit_office(request_of_unit.organisation)
    client.force_login(office)
    assert post_file(client, request_of_unit, "ban-1.pdf", make_pdf("Bản thứ nhất")).status_code == 302
    docx = make_docx("Bản thứ hai, dạng Word")
    # The name says PDF; the content is a Word document: it is stored as what it is.
    assert post_file(client, request_of_unit, "ban-2.pdf", docx).status_code == 302
    files = list(ContributionFile.objects.filter(request=request_of_unit).order_by("version"))
    assert [(f.version, f.file_type, f.original_name) for f in files] == [(1, "pdf", "ban-1.pdf"), (2, "docx", "ban-2.pdf")]
    for stored in files:
        path = Path(stored.file.path)
        assert path.is_relative_to(files_in_tmp) and not path.is_relative_to(settings.MEDIA_ROOT)
        assert path.suffix == f".{stored.file_type}"
    with files[1].file.open("rb") as handle:
        assert handle.read() == docx
    text = page_text(client.get(reverse("contributions:request_detail", args=[request_of_unit.pk])).content)
    assert "ban-1.pdf" in text and "ban-2.pdf" in text


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("tham-luan.pdf", b"Day khong phai la tep PDF, chi la van ban thuong.\n" * 20, "không phải PDF"),
        ("tham-luan.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 500, "không phải PDF"),
        ("tham-luan.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "bị lỗi"),
        ("tham-luan.docx", b"PK\x03\x04" + b"\0" * 200, "bị lỗi"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(client, request_of_unit, name, data, message):
    client.force_login(unit_office(request_of_unit.organisation))
    response = post_file(client, request_of_unit, name, data)
    assert response.status_code == 200
    assert message in page_text(response.content)
    assert not ContributionFile.objects.exists()


def test_a_zip_that_is_not_a_word_document_is_refused(client, request_of_unit):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    client.force_login(unit_office(request_of_unit.organisation))
    response = post_file(client, request_of_unit, "bang-tinh.docx", out.getvalue())
    assert "không phải văn bản Word (DOCX)" in page_text(response.content)
    assert not ContributionFile.objects.exists()


def test_a_file_over_the_limit_is_refused(client, request_of_unit, settings):
    pdf = make_pdf("Tham luận khá dài")
    settings.CONTRIBUTION_MAX_BYTES = len(pdf) - 1
    client.force_login(unit_office(request_of_unit.organisation))
    response = post_file(client, request_of_unit, "lon.pdf", pdf)
    assert response.status_code == 200
    assert "Tệp lớn hơn" in page_text(response.content)
    assert not ContributionFile.objects.exists()
    settings.CONTRIBUTION_MAX_BYTES = len(pdf)
    assert post_file(client, request_of_unit, "vua.pdf", pdf).status_code == 302


def test_only_allowed_users_download_a_contribution(client, request_of_unit):
    pdf = make_pdf("Tham luận riêng của đơn vị")
    own = unit_office(request_of_unit.organisation)
    client.force_login(own)
    post_file(client, request_of_unit, "rieng.pdf", pdf)
    stored = ContributionFile.objects.get()
    url = reverse("contributions:file_download", args=[stored.pk])

    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]

    other_unit = unit_office(OrganisationFactory(kind="department", name="Sở Tư pháp tỉnh Thử Nghiệm"))
    client.force_login(other_unit)
    assert client.get(url).status_code == 403
    assert client.get(reverse("contributions:request_detail", args=[request_of_unit.pk])).status_code == 403

    client.force_login(UserFactory(role="drafter", organisation=request_of_unit.plan.drafting_unit))
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(role="reviewer"))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_an_organiser_cannot_upload_for_the_unit(client, request_of_unit):
    client.force_login(UserFactory(role="drafter", organisation=request_of_unit.plan.drafting_unit))
    assert post_file(client, request_of_unit, "x.pdf", make_pdf("Không được")).status_code == 403
    assert not ContributionFile.objects.exists()
