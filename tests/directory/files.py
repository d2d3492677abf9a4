"""Build CSV and XLSX import files in tests."""

import csv
import io

from openpyxl import Workbook

ORGANISATION_HEADER = ["code", "name", "short_name", "kind", "tier", "admin_unit", "parent", "email", "symbol"]
UBND_ROW = [
    "quang-nam:ubnd-tinh",
    "Ủy ban nhân dân tỉnh Quảng Nam",
    "UBND tỉnh",
    "people_committee",
    "province",
    "L-P49",
    "",
    "",
    "UBND",
]
SNV_ROW = [
    *("quang-nam:so-noi-vu", "Sở Nội vụ tỉnh Quảng Nam", "Sở Nội vụ", "department", "province"),
    *("L-P49", "quang-nam:ubnd-tinh", "snv@example.org", "SNV"),
]
STC_ROW = [
    *("quang-nam:so-tai-chinh", "Sở Tài chính tỉnh Quảng Nam", "Sở Tài chính", "department", "province"),
    *("L-P49", "quang-nam:ubnd-tinh", "", "STC"),
]


def csv_bytes(rows: list[list[str]], *, bom: bool = False, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
