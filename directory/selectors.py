"""Reads of the directory. List pages cost the same number of queries
whatever the number of rows."""

from __future__ import annotations

from django.db import router
from django.db.models import Case, Count, F, ProtectedError, Q, QuerySet, RestrictedError, When
from django.db.models.deletion import Collector
from django.utils.text import Truncator, capfirst

from .importing import ORGANISATION_COLUMNS, PERSON_COLUMNS, Table
from .models import AdministrativeUnit, Organisation, Person, UnitLevel, UnitPeriod
from .text import search_words

PICKER_LIMIT = 20


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """Rows whose folded search text holds every word of the query,
    accents and case ignored (“so noi vu” finds “Sở Nội vụ”)."""
    for word in search_words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def in_province(prefix: str, province: AdministrativeUnit) -> Q:
    """Rows whose unit (``prefix`` is the path to it) is the province or
    lies in it (district, commune, commune of a district)."""
    return Q(**{prefix: province}) | Q(**{f"{prefix}__parent": province}) | Q(**{f"{prefix}__parent__parent": province})


def organisation_list(
    *, query: str = "", tier: str = "", kind: str = "", province: AdministrativeUnit | None = None
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("admin_unit", "parent").annotate(people_count=Count("people"))
    organisations = matching(organisations, query)
    if tier:
        organisations = organisations.filter(tier=tier)
    if kind:
        organisations = organisations.filter(kind=kind)
    if province is not None:
        organisations = organisations.filter(in_province("admin_unit", province))
    return organisations.order_by("collation_key", "id")


def organisation_detail(*, pk: int) -> Organisation:
    return Organisation.objects.select_related("admin_unit__parent__parent", "parent").get(pk=pk)


def organisation_children(*, organisation: Organisation) -> QuerySet[Organisation]:
    return organisation.children.order_by("collation_key", "id")


def organisation_people(*, organisation: Organisation) -> QuerySet[Person]:
    return organisation.people.order_by("collation_key", "id")


def organisation_search(*, query: str, tier: str = "") -> list[Organisation]:
    """Active organisations for the pickers, in Vietnamese order."""
    organisations = matching(Organisation.objects.filter(is_active=True), query)
    if tier:
        organisations = organisations.filter(tier=tier)
    return list(organisations.order_by("collation_key", "id")[:PICKER_LIMIT])


def person_list(*, query: str = "", organisation: Organisation | None = None) -> QuerySet[Person]:
    people = matching(Person.objects.select_related("organisation"), query)
    if organisation is not None:
        people = people.filter(organisation=organisation)
    return people.order_by("collation_key", "id")


def person_search(*, query: str, organisation_id: int | None = None) -> list[Person]:
    """Active people for the pickers, sorted by given name."""
    people = matching(Person.objects.filter(is_active=True).select_related("organisation"), query)
    if organisation_id is not None:
        people = people.filter(organisation_id=organisation_id)
    return list(people.order_by("collation_key", "id")[:PICKER_LIMIT])


# Current units first, then provinces before districts before communes.
UNIT_ORDER = (
    Case(When(period=UnitPeriod.FROM_2025, then=0), default=1),
    Case(When(level=UnitLevel.PROVINCE, then=0), When(level=UnitLevel.DISTRICT, then=1), default=2),
    "collation_key",
    "id",
)


def unit_list(*, query: str = "", level: str = "", period: str = "") -> QuerySet[AdministrativeUnit]:
    units = matching(AdministrativeUnit.objects.select_related("parent__parent").prefetch_related("successors"), query)
    if level:
        units = units.filter(level=level)
    if period:
        units = units.filter(period=period)
    return units.order_by(*UNIT_ORDER)


def unit_search(*, query: str) -> list[AdministrativeUnit]:
    units = matching(AdministrativeUnit.objects.select_related("parent__parent"), query)
    return list(units.order_by(*UNIT_ORDER)[:PICKER_LIMIT])


def provinces() -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by(*UNIT_ORDER)


# Deleting ------------------------------------------------------------------------


def deletion_blockers(obj) -> list:
    """The rows that keep ``obj`` from being deleted: rows pointing at it
    through a protected foreign key, and rows linked to it many-to-many
    (such as a plan's participant lines), which deleting would silently unlink."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    blockers = []
    try:
        collector.collect([obj])
    except ProtectedError as error:
        blockers.extend(error.protected_objects)
    except RestrictedError as error:
        blockers.extend(error.restricted_objects)
    for relation in obj._meta.related_objects:
        if relation.many_to_many:
            blockers.extend(relation.related_model._default_manager.filter(**{relation.field.name: obj}))
    return blockers


def reference_label(obj) -> str:
    """“Kind: name”, with the plan it belongs to for the parts of a plan
    (a task through its group)."""
    label = f"{capfirst(obj._meta.verbose_name)}: {Truncator(str(obj)).chars(90)}"
    plan = getattr(obj, "plan", None) or getattr(getattr(obj, "group", None), "plan", None)
    return f"{label} ({Truncator(str(plan)).chars(120)})" if plan is not None and plan != obj else label


# Snapshots for the import checks -----------------------------------------------

# The plain columns of the import files (foreign keys are read as codes).
FOREIGN_KEYS = {"admin_unit", "parent", "organisation"}
ORGANISATION_IMPORT_FIELDS = [column.model_field for column in ORGANISATION_COLUMNS if column.key not in FOREIGN_KEYS]
PERSON_IMPORT_FIELDS = [column.model_field for column in PERSON_COLUMNS if column.key not in FOREIGN_KEYS]


def organisation_import_context(*, table: Table) -> dict:
    """What :func:`directory.importing.check_organisations` needs to know."""
    rows = Organisation.objects.values(
        *ORGANISATION_IMPORT_FIELDS, parent_code=F("parent__code"), unit_code=F("admin_unit__code")
    )
    existing = {row["code"]: {**row, "parent": row["parent_code"] or "", "admin_unit": row["unit_code"] or ""} for row in rows}
    units = set(AdministrativeUnit.objects.filter(code__in=table.values("admin_unit")).values_list("code", flat=True))
    return {"existing": existing, "unit_codes": units}


def person_import_context(*, table: Table) -> dict:
    """What :func:`directory.importing.check_people` needs to know."""
    rows = Person.objects.filter(code__in=table.values("code")).values(
        *PERSON_IMPORT_FIELDS, organisation_code=F("organisation__code")
    )
    existing = {row["code"]: {**row, "organisation": row["organisation_code"]} for row in rows}
    organisations = set(Organisation.objects.filter(code__in=table.values("organisation")).values_list("code", flat=True))
    return {"existing": existing, "organisation_codes": organisations}
