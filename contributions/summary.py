"""The index summary of the booklet: which indices a conference covers,
for which year and unit, and what their results say.

The indices are those named in the plan's subject (by name or by their
Vietnamese full name: “Chỉ số Hiệu quả Quản trị và Hành chính công cấp
tỉnh” is PAPI); the year is the one the subject names before the plan's
year (“… năm 2023” in a 2024 plan), otherwise the year before the plan;
the unit is the province of the issuing body. Each result is stated by
:func:`indices.sentences.describe` with its top-level components.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from directory.models import AdministrativeUnit, UnitLevel
from directory.text import fold
from indices import selectors as index_selectors
from indices.models import ComponentScore, Index, Result
from indices.sentences import describe, results_for

# Words that name each index in a Vietnamese subject (folded: no accents, lower case).
INDEX_NAMES = {
    "papi": ("papi", "hieu qua quan tri va hanh chinh cong"),
    "par-index": ("par index", "par-index", "chi so cai cach hanh chinh"),
    "sipas": ("sipas", "chi so hai long"),
}
_YEAR = re.compile(r"\b(20\d\d)\b")


@dataclass
class ComponentLine:
    code: str
    name: str
    score: object
    max_score: object
    mean: object


@dataclass
class IndexSummary:
    index: Index
    year: int
    sentence: str = ""
    is_sample: bool = False
    components: list[ComponentLine] = field(default_factory=list)


def covered_indices(plan) -> list[Index]:
    text = fold(plan.subject)
    codes = [code for code, names in INDEX_NAMES.items() if any(name in text for name in names)]
    by_code = {index.code: index for index in Index.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


def analysed_year(plan) -> int:
    years = [int(y) for y in _YEAR.findall(plan.subject) if int(y) < plan.year]
    return max(years) if years else plan.year - 1


def province_of(plan) -> AdministrativeUnit | None:
    organisation = plan.issuing_body
    unit = None
    while organisation is not None and unit is None:
        unit, organisation = organisation.admin_unit, organisation.parent
    while unit is not None and unit.level != UnitLevel.PROVINCE:
        unit = unit.parent
    return unit


def index_summary(plan) -> list[IndexSummary]:
    """One entry per covered index; an entry without sentence when no result is loaded."""
    indices = covered_indices(plan)
    province = province_of(plan)
    year = analysed_year(plan)
    results: dict[int, Result] = {}
    if province is not None and indices:
        results = {r.edition.index_id: r for r in results_for(unit=province, year=year) if r.edition.index_id}
    out = []
    for index in indices:
        entry = IndexSummary(index=index, year=year)
        result = results.get(index.pk)
        if result is not None:
            entry.sentence = describe(result)
            entry.is_sample = result.is_sample or ComponentScore.objects.filter(result=result, is_sample=True).exists()
            rows = index_selectors.top_level(index_selectors.component_rows(result))
            entry.components = [
                ComponentLine(r.component.code, r.component.name, r.score, r.component.max_score, r.mean) for r in rows
            ]
        out.append(entry)
    return out
