"""Writes to the directory."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import ProtectedError

from . import selectors
from .importing import CREATE, UNCHANGED, ImportPlan, Table, check_organisations, check_people
from .models import REFORM_DATE, AdministrativeUnit, Organisation, OrganisationKind, Person, Tier, UnitLevel, UnitPeriod
from .text import slug

LAST_DAY_BEFORE_REFORM = REFORM_DATE - datetime.timedelta(days=1)


def legacy_province_code(code: int) -> str:
    return f"L-P{int(code)}"


@transaction.atomic
def units_load(*, commune_provinces: Iterable[int] | None = None) -> int:
    """Load administrative units from the ``vietnam-provinces`` package.

    All 63 provinces and ~700 districts before 1 July 2025, the 34 provinces
    after it with their predecessors, and the communes (before and after)
    of ``commune_provinces`` (legacy province codes; all when ``None``).
    Successor links: old province → new province(s); old commune → the new
    commune(s) that took over its territory; old district (a tier that no
    longer exists) → the new communes of its old communes. Existing codes
    are left untouched and existing links kept, so running it again changes
    nothing. Returns the number of units created.
    """
    from vietnam_provinces import Province as NewProvince
    from vietnam_provinces import Ward as NewWard
    from vietnam_provinces._province_conversion_2025 import find_new_provinces
    from vietnam_provinces._ward_conversion_2025 import find_new_wards
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
    pairs = []
    for p in provinces:
        entry = find_new_provinces(int(p.code))
        successors = entry.new_provinces if entry else ()
        pairs.extend((legacy_province_code(p.code), f"N-P{successor.code}") for successor in successors)
    link_successors(pairs)

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

    # Old commune → new commune(s); old district → the new communes of its communes.
    pairs = []
    for commune in communes:
        if commune.period != UnitPeriod.BEFORE_2025:
            continue
        entry = find_new_wards(int(commune.code[3:]))
        for successor in entry.new_wards if entry else ():
            pairs.append((commune.code, f"N-W{successor.code}"))
            pairs.append((f"L-D{entry.old_ward.district_code}", f"N-W{successor.code}"))
    link_successors(pairs)
    return created


def link_successors(pairs: Iterable[tuple[str, str]]) -> int:
    """Link (predecessor code, successor code) pairs that both exist and are
    not linked yet; returns how many links were made."""
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return 0
    ids = dict(AdministrativeUnit.objects.values_list("code", "id"))
    Link = AdministrativeUnit.successors.through
    known = set(Link.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id"))
    links = []
    for old, new in pairs:
        pair = (ids.get(old), ids.get(new))
        if None not in pair and pair not in known:
            links.append(Link(from_administrativeunit_id=pair[0], to_administrativeunit_id=pair[1]))
            known.add(pair)
    Link.objects.bulk_create(links, batch_size=1000)
    return len(links)


# Codes ---------------------------------------------------------------------------

CODE_MAX_LENGTH = 120


def organisation_scope(*, tier: str, kind: str, admin_unit: AdministrativeUnit | None, parent: Organisation | None = None) -> str:
    """First part of an organisation code: ``central``, ``intl``, or the
    slug of the province (``quang-nam``)."""
    if kind == OrganisationKind.INTERNATIONAL:
        return "intl"
    if tier == Tier.CENTRAL:
        return "central"
    if admin_unit is not None:
        return slug(admin_unit.province.short_name)
    if parent is not None and ":" in parent.code:
        return parent.code.split(":", 1)[0]
    return "other"


def organisation_code_suggest(
    *,
    name: str,
    short_name: str = "",
    tier: str = "",
    kind: str = "",
    admin_unit: AdministrativeUnit | None = None,
    parent: Organisation | None = None,
) -> str:
    """A free code ``<scope>:<slug of the name>`` (``quang-nam:so-noi-vu``);
    the province is not repeated in the slug."""
    scope = organisation_scope(tier=tier, kind=kind, admin_unit=admin_unit, parent=parent)
    base = slug(short_name or name) or "to-chuc"
    for suffix in (f"-tinh-{scope}", f"-thanh-pho-{scope}", f"-tp-{scope}", f"-{scope}"):
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    return _free_code(Organisation, f"{scope}:{base}")


def person_code_suggest(*, full_name: str, organisation: Organisation | None) -> str:
    """``<scope of the organisation>:<slug of the name>`` (``quang-nam:ho-quang-buu``)."""
    scope = organisation.code.split(":", 1)[0] if organisation is not None and ":" in organisation.code else "other"
    return _free_code(Person, f"{scope}:{slug(full_name) or 'ca-nhan'}")


def _free_code(model, code: str) -> str:
    code = code[:CODE_MAX_LENGTH].rstrip("-")
    taken = set(model.objects.filter(code__startswith=code).values_list("code", flat=True))
    candidate, number = code, 1
    while candidate in taken:
        number += 1
        candidate = f"{code[: CODE_MAX_LENGTH - len(str(number)) - 1]}-{number}"
    return candidate


# Deleting ------------------------------------------------------------------------


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation nothing refers to; raises ProtectedError
    (with what refers to it) otherwise."""
    _delete_unreferenced(organisation)


@transaction.atomic
def person_delete(*, person: Person) -> None:
    """Delete a person nothing refers to; raises ProtectedError otherwise."""
    _delete_unreferenced(person)


def _delete_unreferenced(obj) -> None:
    # Many-to-many links (a plan's participants, tasks, agenda) would vanish
    # silently with the row: they block the deletion like protected keys.
    blockers = selectors.deletion_blockers(obj)
    if blockers:
        raise ProtectedError(f"{obj} is still referenced", set(blockers))
    obj.delete()


# Importing -----------------------------------------------------------------------


class ImportRejected(Exception):
    """The file has errors: nothing was imported."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.errors)} errors")
        self.plan = plan


@transaction.atomic
def organisations_import(*, table: Table) -> ImportPlan:
    """Create or update (keyed on code) the organisations of a checked file,
    all or nothing. The file is checked again against the directory as it is
    now; raises ImportRejected if it has any error."""
    plan = check_organisations(table, **selectors.organisation_import_context(table=table))
    if plan.errors:
        raise ImportRejected(plan)
    unit_ids = dict(AdministrativeUnit.objects.filter(code__in=table.values("admin_unit")).values_list("code", "id"))
    changes = [change for change in plan.changes if change.action != UNCHANGED]
    saved = _write(Organisation, changes, foreign_keys={"admin_unit": unit_ids})
    # Parents last: they may be rows of the same file.
    with_parent = [change for change in changes if "parent" in change.values]
    if with_parent:
        ids = dict(
            Organisation.objects.filter(code__in={change.values["parent"] for change in with_parent}).values_list("code", "id")
        )
        for change in with_parent:
            saved[change.code].parent_id = ids.get(change.values["parent"])
        Organisation.objects.bulk_update([saved[change.code] for change in with_parent], ["parent"], batch_size=500)
    return plan


@transaction.atomic
def people_import(*, table: Table) -> ImportPlan:
    """Create or update (keyed on code) the people of a checked file, all or
    nothing; raises ImportRejected if it has any error."""
    plan = check_people(table, **selectors.person_import_context(table=table))
    if plan.errors:
        raise ImportRejected(plan)
    organisation_ids = dict(Organisation.objects.filter(code__in=table.values("organisation")).values_list("code", "id"))
    _write(
        Person, [change for change in plan.changes if change.action != UNCHANGED], foreign_keys={"organisation": organisation_ids}
    )
    return plan


def _write(model, changes, *, foreign_keys: dict[str, dict[str, int]]) -> dict:
    """Create and update the rows of ``changes``; foreign keys given by code
    are looked up in ``foreign_keys`` (field → code → id). ``parent`` is left
    to the caller (it may point at rows created here). Returns the rows by code."""
    existing = model.objects.in_bulk([c.code for c in changes if c.action != CREATE], field_name="code")
    created, updated, fields = [], [], set()
    for change in changes:
        values = {key: value for key, value in change.values.items() if key != "parent"}
        row = model() if change.action == CREATE else existing[change.code]
        for key, value in values.items():
            if key in foreign_keys:
                setattr(row, f"{key}_id", foreign_keys[key].get(value))
            else:
                setattr(row, key, value)
        (created if change.action == CREATE else updated).append(row)
        fields.update(values)
    model.objects.bulk_create(created, batch_size=500)
    if updated:
        model.objects.bulk_update(updated, sorted(fields), batch_size=500)
    saved = {row.code: row for row in updated}
    if created:
        saved.update(model.objects.in_bulk([row.code for row in created], field_name="code"))
    return saved
