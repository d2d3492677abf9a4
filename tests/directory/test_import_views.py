"""Importing organisations and people through the pages: upload, preview, confirm."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from directory.importing import MAX_UPLOAD_BYTES
from directory.models import Organisation, Person
from tests.conftest import page_text
from tests.directory.files import ORGANISATION_HEADER, SNV_ROW, STC_ROW, UBND_ROW, csv_bytes, xlsx_bytes
from tests.factories import AdministrativeUnitFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("directory:import_upload", args=["to-chuc"])
GOOD_ROWS = [UBND_ROW, SNV_ROW, STC_ROW]
BAD_ROW = ["quang-nam:so-y-te", "Sở Y tế tỉnh Quảng Nam", "", "department", "province", "L-P49", "quang-nam:khong-co", "", ""]


@pytest.fixture
def editor(client, drafter):
    AdministrativeUnitFactory(code="L-P49", name="Tỉnh Quảng Nam", short_name="Quảng Nam")
    client.force_login(drafter)
    return client


def upload(client, data: bytes, name: str = "danh-ba.csv", url: str = UPLOAD):
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def snapshot() -> list[tuple]:
    return list(
        Organisation.objects.order_by("code").values_list(
            "pk", "code", "name", "short_name", "email", "parent__code", "admin_unit__code", "symbol"
        )
    )


def import_file(client, data: bytes, name: str = "danh-ba.csv"):
    """Upload, read the preview, confirm; returns (preview text, final response)."""
    response = upload(client, data, name)
    assert response.status_code == 302, page_text(response.content)
    preview = client.get(response.url)
    return page_text(preview.content), client.post(response.url)


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_one_bad_row_imports_nothing_and_names_the_row(editor, make):
    response = upload(editor, make([ORGANISATION_HEADER, *GOOD_ROWS[:2], BAD_ROW, GOOD_ROWS[2]]), "danh-ba.bin")
    assert response.status_code == 200
    text = page_text(response.content)
    assert "Tệp có 1 lỗi: chưa nhập dữ liệu nào." in text
    assert "Dòng 4 parent Không có cơ quan, đơn vị nào có mã “quang-nam:khong-co” trong danh bạ hoặc trong tệp này." in text
    assert Organisation.objects.count() == 0
    assert "directory_import" not in editor.session


def test_every_bad_row_is_listed(editor):
    rows = [
        ORGANISATION_HEADER,
        GOOD_ROWS[0],
        [*GOOD_ROWS[1][:5], "L-P00", *GOOD_ROWS[1][6:]],
        [*GOOD_ROWS[2][:7], "ke-toan@", "STC"],
        GOOD_ROWS[0],
        ["Sở Y tế", "Sở Y tế", "", "department", "province", "", "", "", ""],
    ]
    text = page_text(upload(editor, csv_bytes(rows)).content)
    assert "Tệp có 4 lỗi" in text
    assert re.findall(r"Dòng (\d+) (\w+)", text) == [("3", "admin_unit"), ("4", "email"), ("5", "code"), ("6", "code")]
    assert "Mã “quang-nam:ubnd-tinh” đã có ở dòng 2." in text
    assert Organisation.objects.count() == 0


def test_missing_required_column(editor):
    response = upload(editor, csv_bytes([["code", "name", "kind"], ["a:b", "Tên", "unit"]]))
    assert "Thiếu cột bắt buộc: tier." in page_text(response.content)
    assert Organisation.objects.count() == 0


def test_preview_then_confirm_then_reimport_changes_nothing(editor):
    data = csv_bytes([ORGANISATION_HEADER, *GOOD_ROWS], bom=True)
    preview_url = upload(editor, data).url
    preview = page_text(editor.get(preview_url).content)
    assert "3 thêm mới 0 cập nhật 0 giữ nguyên" in preview
    assert "2 quang-nam:ubnd-tinh Ủy ban nhân dân tỉnh Quảng Nam thêm mới" in preview
    assert (
        "3 quang-nam:so-noi-vu Sở Nội vụ tỉnh Quảng Nam thêm mới short_name : Sở Nội vụ kind : department tier : province "
        "admin_unit : L-P49 parent : quang-nam:ubnd-tinh email : snv@example.org symbol : SNV"
    ) in preview
    assert Organisation.objects.count() == 0  # the preview writes nothing
    done = editor.post(preview_url)
    assert done.status_code == 302 and done.url == reverse("directory:organisation_list")
    assert "Đã nhập xong: thêm mới 3, cập nhật 0, giữ nguyên 0." in page_text(editor.get(done.url).content)
    snv = Organisation.objects.get(code="quang-nam:so-noi-vu")
    assert (snv.parent.code, snv.admin_unit.code, snv.email, snv.search_text[:9]) == (
        "quang-nam:ubnd-tinh",
        "L-P49",
        "snv@example.org",
        "so noi vu",
    )
    assert "directory_import" not in editor.session

    before = snapshot()
    preview, done = import_file(editor, data)
    assert "0 thêm mới 0 cập nhật 3 giữ nguyên" in preview
    assert "Mọi dòng đã khớp với danh bạ: không có gì để nhập." in preview
    assert snapshot() == before


def test_a_corrected_file_updates_in_place(editor):
    import_file(editor, csv_bytes([ORGANISATION_HEADER, *GOOD_ROWS]))
    before = {code: pk for pk, code, *_ in snapshot()}
    corrected = [GOOD_ROWS[0], [*GOOD_ROWS[1][:7], "so-noi-vu@quangnam.gov.vn", "SNV"], GOOD_ROWS[2]]
    xlsx = xlsx_bytes([ORGANISATION_HEADER, *corrected])
    preview, done = import_file(editor, xlsx, "sua.xlsx")
    assert "0 thêm mới 1 cập nhật 2 giữ nguyên" in preview
    assert "email : snv@example.org → so-noi-vu@quangnam.gov.vn" in preview
    assert done.status_code == 302
    assert {code: pk for pk, code, *_ in snapshot()} == before  # same rows, updated
    assert Organisation.objects.get(code="quang-nam:so-noi-vu").email == "so-noi-vu@quangnam.gov.vn"


def test_confirm_checks_again(editor):
    """The directory changed between preview and confirm: the file is refused, nothing written."""
    OrganisationFactory(code="quang-nam:ubnd-tinh")
    preview_url = upload(editor, csv_bytes([ORGANISATION_HEADER, GOOD_ROWS[1]])).url
    Organisation.objects.filter(code="quang-nam:ubnd-tinh").delete()
    confirm = editor.post(preview_url)
    assert confirm.status_code == 200
    assert "Dòng 2 parent Không có cơ quan, đơn vị nào có mã “quang-nam:ubnd-tinh”" in page_text(confirm.content)
    assert Organisation.objects.count() == 0


def test_preview_needs_the_session_token(editor):
    response = upload(editor, csv_bytes([ORGANISATION_HEADER, GOOD_ROWS[0]]))
    forged = response.url.rsplit("/", 2)[0] + "/khong-dung/"
    refused = editor.post(forged)
    assert refused.status_code == 302 and refused.url == UPLOAD
    assert Organisation.objects.count() == 0
    # Another editor (another session) cannot confirm it either.
    other = Client()
    other.force_login(UserFactory(role="clerk"))
    assert other.post(response.url).status_code == 302
    assert Organisation.objects.count() == 0
    assert editor.post(response.url).url == reverse("directory:organisation_list")
    assert Organisation.objects.count() == 1


def test_type_is_checked_by_content_not_by_name(editor):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert "không phải là tệp văn bản CSV hay bảng tính XLSX" in page_text(upload(editor, png, "danh-ba.csv").content)
    xlsx = xlsx_bytes([ORGANISATION_HEADER, GOOD_ROWS[0]])
    assert upload(editor, xlsx, "danh-ba.csv").status_code == 302  # a workbook with a .csv name is read as a workbook


def test_size_limit(editor):
    big = csv_bytes([ORGANISATION_HEADER]) + b"x" * MAX_UPLOAD_BYTES
    assert "Tệp lớn hơn 5 MB." in page_text(upload(editor, big).content)


def test_people_import(editor):
    OrganisationFactory(code="quang-nam:ubnd-tinh", name="Ủy ban nhân dân tỉnh Quảng Nam")
    url = reverse("directory:import_upload", args=["ca-nhan"])
    header = ["code", "full_name", "title", "organisation", "email", "phone"]
    bad = csv_bytes([header, ["quang-nam:ho-quang-buu", "Hồ Quang Bửu", "Phó Chủ tịch", "quang-nam:khong-co", "", ""]])
    assert "Dòng 2 organisation Không có cơ quan, đơn vị nào có mã “quang-nam:khong-co”." in page_text(
        upload(editor, bad, url=url).content
    )
    good = csv_bytes(
        [
            header,
            ["quang-nam:ho-quang-buu", "Hồ Quang Bửu", "Phó Chủ tịch", "quang-nam:ubnd-tinh", "buu@example.org", "0905 123 456"],
        ]
    )
    response = upload(editor, good, url=url)
    assert editor.post(response.url).url == reverse("directory:person_list")
    person = Person.objects.get()
    assert (person.full_name, person.organisation.code, person.phone) == ("Hồ Quang Bửu", "quang-nam:ubnd-tinh", "0905 123 456")


@pytest.mark.parametrize("kind", ["to-chuc", "ca-nhan"])
def test_templates(editor, kind):
    csv_file = editor.get(reverse("directory:import_template", args=[kind, "csv"]))
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    header = csv_file.content.decode("utf-8-sig").strip().split(",")
    assert header[0] == "code" and ("tier" in header) == (kind == "to-chuc")
    xlsx_file = editor.get(reverse("directory:import_template", args=[kind, "xlsx"]))
    assert xlsx_file["Content-Disposition"] == f'attachment; filename="mau-{kind}.xlsx"'
    workbook = load_workbook(io.BytesIO(xlsx_file.content))
    assert workbook.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    assert [cell.value for cell in workbook.worksheets[0][1]] == header
    guide = [row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert guide[:2] == ["Cột", "code"]
    assert ("department" in guide) == (kind == "to-chuc")
