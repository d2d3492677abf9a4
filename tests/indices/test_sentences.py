"""describe_index prints seed 002's first paragraph figures."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indices.models import Result
from indices.sentences import vn_number
from tests.conftest import DATA_DIR, collapse

pytestmark = pytest.mark.django_db

PAR = (
    "Chỉ số PAR Index năm 2021 của tỉnh Quảng Nam đạt 86,57 điểm, xếp hạng 33/63 tỉnh, thành phố trực thuộc "
    "Trung ương, xếp vào nhóm B (tăng 9 bậc so với năm 2020)."
)
SIPAS = (
    "Chỉ số SIPAS năm 2021 của tỉnh Quảng Nam đạt 84,24 điểm, xếp hạng 57/63 tỉnh, thành phố trực thuộc "
    "Trung ương (tăng 3,64 điểm và giảm 4 bậc so với năm 2020)."
)


def describe(index, year=2021, unit="Quảng Nam") -> str:
    out = io.StringIO()
    call_command("describe_index", index=index, year=year, unit=unit, stdout=out)
    return out.getvalue().strip()


def seed_paragraph() -> str:
    text = collapse((DATA_DIR / "seeds" / "002_40f6c37706d270d4.txt").read_text(encoding="utf-8"))
    return text[text.index("Chỉ số Par Index năm 2021") : text.index("Trên cơ sở kết quả phân tích")]


def as_in_the_seed(sentence: str) -> str:
    """The seed's spelling of the names and its one leading zero (our rule: no leading zeros), and its
    doubled “điểm điểm”; the figures, ranks, group and changes must then be the seed's word for word."""
    sentence = sentence.replace("PAR Index", "Par Index").replace("SIPAS", "Sipas").rstrip(".")
    return sentence.replace("3,64 điểm và giảm 4 bậc", "3,64 điểm điểm và giảm 04 bậc")


def test_par_index_and_sipas_2021_as_in_seed_002(demo):
    # The 2020 results are loaded (PAR Index: rank 42/63, no score; SIPAS: 80,60, rank 53/63).
    assert Result.objects.get(edition__index__code="par-index", edition__year=2020, admin_unit__code="L-P49").rank == 42
    assert Result.objects.get(edition__index__code="sipas", edition__year=2020, admin_unit__code="L-P49").total == Decimal("80.6")
    assert describe("PAR") == PAR
    assert describe("SIPAS") == SIPAS
    seed = seed_paragraph()
    assert as_in_the_seed(PAR) in seed
    assert as_in_the_seed(SIPAS) in seed


def test_changes_are_computed_from_the_2020_results_when_not_published(demo):
    Result.objects.filter(edition__year=2021, admin_unit__code="L-P49").update(total_change=None, rank_change=None)
    assert describe("par-index", unit="quang nam") == PAR
    assert describe("Sipas", unit="L-P49") == SIPAS


def test_published_changes_are_used_without_last_year(demo):
    Result.objects.filter(edition__year=2020, admin_unit__code="L-P49").delete()
    assert describe("PAR") == PAR
    assert describe("SIPAS") == SIPAS


def test_unknown_unit_or_year_is_an_error(demo):
    with pytest.raises(CommandError, match="No single"):
        describe("PAR", unit="Atlantis")
    with pytest.raises(CommandError, match="No PAR Index results"):
        describe("PAR", year=1999)


@pytest.mark.parametrize(
    ("value", "text"),
    [("86.570", "86,57"), ("48.881", "48,881"), ("9", "9,00"), ("1234567.891", "1.234.567,891"), ("-3.64", "-3,64")],
)
def test_vietnamese_numbers(value, text):
    assert vn_number(Decimal(value)) == text


def test_no_leading_zero_in_places():
    assert not re.search(r"\b0\d bậc", SIPAS)
