"""Reads of index results. Every page costs the same number of queries
whatever the number of units."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Prefetch, Q, QuerySet

from conferences.models import Plan, PlanKind, Task
from directory.importing import Table
from directory.models import AdministrativeUnit, Organisation, Role, UnitLevel

from .importing import ComponentInfo, EditionInfo, unit_lookup
from .models import Component, ComponentScore, Edition, EditionScope, FieldResponsibility, Index, ProgressReport, Result

# Units ranked nationally in each period.
NATIONAL_UNITS = {"pre_2025": 63, "post_2025": 34}


def indices_overview() -> list[Index]:
    editions = Edition.objects.select_related("owner_unit").annotate(result_count=Count("results")).order_by("-year")
    return list(Index.objects.prefetch_related(Prefetch("editions", queryset=editions)).order_by("code"))


def edition_get(pk: int) -> Edition:
    return Edition.objects.select_related("index", "owner_unit").get(pk=pk)


def previous_edition(edition: Edition) -> Edition | None:
    return (
        Edition.objects.filter(
            index_id=edition.index_id, scope=edition.scope, owner_unit_id=edition.owner_unit_id, year=edition.year - 1
        )
        .select_related("index")
        .first()
    )


def components_of(edition: Edition) -> list[Component]:
    return sorted(edition.components.all(), key=lambda c: code_key(c.code))


def code_key(code: str) -> list[int]:
    return [int(part) if part.isdigit() else 0 for part in code.split(".")]


# Import ----------------------------------------------------------------------------------


def ranked_units(edition: Edition) -> list[tuple[str, str, str]]:
    """(code, name, short name) of the units the edition may rank: the
    provinces of its period, or a province's own districts (communes after
    2025) and organisations."""
    if edition.scope == EditionScope.NATIONAL:
        units = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, period=edition.unit_period)
        return list(units.values_list("code", "name", "short_name"))
    owner = edition.owner_unit
    units = AdministrativeUnit.objects.filter(parent=owner)
    organisations = Organisation.objects.filter(Q(admin_unit=owner) | Q(admin_unit__parent=owner))
    return [*units.values_list("code", "name", "short_name"), *organisations.values_list("code", "name", "short_name")]


def default_out_of(edition: Edition) -> int | None:
    return NATIONAL_UNITS.get(edition.unit_period) if edition.scope == EditionScope.NATIONAL else None


def component_infos(edition: Edition) -> list[ComponentInfo]:
    return [ComponentInfo(c.code, c.name, c.max_score) for c in components_of(edition)]


def result_import_context(*, edition: Edition, table: Table | None = None) -> dict:
    """What :func:`indices.importing.check_results` needs."""
    existing = {}
    results = Result.objects.filter(edition=edition).select_related("admin_unit", "organisation")
    scores = defaultdict(dict)
    for result_id, code, score in ComponentScore.objects.filter(result__edition=edition).values_list(
        "result_id", "component__code", "score"
    ):
        scores[result_id][code] = score
    for result in results:
        code = result.admin_unit.code if result.admin_unit_id else result.organisation.code
        existing[code] = {
            "total": result.total,
            "rank": result.rank,
            "out_of": result.out_of,
            "group": result.group,
            "scores": scores[result.pk],
        }
    info = EditionInfo(
        max_total=edition.max_total,
        group_labels=tuple(edition.group_labels),
        default_out_of=default_out_of(edition),
        grouping=edition.grouping,
    )
    return {
        "edition": info,
        "components": component_infos(edition),
        "units": unit_lookup(ranked_units(edition)),
        "existing": existing,
    }


# National table ----------------------------------------------------------------------------


@dataclass
class TableRow:
    result: Result
    previous_rank: int | None
    rank_change: int | None

    @property
    def unit_name(self) -> str:
        return self.result.unit_name

    @property
    def collation_key(self) -> str:
        unit = self.result.admin_unit if self.result.admin_unit_id else self.result.organisation
        return unit.collation_key


MISSING = Decimal(10**6)
SORT_FIELDS = {
    "rank": lambda row: Decimal(row.result.rank) if row.result.rank else MISSING,
    "total": lambda row: -row.result.total if row.result.total is not None else MISSING,
    "change": lambda row: Decimal(-row.rank_change) if row.rank_change is not None else MISSING,
    "name": lambda row: Decimal(0),
}


def sort_rows(rows: list[TableRow], sort: str) -> list[TableRow]:
    """``rank`` (1 first), ``total`` (highest first), ``change`` (most places gained first)
    or ``name`` (Vietnamese order); a leading ``-`` reverses; units without the value last."""
    field = sort.lstrip("-")
    value = SORT_FIELDS.get(field, SORT_FIELDS["rank"])
    rows = sorted(rows, key=lambda row: (value(row), row.collation_key))
    if sort.startswith("-"):
        present = [row for row in rows if value(row) != MISSING]
        return present[::-1] + [row for row in rows if value(row) == MISSING]
    return rows


def edition_table(edition: Edition, *, sort: str = "rank") -> list[TableRow]:
    """Every result of the edition with the change of rank on the previous
    year's edition (computed; as published when last year is not loaded)."""
    results = list(Result.objects.filter(edition=edition).select_related("admin_unit", "organisation"))
    previous = previous_edition(edition)
    previous_ranks: dict = {}
    if previous is not None:
        for unit_id, organisation_id, rank in Result.objects.filter(edition=previous).values_list(
            "admin_unit_id", "organisation_id", "rank"
        ):
            previous_ranks[("u", unit_id) if unit_id else ("o", organisation_id)] = rank
    rows = []
    for result in results:
        key = ("u", result.admin_unit_id) if result.admin_unit_id else ("o", result.organisation_id)
        before = previous_ranks.get(key)
        change = before - result.rank if before and result.rank else result.rank_change
        rows.append(TableRow(result=result, previous_rank=before, rank_change=change))
    return sort_rows(rows, sort)


def edition_summary(edition: Edition) -> dict:
    results = Result.objects.filter(edition=edition)
    summary = results.aggregate(
        mean=Avg("total"), best=Max("total"), count=Count("id"), samples=Count("id", filter=Q(is_sample=True))
    )
    summary["groups"] = list(results.exclude(group="").values_list("group").annotate(n=Count("id")).order_by("group"))
    return summary


# Unit profile ---------------------------------------------------------------------------------


@dataclass
class HistoryPoint:
    result: Result
    previous_rank: int | None = None


@dataclass
class UnitHistory:
    unit: AdministrativeUnit
    points: list[Result] = field(default_factory=list)


def unit_histories(unit: AdministrativeUnit, index: Index) -> list[UnitHistory]:
    """The unit's national results of ``index`` by year, then its
    predecessors' (today's Đà Nẵng shows Quảng Nam's and the old Đà Nẵng's)."""
    units = [unit, *unit.predecessors.order_by("collation_key")]
    results = (
        Result.objects.filter(admin_unit__in=units, edition__index=index, edition__scope=EditionScope.NATIONAL)
        .select_related("edition", "admin_unit")
        .order_by("edition__year")
    )
    by_unit: dict[int, list[Result]] = defaultdict(list)
    for result in results:
        by_unit[result.admin_unit_id].append(result)
    return [UnitHistory(unit=u, points=by_unit[u.pk]) for u in units if by_unit.get(u.pk) or u.pk == unit.pk]


@dataclass
class ComponentRow:
    component: Component
    score: Decimal | None
    mean: Decimal | None
    best: Decimal | None
    best_units: list[str]
    previous: Decimal | None = None

    @property
    def lost(self) -> Decimal | None:
        if self.score is None or self.component.max_score is None:
            return None
        return self.component.max_score - self.score

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def depth(self) -> int:
        return self.component.code.count(".")


def match_key(component: Component) -> str:
    """Components of two years are the same when their key (or, without one, their code) is."""
    return component.key or f"#{component.code}"


def component_rows(result: Result) -> list[ComponentRow]:
    """Every component of the result's edition with the unit's score, the
    national mean and the best score (and who reached it), and last year's
    score of the same component."""
    edition = result.edition
    components = components_of(edition)
    scores = dict(ComponentScore.objects.filter(result=result).values_list("component_id", "score"))
    stats = {
        row["component_id"]: row
        for row in ComponentScore.objects.filter(result__edition=edition)
        .values("component_id")
        .annotate(mean=Avg("score"), best=Max("score"))
    }
    best_units: dict[int, list[str]] = defaultdict(list)
    best_filter = Q()
    for component_id, row in stats.items():
        best_filter |= Q(component_id=component_id, score=row["best"])
    if stats:
        for component_id, name in ComponentScore.objects.filter(best_filter, result__edition=edition).values_list(
            "component_id", "result__admin_unit__short_name"
        ):
            best_units[component_id].append(name or "")
    previous_scores = _previous_scores(result)
    rows = []
    for component in components:
        stat = stats.get(component.pk, {})
        rows.append(
            ComponentRow(
                component=component,
                score=scores.get(component.pk),
                mean=stat.get("mean"),
                best=stat.get("best"),
                best_units=sorted(best_units.get(component.pk, [])),
                previous=previous_scores.get(match_key(component)),
            )
        )
    return rows


def _previous_scores(result: Result) -> dict[str, Decimal]:
    from .sentences import previous_result

    before = previous_result(result)
    if before is None:
        return {}
    return {
        match_key(score.component): score.score
        for score in ComponentScore.objects.filter(result=before).select_related("component")
    }


def weakest(rows: list[ComponentRow], *, count: int = 5) -> list[ComponentRow]:
    """The scored components that lost the most points (deepest level
    first: a criterion says more than its field)."""
    leaves = _leaves(rows)
    return sorted((r for r in leaves if r.lost), key=lambda r: (-r.lost, code_key(r.component.code)))[:count]


def fallen(rows: list[ComponentRow], *, count: int = 5) -> list[ComponentRow]:
    """The scored components whose score fell the most on last year."""
    return sorted((r for r in _leaves(rows) if r.change is not None and r.change < 0), key=lambda r: r.change)[:count]


def _leaves(rows: list[ComponentRow]) -> list[ComponentRow]:
    scored = [r for r in rows if r.score is not None]
    parents = {r.component.parent_id for r in scored}
    return [r for r in scored if r.component.pk not in parents]


def top_level(rows: list[ComponentRow]) -> list[ComponentRow]:
    return [r for r in rows if r.component.parent_id is None]


def unit_result(unit: AdministrativeUnit, index: Index, year: int | None) -> Result | None:
    """The unit's national result for ``year`` (or the latest with component scores, else the latest)."""
    results = Result.objects.filter(admin_unit=unit, edition__index=index, edition__scope=EditionScope.NATIONAL).select_related(
        "edition__index", "admin_unit"
    )
    if year:
        return results.filter(edition__year=year).first()
    return (
        results.annotate(scored=Count("component_scores")).filter(scored__gt=0).order_by("-edition__year").first()
        or results.order_by("-edition__year").first()
    )


def unit_years(unit: AdministrativeUnit, index: Index) -> list[int]:
    return list(
        Result.objects.filter(admin_unit=unit, edition__index=index, edition__scope=EditionScope.NATIONAL)
        .order_by("-edition__year")
        .values_list("edition__year", flat=True)
    )


def ranked_provinces() -> QuerySet[AdministrativeUnit]:
    """Provinces with at least one national result, or with predecessors that have one."""
    return (
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE)
        .filter(Q(index_results__isnull=False) | Q(predecessors__index_results__isnull=False))
        .distinct()
        .order_by("-period", "collation_key")
    )


# Comparison ----------------------------------------------------------------------------------


@dataclass
class Comparison:
    edition: Edition
    results: list[Result]
    components: list[Component]
    scores: dict[tuple[int, int], Decimal]

    def rows(self) -> list[tuple[Component, list[Decimal | None]]]:
        return [(c, [self.scores.get((r.pk, c.pk)) for r in self.results]) for c in self.components]


def comparison(edition: Edition, unit_ids: list[int]) -> Comparison:
    results = list(
        Result.objects.filter(edition=edition, admin_unit_id__in=unit_ids).select_related("admin_unit", "organisation")
    )
    order = {pk: i for i, pk in enumerate(unit_ids)}
    results.sort(key=lambda r: order.get(r.admin_unit_id, 99))
    components = [c for c in components_of(edition) if c.parent_id is None]
    scores = {
        (result_id, component_id): score
        for result_id, component_id, score in ComponentScore.objects.filter(
            result__in=results, component__in=components
        ).values_list("result_id", "component_id", "score")
    }
    return Comparison(edition=edition, results=results, components=components, scores=scores)


# Responsibilities ---------------------------------------------------------------------------


def responsibility_map(province: AdministrativeUnit) -> dict[tuple[int, str], FieldResponsibility]:
    return {
        (r.index_id, r.field_key): r for r in FieldResponsibility.objects.filter(province=province).select_related("organisation")
    }


def latest_fields(index: Index) -> list[Component]:
    """The top-level components (fields) of the index's latest edition that has a structure."""
    edition = Edition.objects.filter(index=index, scope=EditionScope.NATIONAL, components__isnull=False).order_by("-year").first()
    if edition is None:
        return []
    return [c for c in components_of(edition) if c.parent_id is None]


# Progress of improvement plans ----------------------------------------------------------------


@dataclass
class TaskProgress:
    task: Task
    latest: ProgressReport | None
    reported_this_month: bool
    overdue: bool

    @property
    def plan(self) -> Plan:
        return self.task.group.plan

    @property
    def percent(self) -> int:
        return self.latest.percent if self.latest else 0

    @property
    def done(self) -> bool:
        return self.percent >= 100


def improvement_tasks(*, user, plan_id: int | None = None) -> QuerySet[Task]:
    """Tasks of improvement plans: all of them for the staff roles, those
    assigned to the user's organisation for a unit office."""
    tasks = Task.objects.filter(group__plan__kind=PlanKind.IMPROVEMENT)
    if user.role == Role.UNIT_OFFICE and not user.is_superuser:
        tasks = tasks.filter(assignees=user.organisation_id)
    if plan_id:
        tasks = tasks.filter(group__plan_id=plan_id)
    return tasks.distinct()


def task_progress(*, user, today: datetime.date, plan_id: int | None = None, status: str = "") -> list[TaskProgress]:
    """Every task with its latest report, whether this month's report is in
    and whether it is overdue (deadline passed and not done)."""
    reports = ProgressReport.objects.select_related("organisation").order_by("-period", "-submitted_at")
    tasks = (
        improvement_tasks(user=user, plan_id=plan_id)
        .select_related("group__plan", "improvement__component")
        .prefetch_related("assignees", Prefetch("progress_reports", queryset=reports))
        .order_by("group__plan__year", "group__plan_id", "group__order", "order")
    )
    month = today.replace(day=1)
    rows = []
    for task in tasks:
        reports_of_task = list(task.progress_reports.all())
        latest = reports_of_task[0] if reports_of_task else None
        done = latest is not None and latest.percent >= 100
        row = TaskProgress(
            task=task,
            latest=latest,
            reported_this_month=any(r.period == month for r in reports_of_task),
            overdue=bool(task.deadline and task.deadline < today and not done),
        )
        if status == "overdue" and not row.overdue:
            continue
        if status == "unreported" and (row.reported_this_month or done):
            continue
        rows.append(row)
    return rows


def progress_plans(*, user) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(kind=PlanKind.IMPROVEMENT, task_groups__tasks__in=improvement_tasks(user=user))
        .distinct()
        .order_by("-year", "-id")
    )
