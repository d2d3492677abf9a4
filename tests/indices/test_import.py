"""Importing index results from CSV and XLSX: all or nothing, idempotent, maxima enforced."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from directory.importing import read_table
from directory.services import ImportRejected
from indices import selectors, services
from indices.importing import check_results, columns_for
from indices.models import Component, ComponentLevel, ComponentScore, Edition, Index, Result
from tests.conftest import page_text
from tests.factories import AdministrativeUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    index = Index.objects.create(code="par-index", name="PAR Index", score_unit="percent")
    edition = Edition.objects.create(
        index=index,
        year=2021,
        max_total=Decimal("100"),
        grouping={"method": "thresholds", "groups": [["A", 90], ["B", 80], ["C", 0]]},
    )
    field = Component.objects.create(
        edition=edition, order=1, code="1", name="Chỉ đạo, điều hành", level=ComponentLevel.DIMENSION, max_score=Decimal("10")
    )
    Component.objects.create(
        edition=edition,
        parent=field,
        order=1,
        code="1.1",
        name="Kế hoạch",
        level=ComponentLevel.SUB_DIMENSION,
        max_score=Decimal("2"),
    )
    for code, name in [("L-P49", "Quảng Nam"), ("L-P48", "Đà Nẵng"), ("L-P58", "Ninh Thuận")]:
        AdministrativeUnitFactory(code=code, name=f"Tỉnh {name}", short_name=name)
    return edition


def table(edition, text: str):
    return read_table(text.encode(), columns_for(selectors.component_infos(edition)))


def check(edition, text):
    t = table(edition, text)
    return check_results(t, **selectors.result_import_context(edition=edition, table=t))


GOOD = 'unit,total,rank,out_of,c1,c1.1\nQuảng Nam,"86,57",33,63,8.5,1.5\nL-P48,91.2,5,63,9,2\n'


def test_a_good_file_creates_then_reimporting_changes_nothing(edition):
    plan = services.results_import(edition=edition, table=table(edition, GOOD))
    assert plan.count("create") == 2
    quang_nam = Result.objects.get(edition=edition, admin_unit__code="L-P49")
    assert (quang_nam.total, quang_nam.rank, quang_nam.out_of, quang_nam.group) == (Decimal("86.57"), 33, 63, "B")
    assert Result.objects.get(admin_unit__code="L-P48").group == "A"
    assert dict(quang_nam.component_scores.values_list("component__code", "score")) == {
        "1": Decimal("8.5"),
        "1.1": Decimal("1.5"),
    }
    before = list(Result.objects.order_by("pk").values()), list(ComponentScore.objects.order_by("pk").values())

    again = services.results_import(edition=edition, table=table(edition, GOOD))
    assert (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 2)
    assert (list(Result.objects.order_by("pk").values()), list(ComponentScore.objects.order_by("pk").values())) == before


def test_a_corrected_file_updates_in_place(edition):
    services.results_import(edition=edition, table=table(edition, GOOD))
    ids = set(Result.objects.values_list("pk", flat=True))
    plan = services.results_import(
        edition=edition, table=table(edition, GOOD.replace("8.5,1.5", "8.7,1.8").replace('"86,57"', "86.99"))
    )
    assert (plan.count("update"), plan.count("unchanged")) == (1, 1)
    assert set(Result.objects.values_list("pk", flat=True)) == ids
    quang_nam = Result.objects.get(admin_unit__code="L-P49")
    assert quang_nam.total == Decimal("86.99")
    assert quang_nam.component_scores.get(component__code="1.1").score == Decimal("1.8")


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(edition):
    text = (
        "unit,total,rank,c1,c1.1\n"
        "Quảng Nam,86.57,33,8.5,1.5\n"  # row 2: good
        "Atlantis,80,10,5,1\n"  # row 3: unknown unit
        "Đà Nẵng,101,5,9,2\n"  # row 4: total above 100
        "Ninh Thuận,85,64,9,2.5\n"  # row 5: rank beyond 63, component above its maximum of 2
        "quang nam,70,40,5,1\n"  # row 6: Quảng Nam twice
    )
    plan = check(edition, text)
    assert sorted({(e.row, e.column) for e in plan.errors}) == [
        (3, "unit"),
        (4, "total"),
        (5, "c1.1"),
        (5, "rank"),
        (6, "unit"),
    ]
    messages = {(e.row, e.column): e.message for e in plan.errors}
    assert "Atlantis" in messages[(3, "unit")]
    assert "2,00" in messages[(5, "c1.1")] and "2,50" in messages[(5, "c1.1")]
    assert "row 2" in messages[(6, "unit")] or "dòng 2" in messages[(6, "unit")]
    with pytest.raises(ImportRejected):
        services.results_import(edition=edition, table=table(edition, text))
    assert not Result.objects.exists() and not ComponentScore.objects.exists()


def test_a_score_above_the_component_maximum_is_refused(edition):
    plan = check(edition, "unit,c1\nQuảng Nam,10.5\n")
    assert [(e.row, e.column) for e in plan.errors] == [(2, "c1")]
    assert check(edition, "unit,c1\nQuảng Nam,10\n").errors == []


def test_xlsx_template_filled_and_uploaded_through_the_pages(client, edition):
    from openpyxl import Workbook, load_workbook

    client.force_login(UserFactory(role="drafter"))
    template = client.get(reverse("indices:import_template", args=[edition.pk, "xlsx"]))
    header = [cell.value for cell in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert header == ["unit", "total", "rank", "out_of", "group", "c1", "c1.1"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    sheet.append(["L-P49", 86.57, 33, 63, None, 8.5, 1.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "par-2021.xlsx"
    response = client.post(reverse("indices:import_upload", args=[edition.pk]), {"file": upload})
    assert response.status_code == 302 and not Result.objects.exists()
    preview = client.get(response.url)
    assert "Tỉnh Quảng Nam" in page_text(preview.content)
    confirmed = client.post(response.url)
    assert confirmed.status_code == 302
    assert Result.objects.get(admin_unit__code="L-P49").total == Decimal("86.57")


def test_bad_file_page_lists_the_rows(client, edition):
    client.force_login(UserFactory(role="admin"))
    upload = io.BytesIO("unit,total\nAtlantis,80\nQuảng Nam,120\n".encode())
    upload.name = "bad.csv"
    response = client.post(reverse("indices:import_upload", args=[edition.pk]), {"file": upload})
    text = page_text(response.content)
    assert response.status_code == 200
    assert "Dòng 2" in text and "Dòng 3" in text and "Atlantis" in text
    assert not Result.objects.exists()
