"""The pure reading and checking functions of directory/importing.py."""

import io
import json
import unicodedata
import zipfile

import pytest

from directory.importing import (
    CREATE,
    MAX_UPLOAD_BYTES,
    ORGANISATION_COLUMNS,
    PERSON_COLUMNS,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    Table,
    check_organisations,
    check_people,
    csv_template,
    read_table,
    xlsx_template,
)
from directory.models import Person
from tests.directory.files import ORGANISATION_HEADER, SNV_ROW, UBND_ROW, csv_bytes, xlsx_bytes

SNV = SNV_ROW
UBND = UBND_ROW


def organisations(rows, *, existing=None, units=frozenset({"L-P49"})):
    table = read_table(csv_bytes([ORGANISATION_HEADER, *rows]), ORGANISATION_COLUMNS)
    return check_organisations(table, existing=existing or {}, unit_codes=set(units))


def errors(plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.errors]


# Reading ----------------------------------------------------------------------


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_or_without_bom_and_either_delimiter(bom, delimiter):
    table = read_table(csv_bytes([ORGANISATION_HEADER, UBND, SNV], bom=bom, delimiter=delimiter), ORGANISATION_COLUMNS)
    assert table.columns == ORGANISATION_HEADER
    assert [number for number, _ in table.rows] == [2, 3]
    assert table.rows[1][1]["name"] == "Sở Nội vụ tỉnh Quảng Nam"
    assert table.rows[1][1]["parent"] == "quang-nam:ubnd-tinh"


def test_xlsx_is_read_by_content_with_row_numbers_and_text_cells():
    data = xlsx_bytes([ORGANISATION_HEADER + ["ghi chú"], UBND, [], [*SNV[:8], 1234]])
    table = read_table(data, ORGANISATION_COLUMNS)
    assert [number for number, _ in table.rows] == [2, 4]  # the empty row 3 is skipped, numbers stay
    assert table.rows[1][1]["symbol"] == "1234"  # a number cell read as text, without ".0"
    assert table.ignored_columns == ["ghi chú"]


def test_text_is_stored_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Sở Nội vụ tỉnh Quảng Nam")
    table = read_table(csv_bytes([ORGANISATION_HEADER, [SNV[0], decomposed, *SNV[2:]]]), ORGANISATION_COLUMNS)
    assert table.rows[0][1]["name"] == "Sở Nội vụ tỉnh Quảng Nam"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "tệp trống"),
        ("code,name\nx,Sở".encode("utf-16"), "không phải"),
        ("code,name,kind,tier\nx,Phòng Tài chính,unit,district\n".encode("cp1252"), "UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04not really a zip", "không phải"),
        (b"code,name\nx,y\n", "thiếu cột bắt buộc: kind, tier"),
        (b"code,name,kind,tier,name\nx,y,department,province,z\n", "lặp lại"),
        (b"code,name,kind,tier\n", "không có dòng dữ liệu"),
    ],
    ids=["empty", "utf16", "cp1252", "xls", "broken-zip", "missing-columns", "repeated-column", "no-rows"],
)
def test_unreadable_files_are_refused_with_a_reason(data, message):
    with pytest.raises(ImportFileError) as error:
        read_table(data, ORGANISATION_COLUMNS)
    assert message.lower() in str(error.value).lower()


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    with pytest.raises(ImportFileError, match="không phải"):
        read_table(buffer.getvalue(), ORGANISATION_COLUMNS)


def test_size_limit():
    with pytest.raises(ImportFileError, match="5 MB"):
        read_table(b"code,name,kind,tier\n" + b"x" * MAX_UPLOAD_BYTES, ORGANISATION_COLUMNS)


def test_templates_name_every_column():
    header = csv_template(ORGANISATION_COLUMNS)
    assert header.startswith("\ufeff".encode())
    assert header.decode("utf-8-sig").strip() == ",".join(c.key for c in ORGANISATION_COLUMNS)
    with pytest.raises(ImportFileError, match="không có dòng dữ liệu"):  # read back: the header is recognised
        read_table(header, ORGANISATION_COLUMNS)
    workbook = xlsx_template(PERSON_COLUMNS, Person)
    with pytest.raises(ImportFileError, match="không có dòng dữ liệu"):
        read_table(workbook, PERSON_COLUMNS)


# Checking ---------------------------------------------------------------------


def test_new_rows_are_created_parents_may_be_in_the_file():
    plan = organisations([SNV, UBND])
    assert errors(plan) == []
    assert [(c.row, c.code, c.action) for c in plan.changes] == [
        (2, "quang-nam:so-noi-vu", CREATE),
        (3, "quang-nam:ubnd-tinh", CREATE),
    ]
    assert plan.changes[0].values["parent"] == "quang-nam:ubnd-tinh"


def test_every_bad_row_is_reported_with_its_reason():
    plan = organisations(
        [
            UBND,
            ["quang-nam:so-tai-chinh", "Sở Tài chính", "", "department", "province", "L-P99", "", "", ""],
            ["quang-nam:so-y-te", "Sở Y tế", "", "department", "province", "L-P49", "quang-nam:khong-co", "", ""],
            ["quang-nam:so-gd", "Sở Giáo dục", "", "department", "province", "", "", "khong-phai-email", ""],
            ["quang-nam:ubnd-tinh", "Trùng mã", "", "people_committee", "province", "", "", "", ""],
            ["Quang Nam:So Xay Dung", "Sở Xây dựng", "", "department", "province", "", "", "", ""],
            ["quang-nam:so-cong-thuong", "", "", "phong-ban", "cap-tinh", "", "", "", ""],
        ]
    )
    assert errors(plan) == [
        (3, "admin_unit", "Không có đơn vị hành chính nào có mã “L-P99”."),
        (4, "parent", "Không có cơ quan, đơn vị nào có mã “quang-nam:khong-co” trong danh bạ hoặc trong tệp này."),
        (5, "email", "“khong-phai-email” không phải là địa chỉ thư điện tử hợp lệ."),
        (6, "code", "Mã “quang-nam:ubnd-tinh” đã có ở dòng 2."),
        (7, "code", "Chỉ dùng chữ thường không dấu, chữ số, “-” và “:”."),
        (8, "name", "Cột này là bắt buộc."),
        (8, "kind", "“phong-ban” không phải là một giá trị được phép."),
        (8, "tier", "“cap-tinh” không phải là một giá trị được phép."),
    ]


def test_choices_may_be_written_by_name_without_accents():
    plan = organisations([[SNV[0], SNV[1], "", "so, ban, nganh", "Tỉnh", "", "", "", ""]])
    assert errors(plan) == []
    assert (plan.changes[0].values["kind"], plan.changes[0].values["tier"]) == ("department", "province")


def test_parent_loops_are_refused():
    plan = organisations(
        [
            ["a:x", "X", "", "unit", "province", "", "a:y", "", ""],
            ["a:y", "Y", "", "unit", "province", "", "a:x", "", ""],
            ["a:z", "Z", "", "unit", "province", "", "a:z", "", ""],
        ]
    )
    assert errors(plan) == [
        (2, "parent", "Các cơ quan cấp trên tạo thành vòng lặp: a:x → a:y → a:x."),
        (3, "parent", "Các cơ quan cấp trên tạo thành vòng lặp: a:y → a:x → a:y."),
        (4, "parent", "Một cơ quan, đơn vị không thể là cấp trên của chính nó."),
    ]
    # A loop through the directory: the existing a:y has parent a:x.
    existing = {"a:y": {"code": "a:y", "name": "Y", "kind": "unit", "tier": "province", "parent": "a:x", "admin_unit": ""}}
    plan = organisations([["a:x", "X", "", "unit", "province", "", "a:y", "", ""]], existing=existing)
    assert errors(plan) == [(2, "parent", "Các cơ quan cấp trên tạo thành vòng lặp: a:x → a:y → a:x.")]


def test_unchanged_and_updated_rows_and_absent_columns():
    existing = {
        "quang-nam:ubnd-tinh": {
            "code": "quang-nam:ubnd-tinh",
            "name": "Ủy ban nhân dân tỉnh Quảng Nam",
            "short_name": "UBND tỉnh",
            "kind": "people_committee",
            "tier": "province",
            "admin_unit": "L-P49",
            "parent": "",
            "email": "",
            "symbol": "UBND",
            "phone": "0235 3812 345",
            "is_active": True,
        }
    }
    plan = organisations([UBND], existing=existing)
    assert [c.action for c in plan.changes] == [UNCHANGED]  # phone is not a column of the file: left alone
    plan = organisations([[*UBND[:7], "ubnd@quangnam.gov.vn", "UBND"]], existing=existing)
    assert [(c.action, c.changes) for c in plan.changes] == [(UPDATE, [("email", "", "ubnd@quangnam.gov.vn")])]


def test_people_rows():
    table = read_table(
        csv_bytes(
            [
                ["code", "full_name", "title", "organisation", "email", "phone"],
                ["quang-nam:ho-quang-buu", "Hồ Quang Bửu", "Phó Chủ tịch", "quang-nam:ubnd-tinh", "", "0905 123 456"],
                ["quang-nam:nguyen-van-a", "Nguyễn Văn A", "", "quang-nam:khong-co", "a@", ""],
                ["quang-nam:tran-thi-b", "Trần Thị B", "", "", "", ""],
            ]
        ),
        PERSON_COLUMNS,
    )
    plan = check_people(
        table,
        existing={
            "quang-nam:ho-quang-buu": {
                "code": "quang-nam:ho-quang-buu",
                "full_name": "Hồ Quang Bửu",
                "title": "Phó Chủ tịch",
                "organisation": "quang-nam:ubnd-tinh",
                "email": "",
                "phone": "",
            }
        },
        organisation_codes={"quang-nam:ubnd-tinh"},
    )
    assert errors(plan) == [
        (3, "email", "“a@” không phải là địa chỉ thư điện tử hợp lệ."),
        (3, "organisation", "Không có cơ quan, đơn vị nào có mã “quang-nam:khong-co”."),
        (4, "organisation", "Cột này là bắt buộc."),
    ]
    assert [(c.code, c.action, c.changes) for c in plan.changes] == [
        ("quang-nam:ho-quang-buu", UPDATE, [("phone", "", "0905 123 456")])
    ]


def test_a_workbook_that_expands_too_much_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (61 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_UPLOAD_BYTES
    with pytest.raises(ImportFileError, match="quá lớn khi giải nén"):
        read_table(buffer.getvalue(), ORGANISATION_COLUMNS)


def test_a_table_survives_the_session_round_trip():
    table = read_table(xlsx_bytes([[*ORGANISATION_HEADER, "ghi chú"], UBND, SNV]), ORGANISATION_COLUMNS)
    assert Table.from_data(json.loads(json.dumps(table.to_data()))) == table
