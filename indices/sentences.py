"""Vietnamese sentences stating an index result, in the form of seed 002:

“Chỉ số PAR Index năm 2021 của tỉnh Quảng Nam đạt 86,57 điểm, xếp hạng
33/63 tỉnh, thành phố trực thuộc Trung ương, xếp vào nhóm B (tăng 9 bậc so
với năm 2020).”

Rules applied everywhere: decimal comma and a dot between thousands, two
decimals at least and three when the third is not zero (86,57; 48,881);
counts of places are written without a leading zero (“giảm 4 bậc”, where
the seed once wrote “giảm 04 bậc”); the change of score comes before the
change of rank, joined by “và”. The changes are computed from the previous
year's result of the same unit (or of its single predecessor before the
2025 reorganisation) when it is loaded, otherwise taken as published.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from directory.models import AdministrativeUnit
from directory.text import fold

from .models import Edition, EditionScope, Index, Result

RANKED_UNITS = {
    EditionScope.NATIONAL: "tỉnh, thành phố trực thuộc Trung ương",
    EditionScope.PROVINCIAL: "cơ quan, đơn vị, địa phương",
}


def vn_number(value: Decimal | float | int | None, *, min_decimals: int = 2, max_decimals: int = 3) -> str:
    """86.570 → “86,57”; 48.881 → “48,881”; 1234567.891 → “1.234.567,891”; 9 → “9,00”."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, decimals = f"{abs(number):.{max_decimals}f}".partition(".")
    decimals = decimals.rstrip("0").ljust(min_decimals, "0")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    whole = ".".join([whole, *groups])
    return f"{sign}{whole},{decimals}" if decimals else f"{sign}{whole}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Change:
    """Change against the previous year: points (may be None) and places gained (negative: lost)."""

    points: Decimal | None
    places: int | None
    previous_year: int

    @property
    def empty(self) -> bool:
        return self.points is None and self.places is None


def previous_result(result: Result) -> Result | None:
    """The same unit's result in the edition of the year before (same index
    and scope), or its only predecessor's across the 2025 reorganisation."""
    edition = result.edition
    previous = Edition.objects.filter(
        index_id=edition.index_id, scope=edition.scope, owner_unit_id=edition.owner_unit_id, year=edition.year - 1
    ).first()
    if previous is None:
        return None
    results = Result.objects.filter(edition=previous)
    if result.organisation_id:
        return results.filter(organisation_id=result.organisation_id).first()
    found = results.filter(admin_unit_id=result.admin_unit_id).first()
    if found is None:
        candidates = list(results.filter(admin_unit__in=result.admin_unit.predecessors.all())[:2])
        found = candidates[0] if len(candidates) == 1 else None
    return found


def change_of(result: Result, previous: Result | None) -> Change:
    points = places = None
    if previous is not None and result.total is not None and previous.total is not None:
        points = result.total - previous.total
    elif result.total_change is not None:
        points = result.total_change
    if previous is not None and result.rank and previous.rank:
        places = previous.rank - result.rank
    elif result.rank_change is not None:
        places = result.rank_change
    return Change(points=points, places=places, previous_year=result.edition.year - 1)


def change_text(change: Change) -> str:
    """“tăng 3,64 điểm và giảm 4 bậc so với năm 2020” (empty when nothing is known)."""
    parts = []
    if change.points is not None:
        if change.points > 0:
            parts.append(f"tăng {vn_number(change.points)} điểm")
        elif change.points < 0:
            parts.append(f"giảm {vn_number(-change.points)} điểm")
        else:
            parts.append("giữ nguyên điểm số")
    if change.places is not None:
        if change.places > 0:
            parts.append(f"tăng {change.places} bậc")
        elif change.places < 0:
            parts.append(f"giảm {-change.places} bậc")
        else:
            parts.append("giữ nguyên thứ hạng")
    return f"{' và '.join(parts)} so với năm {change.previous_year}" if parts else ""


def unit_phrase(result: Result) -> str:
    """“tỉnh Quảng Nam”, “thành phố Đà Nẵng”, or the organisation's name."""
    if result.admin_unit_id:
        return lower_first(result.admin_unit.name)
    return result.organisation.name


def group_phrase(group: str) -> str:
    """“xếp vào nhóm B”; PAPI's quartile groups in words (“Cao nhất” → “xếp vào nhóm đạt điểm cao nhất”)."""
    if len(group) > 2:
        return f"xếp vào nhóm đạt điểm {group.lower()}"
    return f"xếp vào nhóm {group}"


def describe_result(result: Result, previous: Result | None = None) -> str:
    """One sentence for one result (``previous``: last year's, see :func:`previous_result`)."""
    edition = result.edition
    parts = [f"Chỉ số {edition.index.name} năm {edition.year} của {unit_phrase(result)}"]
    if result.total is not None:
        parts.append(f" đạt {vn_number(result.total)} điểm")
    if result.rank:
        ranked = RANKED_UNITS.get(edition.scope, RANKED_UNITS[EditionScope.NATIONAL])
        out_of = f"/{result.out_of}" if result.out_of else ""
        parts.append(f"{',' if result.total is not None else ''} xếp hạng {result.rank}{out_of} {ranked}")
    if result.group:
        parts.append(f", {group_phrase(result.group)}")
    changes = change_text(change_of(result, previous))
    if changes:
        parts.append(f" ({changes})")
    return "".join(parts) + "."


def describe(result: Result) -> str:
    return describe_result(result, previous_result(result))


# Looking up what to describe ---------------------------------------------------------


class NotFound(Exception):
    pass


def find_index(text: str) -> Index:
    """By code or name, any case, accents optional; a prefix is enough (“PAR” → PAR Index)."""
    wanted = fold(text).replace("-", " ")
    indices = list(Index.objects.all())
    for matches in (
        lambda index: wanted in (fold(index.code).replace("-", " "), fold(index.name)),
        lambda index: fold(index.code).replace("-", " ").startswith(wanted) or fold(index.name).startswith(wanted),
    ):
        found = [index for index in indices if matches(index)]
        if len(found) == 1:
            return found[0]
    raise NotFound(f"No single index matches “{text}”.")


def find_result(*, index: Index, year: int, unit: str) -> Result:
    """The national result of ``year`` for the unit named ``unit`` (its code,
    name or short name, accents optional), among the units of that year."""
    wanted = fold(unit)
    results = Result.objects.select_related("edition__index", "admin_unit", "organisation").filter(
        edition__index=index, edition__year=year, edition__scope=EditionScope.NATIONAL
    )
    if not results.exists():
        raise NotFound(f"No {index.name} results are loaded for {year}.")
    found = [
        result
        for result in results.filter(Q(admin_unit__search_text__contains=wanted) | Q(admin_unit__code=unit))
        if wanted in (fold(result.admin_unit.short_name), fold(result.admin_unit.name)) or result.admin_unit.code == unit
    ]
    if len(found) != 1:
        raise NotFound(f"No single {index.name} {year} result for “{unit}”.")
    return found[0]


def describe_unit(*, index: str, year: int, unit: str) -> str:
    return describe(find_result(index=find_index(index), year=year, unit=unit))


def results_for(*, unit: AdministrativeUnit, year: int, index: Index | None = None) -> list[Result]:
    """National results of ``unit`` in ``year`` (every index, or one)."""
    results = Result.objects.select_related("edition__index", "admin_unit", "organisation").filter(
        admin_unit=unit, edition__year=year, edition__scope=EditionScope.NATIONAL
    )
    if index is not None:
        results = results.filter(edition__index=index)
    return list(results.order_by("edition__index__code"))
