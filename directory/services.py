"""Writes to the directory."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from .models import REFORM_DATE, AdministrativeUnit, UnitLevel, UnitPeriod

LAST_DAY_BEFORE_REFORM = REFORM_DATE - datetime.timedelta(days=1)


def legacy_province_code(code: int) -> str:
    return f"L-P{int(code)}"


@transaction.atomic
def units_load(*, commune_provinces: Iterable[int] | None = None) -> int:
    """Load administrative units from the ``vietnam-provinces`` package.

    All 63 provinces and ~700 districts before 1 July 2025, the 34 provinces
    after it with their predecessors, and the communes (before and after)
    of ``commune_provinces`` (legacy province codes; all when ``None``).
    Existing codes are left untouched, so running it again changes nothing.
    Returns the number of units created.
    """
    from vietnam_provinces import Province as NewProvince
    from vietnam_provinces import Ward as NewWard
    from vietnam_provinces._province_conversion_2025 import find_new_provinces
    from vietnam_provinces.legacy import District, Province, Ward

    existing = set(AdministrativeUnit.objects.values_list("code", flat=True))
    created = 0

    def add(rows: list[AdministrativeUnit]) -> None:
        nonlocal created
        fresh = [row for row in rows if row.code not in existing]
        AdministrativeUnit.objects.bulk_create(fresh, batch_size=500)
        existing.update(row.code for row in fresh)
        created += len(fresh)

    def ids(codes: Iterable[str]) -> dict[str, int]:
        return dict(AdministrativeUnit.objects.filter(code__in=list(codes)).values_list("code", "id"))

    old = dict(valid_until=LAST_DAY_BEFORE_REFORM, period=UnitPeriod.BEFORE_2025)
    new = dict(valid_from=REFORM_DATE, period=UnitPeriod.FROM_2025)

    def short(name: str, division_type: str) -> str:
        prefix = division_type.replace("thành phố trung ương", "thành phố").capitalize() + " "
        return name[len(prefix) :] if name.startswith(prefix) else name

    provinces = list(Province.iter_all())
    add(
        [
            AdministrativeUnit(
                code=legacy_province_code(p.code),
                name=p.name,
                short_name=short(p.name, p.division_type),
                level=UnitLevel.PROVINCE,
                division_type=str(p.division_type),
                **old,
            )
            for p in provinces
        ]
    )
    province_ids = ids(legacy_province_code(p.code) for p in provinces)
    districts = list(District.iter_all())
    add(
        [
            AdministrativeUnit(
                code=f"L-D{int(d.code)}",
                name=d.name,
                short_name=short(d.name, d.division_type),
                level=UnitLevel.DISTRICT,
                division_type=str(d.division_type),
                parent_id=province_ids[legacy_province_code(d.province_code)],
                **old,
            )
            for d in districts
        ]
    )
    new_provinces = list(NewProvince.iter_all())
    add(
        [
            AdministrativeUnit(
                code=f"N-P{int(p.code)}",
                name=p.name,
                short_name=short(p.name, p.division_type),
                level=UnitLevel.PROVINCE,
                division_type=str(p.division_type),
                **new,
            )
            for p in new_provinces
        ]
    )
    new_ids = ids(f"N-P{int(p.code)}" for p in new_provinces)

    # Predecessor → successor links between provinces.
    links = []
    Link = AdministrativeUnit.successors.through
    known = set(Link.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id"))
    for p in provinces:
        entry = find_new_provinces(int(p.code))
        for successor in entry.new_provinces if entry else ():
            pair = (province_ids[legacy_province_code(p.code)], new_ids[f"N-P{successor.code}"])
            if pair not in known:
                links.append(Link(from_administrativeunit_id=pair[0], to_administrativeunit_id=pair[1]))
                known.add(pair)
    Link.objects.bulk_create(links)

    wanted = None if commune_provinces is None else {int(c) for c in commune_provinces}
    district_ids = ids(f"L-D{int(d.code)}" for d in districts)
    communes = []
    successor_codes: set[int] = set()
    for p in provinces:
        if wanted is not None and int(p.code) not in wanted:
            continue
        entry = find_new_provinces(int(p.code))
        successor_codes.update(s.code for s in (entry.new_provinces if entry else ()))
        for w in Ward.iter_by_province(p.code):
            communes.append(
                AdministrativeUnit(
                    code=f"L-W{int(w.code)}",
                    name=w.name,
                    short_name=short(w.name, w.division_type),
                    level=UnitLevel.COMMUNE,
                    division_type=str(w.division_type),
                    parent_id=district_ids[f"L-D{int(w.district_code)}"],
                    **old,
                )
            )
    for code in sorted(successor_codes) if wanted is not None else [int(p.code) for p in new_provinces]:
        for w in NewWard.iter_by_province(code):
            communes.append(
                AdministrativeUnit(
                    code=f"N-W{int(w.code)}",
                    name=w.name,
                    short_name=short(w.name, w.division_type),
                    level=UnitLevel.COMMUNE,
                    division_type=str(w.division_type),
                    parent_id=new_ids[f"N-P{int(code)}"],
                    **new,
                )
            )
    add(communes)
    return created
