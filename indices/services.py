"""Writes: editions and their structure, result imports, field
responsibilities, improvement plans and progress reports."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from conferences.models import Plan, PlanActivity, Task, TaskGroup, TaskKind
from directory.importing import CREATE, UNCHANGED, ImportPlan, Table
from directory.models import AdministrativeUnit, Organisation, OrganisationKind
from directory.services import ImportRejected

from . import selectors
from .importing import check_results
from .models import Component, ComponentScore, Edition, EditionScope, FieldResponsibility, ImprovementTask, ProgressReport, Result
from .sentences import describe, vn_number
from .structures import apply_spec, copy_tree, structure_spec

# Editions ----------------------------------------------------------------------------------


@transaction.atomic
def edition_create(*, index, year: int, source: str = "") -> tuple[Edition, str]:
    """A national edition for ``index`` and ``year`` with its component tree:
    a copy of the latest earlier edition's tree, or the shipped structure
    when there is none. Returns the edition and where the tree came from."""
    edition = Edition.objects.create(index=index, year=year, scope=EditionScope.NATIONAL, source=source)
    earlier = (
        Edition.objects.filter(index=index, scope=EditionScope.NATIONAL, year__lt=year, components__isnull=False)
        .order_by("-year")
        .first()
    )
    if earlier is not None:
        copy_tree(earlier, edition)
        return edition, str(earlier.year)
    spec = structure_spec(index.code, year)
    if spec is not None:
        apply_spec(edition, spec)
        return edition, "structure"
    return edition, ""


def component_parent_codes(edition: Edition) -> None:
    """Set each component's parent from its code (“3.2” under “3”) and its level from its depth."""
    from .structures import LEVELS, parent_code

    components = {c.code: c for c in edition.components.all()}
    changed = []
    for component in components.values():
        parent = components.get(parent_code(component.code))
        level = LEVELS[min(component.code.count("."), 2)]
        if component.parent_id != (parent.pk if parent else None) or component.level != level:
            component.parent, component.level = parent, level
            changed.append(component)
    Component.objects.bulk_update(changed, ["parent", "level"])


# Importing results ---------------------------------------------------------------------------


@transaction.atomic
def results_import(*, edition: Edition, table: Table) -> ImportPlan:
    """Create or update (keyed on the unit) the results of a checked file,
    all or nothing; raises :class:`directory.services.ImportRejected` on any error.
    Imported figures are published figures (``is_sample`` false)."""
    plan = check_results(table, **selectors.result_import_context(edition=edition, table=table))
    if plan.errors:
        raise ImportRejected(plan)
    changes = [change for change in plan.changes if change.action != UNCHANGED]
    if not changes:
        return plan
    units = dict(AdministrativeUnit.objects.filter(code__in=[c.code for c in changes]).values_list("code", "pk"))
    organisations = dict(Organisation.objects.filter(code__in=[c.code for c in changes]).values_list("code", "pk"))
    existing = {
        (r.admin_unit.code if r.admin_unit_id else r.organisation.code): r
        for r in Result.objects.filter(edition=edition).select_related("admin_unit", "organisation")
    }
    components = {c.code: c.pk for c in edition.components.all()}
    for change in changes:
        values = change.values
        result = existing.get(change.code)
        if change.action == CREATE or result is None:
            result = Result(edition=edition)
            if change.code in units:
                result.admin_unit_id = units[change.code]
            else:
                result.organisation_id = organisations[change.code]
        for key in ("total", "rank", "out_of", "group"):
            if key in values:
                setattr(result, key, values[key])
        result.is_sample = False
        result.save()
        stored = {s.component_id: s for s in result.component_scores.all()}
        wanted = {components[code]: score for code, score in values["scores"].items()}
        ComponentScore.objects.filter(result=result).exclude(component_id__in=wanted).delete()
        for component_id, score in wanted.items():
            current = stored.get(component_id)
            if current is None:
                ComponentScore.objects.create(result=result, component_id=component_id, score=score)
            elif current.score != score or current.is_sample:
                current.score, current.is_sample = score, False
                current.save(update_fields=["score", "is_sample"])
    return plan


# Responsibilities ------------------------------------------------------------------------------


@transaction.atomic
def responsibilities_save(*, province: AdministrativeUnit, index, assignments: dict[str, Organisation | None]) -> int:
    """Set (or clear, with None) the department answering for each field key; returns how many rows changed."""
    current = {r.field_key: r for r in FieldResponsibility.objects.filter(province=province, index=index)}
    changed = 0
    for key, organisation in assignments.items():
        row = current.get(key)
        if organisation is None:
            if row is not None:
                row.delete()
                changed += 1
        elif row is None:
            FieldResponsibility.objects.create(province=province, index=index, field_key=key, organisation=organisation)
            changed += 1
        elif row.organisation_id != organisation.pk:
            row.organisation = organisation
            row.save(update_fields=["organisation"])
            changed += 1
    return changed


def responsible_unit(component: Component, mapping: dict[str, Organisation]) -> Organisation | None:
    """The department of the component's field (its own key, or its nearest ancestor's)."""
    current = component
    while current is not None:
        if current.key and current.key in mapping:
            return mapping[current.key]
        current = current.parent
    return None


# Improvement plans -------------------------------------------------------------------------------


def _issuing_body(province: AdministrativeUnit | None, user) -> Organisation:
    from conferences.editing import issuing_bodies_for

    if province is not None:
        committee = Organisation.objects.filter(admin_unit=province, kind=OrganisationKind.PEOPLE_COMMITTEE).first()
        if committee is not None:
            return committee
    return issuing_bodies_for(user).filter(kind=OrganisationKind.PEOPLE_COMMITTEE).first() or user.organisation


def task_text(result: Result, component: Component, score: Decimal, lost: Decimal, year: int) -> str:
    """“Khắc phục tiêu chí “3.2. Công bố, công khai thủ tục hành chính” (PAR Index 2021: đạt 1,53/2,00 điểm, mất 0,47 điểm) …”."""
    edition = result.edition
    return (
        f"Khắc phục {_component_word(component)} “{component.code}. {component.name}” "
        f"({edition.index.name} {edition.year}: đạt {vn_number(score)}/{vn_number(component.max_score)} điểm, "
        f"mất {vn_number(lost)} điểm): rà soát nguyên nhân, đề xuất và thực hiện giải pháp cải thiện trong năm {year}."
    )


def _component_word(component: Component) -> str:
    depth = component.code.count(".")
    return ["lĩnh vực", "tiêu chí", "tiêu chí thành phần"][min(depth, 2)]


@transaction.atomic
def improvement_plan_create(*, result: Result, component_ids: list[int], user, deadline: datetime.date | None = None) -> Plan:
    """A draft improvement plan (seed 002's kind) for the year after the
    result's: the results stated in the preamble, one task per chosen
    component citing it and its lost points, assigned to the department of
    its field (``FieldResponsibility`` of the province; the drafting unit
    when none is set), grouped by department."""
    from conferences.starters import create_from_template

    edition = result.edition
    year = edition.year + 1
    province = result.admin_unit if result.admin_unit_id else None
    plan = create_from_template(template_key="improvement", issuing_body=_issuing_body(province, user), user=user, year=year)
    plan.drafting_unit = user.organisation
    plan.created_by = user
    sentences = [describe(r) for r in results_of_same_year(result)]
    rest = plan.preamble.split("\n", 1)[1] if "\n" in plan.preamble else ""
    plan.preamble = "\n".join(part for part in (" ".join(sentences), rest) if part)
    plan.save(update_fields=["drafting_unit", "created_by", "preamble"])

    mapping = {
        r.field_key: r.organisation
        for r in FieldResponsibility.objects.filter(province=province, index=edition.index).select_related("organisation")
    }
    scores = dict(ComponentScore.objects.filter(result=result).values_list("component_id", "score"))
    components = [
        c
        for c in Component.objects.filter(edition=edition, pk__in=component_ids).select_related("parent__parent")
        if c.pk in scores and c.max_score is not None
    ]
    components.sort(key=lambda c: selectors.code_key(c.code))
    TaskGroup.objects.filter(plan=plan).delete()
    groups: dict[int, TaskGroup] = {}
    deadline = deadline or datetime.date(year, 12, 31)
    for component in components:
        organisation = responsible_unit(component, mapping) or user.organisation
        group = groups.get(organisation.pk)
        if group is None:
            group = TaskGroup.objects.create(plan=plan, order=len(groups) + 1, heading=organisation.name)
            group.assignees.set([organisation])
            groups[organisation.pk] = group
        score = scores[component.pk]
        lost = component.max_score - score
        task = Task.objects.create(
            group=group,
            order=group.tasks.count() + 1,
            marker="-",
            text=task_text(result, component, score, lost, year),
            deadline=deadline,
            kind=TaskKind.OTHER,
        )
        task.assignees.set([organisation])
        ImprovementTask.objects.create(task=task, result=result, component=component, lost_points=lost)
    PlanActivity.objects.create(plan=plan, version=plan.version, user=user, action="create", changes=[])
    return plan


def results_of_same_year(result: Result) -> list[Result]:
    """The unit's national results of the same year for every index (the plan states them all), this one first."""
    others = Result.objects.filter(
        admin_unit_id=result.admin_unit_id, edition__year=result.edition.year, edition__scope=EditionScope.NATIONAL
    ).exclude(pk=result.pk)
    others = others.select_related("edition__index", "admin_unit", "organisation").order_by("edition__index__code")
    return [result, *others] if result.admin_unit_id else [result]


# Progress ----------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def progress_report_save(*, task: Task, user, period: datetime.date, text: str, percent: int, attachment=None) -> ProgressReport:
    """Record (or correct) the organisation's report on ``task`` for the month of ``period``."""
    report, _ = ProgressReport.objects.get_or_create(
        task=task,
        organisation=user.organisation,
        period=month_start(period),
        defaults={"text": text, "percent": percent, "submitted_by": user},
    )
    report.text, report.percent, report.submitted_by = text, percent, user
    if attachment is not None:
        report.attachment = attachment
    report.submitted_at = timezone.now()
    report.save()
    return report
