"""Editing a plan part by part.

Each part of the editor (header, sections, conference, participants, agenda,
tasks, closing) is a :class:`Part`: it builds its forms from the plan or from
posted data, validates them and saves them. Saving goes through
:func:`save_part`, which applies optimistic locking: the form carries the
plan's version it was opened on; if someone saved the plan since, the save is
refused with :class:`VersionConflict`, which lists what they changed.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django import forms
from django.db import transaction
from django.db.models import Case, F, Prefetch, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Role

from . import editor_forms as ef
from .models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    LegalBasis,
    ParticipantGroup,
    Plan,
    PlanActivity,
    Section,
    Task,
    TaskGroup,
    TaskKind,
)
from .widgets import resolve_picker_labels

ORDER_OFFSET = 10000  # moves rows out of the way of the unique order constraints while renumbering


class VersionConflict(Exception):
    def __init__(self, current_version: int, activities: list[PlanActivity]):
        super().__init__(current_version)
        self.current_version = current_version
        self.activities = activities


# --- Change summaries -----------------------------------------------------------


def _display(form: forms.BaseForm, name: str, value) -> str:
    field = form.fields[name]
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(v) for v in value)
    if isinstance(field, forms.BooleanField):
        return gettext("yes") if value else gettext("no")
    if hasattr(field, "choices") and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def form_changes(form: forms.BaseForm) -> list[dict]:
    """What a single form changed: one entry per field, old and new value."""
    changes = []
    for name in form.changed_data:
        if name in ("ORDER", "DELETE", "pk"):
            continue
        old = form.initial.get(name, form.fields[name].initial)
        if isinstance(form.fields[name], forms.ModelMultipleChoiceField) and old:
            old = [getattr(o, "pk", o) for o in old]
            old = list(form.fields[name].queryset.filter(pk__in=old))
        elif isinstance(form.fields[name], forms.ModelChoiceField) and old:
            old = form.fields[name].queryset.filter(pk=getattr(old, "pk", old)).first()
        changes.append(
            {
                "label": str(form.fields[name].label or name),
                "old": _display(form, name, old)[:300],
                "new": _display(form, name, form.cleaned_data.get(name))[:300],
            }
        )
    return changes


def formset_changes(formset: forms.BaseFormSet, label: str, counts: dict[str, int]) -> list[dict]:
    parts = []
    if counts.get("added"):
        parts.append(gettext("%(n)d added") % {"n": counts["added"]})
    if counts.get("changed"):
        parts.append(gettext("%(n)d changed") % {"n": counts["changed"]})
    if counts.get("deleted"):
        parts.append(gettext("%(n)d deleted") % {"n": counts["deleted"]})
    if counts.get("moved"):
        parts.append(gettext("order changed"))
    if not parts:
        return []
    return [{"label": label, "old": "", "new": ", ".join(parts)}]


# --- Saving outlines ------------------------------------------------------------------


def save_outline(formset, plan: Plan, *, tree: bool = False, prepare=None) -> dict[str, int]:
    """Save an outline formset: rows in their new order, sub-rows under the row
    above them, deleted rows removed. Returns counts for the change summary."""
    model = formset.model
    old_positions = {obj.pk: (obj.order, getattr(obj, "parent_id", None)) for obj in formset.get_queryset()}
    model.objects.filter(plan=plan).update(order=F("order") + ORDER_OFFSET)
    counts = {"added": 0, "changed": 0, "deleted": 0, "moved": 0}
    top = child = 0
    parent = None
    for form in formset.ordered_forms:
        obj = form.save(commit=False)
        obj.plan = plan
        level = form.cleaned_data.get("level") or 0
        if tree and level:
            child += 1
            obj.order, obj.parent = child, parent
        else:
            top += 1
            child = 0
            obj.order = top
            if tree:
                obj.parent = None
        if prepare:
            prepare(obj, form)
        if obj.pk is None:
            counts["added"] += 1
        else:
            if form.has_changed() and set(form.changed_data) - {"ORDER"}:
                counts["changed"] += 1
            if old_positions.get(obj.pk) != (obj.order, getattr(obj, "parent_id", None)):
                counts["moved"] += 1
        obj.save()
        form.save_m2m()
        if tree and not level:
            parent = obj
    for form in formset.deleted_forms:
        if form.instance.pk:
            counts["deleted"] += 1
            form.instance.delete()
    return counts


# --- Parts -------------------------------------------------------------------------------


class Part:
    slug = ""
    label = _("Part")
    template = ""

    def __init__(self, plan: Plan, user, data=None):
        self.plan = plan
        self.user = user
        self.data = data
        self.build()

    def build(self) -> None:
        raise NotImplementedError

    def all_forms(self) -> list:
        """Forms and formsets of this part, in page order."""
        return [value for value in vars(self).values() if isinstance(value, forms.BaseForm | forms.BaseFormSet)]

    def row_forms(self) -> Iterable[forms.BaseForm]:
        for item in self.all_forms():
            if isinstance(item, forms.BaseFormSet):
                yield from item.forms
                yield item.empty_form
            else:
                yield item

    def prepare_render(self) -> None:
        resolve_picker_labels(self.row_forms())

    def is_valid(self) -> bool:
        return all([item.is_valid() for item in self.all_forms()])

    def save(self) -> list[dict]:
        raise NotImplementedError

    def warnings(self, doc) -> list[str]:
        return []


class HeaderPart(Part):
    slug = "thong-tin-chung"
    label = _("Header and legal bases")
    template = "conferences/editor/header.html"

    def build(self):
        self.header = ef.HeaderForm(self.data, instance=self.plan, issuing_bodies=issuing_bodies_for(self.user, self.plan))
        self.legal_bases = ef.LegalBasisFormSet(
            self.data, queryset=LegalBasis.objects.filter(plan=self.plan).order_by("order"), prefix="legal"
        )

    def save(self):
        changes = form_changes(self.header)
        self.header.save()
        counts = save_outline(self.legal_bases, self.plan)
        return changes + formset_changes(self.legal_bases, gettext("Legal bases"), counts)


class SectionsPart(Part):
    slug = "noi-dung"
    label = _("Sections")
    template = "conferences/editor/sections.html"

    def build(self):
        queryset = Section.objects.filter(plan=self.plan).order_by(F("parent__order").asc(nulls_first=True), "parent_id", "order")
        self.sections = ef.SectionFormSet(self.data, queryset=tree_order(queryset), prefix="sections")

    def save(self):
        counts = save_outline(self.sections, self.plan, tree=True)
        return formset_changes(self.sections, gettext("Sections"), counts)


class ConferencePart(Part):
    slug = "hoi-nghi"
    label = _("Conference and bridge points")
    template = "conferences/editor/conference.html"

    def build(self):
        conference = Conference.objects.filter(plan=self.plan).first() or Conference(plan=self.plan)
        self.conference = ef.ConferenceEditForm(self.data, instance=conference, prefix="conference")
        self.bridge_points = ef.BridgePointFormSet(
            self.data, queryset=BridgePoint.objects.filter(plan=self.plan).order_by("order"), prefix="points"
        )

    def save(self):
        changes = form_changes(self.conference)
        conference = self.conference.save(commit=False)
        conference.plan = self.plan
        conference.save()

        def prepare(point: BridgePoint, form) -> None:
            if not point.key:
                point.key = f"p-{uuid.uuid4().hex[:10]}"

        counts = save_outline(self.bridge_points, self.plan, prepare=prepare)
        return changes + formset_changes(self.bridge_points, gettext("Bridge points"), counts)


class ParticipantsPart(Part):
    slug = "thanh-phan"
    label = _("Participants")
    template = "conferences/editor/participants.html"

    def build(self):
        points = list(BridgePoint.objects.filter(plan=self.plan).order_by("order").values_list("pk", "heading"))
        self.point_ids = {pk for pk, _heading in points}
        choices = [("", gettext("— not at a bridge point —"))] + [
            (pk, f"{i}. {heading}"[:90]) for i, (pk, heading) in enumerate(points, 1)
        ]
        self.heading_marker = ef.ParticipantsHeadingForm(self.data, instance=self.plan, prefix="heading")
        self.participants = ef.ParticipantFormSet(
            self.data,
            queryset=ParticipantGroup.objects.filter(plan=self.plan).prefetch_related("organisations").order_by("order"),
            prefix="participants",
            form_kwargs={"bridge_point_choices": choices},
        )

    def save(self):
        changes = form_changes(self.heading_marker)
        self.heading_marker.save()

        def prepare(line: ParticipantGroup, form) -> None:
            point = form.cleaned_data.get("bridge_point")
            line.bridge_point_id = point if point in self.point_ids else None
            line.level = form.cleaned_data.get("level") or 0
            line.marker = form.cleaned_data.get("marker") or ""

        counts = save_outline(self.participants, self.plan, prepare=prepare)
        return changes + formset_changes(self.participants, gettext("Participants"), counts)


class AgendaPart(Part):
    slug = "chuong-trinh"
    label = _("Agenda")
    template = "conferences/editor/agenda.html"

    def build(self):
        self.settings = ef.AgendaSettingsForm(self.data, instance=self.plan, prefix="agenda")
        queryset = AgendaItem.objects.filter(plan=self.plan).prefetch_related("performer_organisations", "performer_people")
        self.items = ef.AgendaFormSet(self.data, queryset=tree_order(queryset), prefix="items")

    def save(self):
        changes = form_changes(self.settings)
        self.settings.save()
        counts = save_outline(self.items, self.plan, tree=True)
        return changes + formset_changes(self.items, gettext("Agenda"), counts)


class TasksPart(Part):
    slug = "nhiem-vu"
    label = _("Tasks")
    template = "conferences/editor/tasks.html"

    def build(self):
        groups = list(
            TaskGroup.objects.filter(plan=self.plan)
            .order_by("order")
            .prefetch_related(
                "assignees",
                Prefetch("tasks", queryset=Task.objects.order_by("order").prefetch_related("assignees", "coordinators")),
            )
        )
        self.group_ids = {g.pk for g in groups}
        self.task_ids = {t.pk for g in groups for t in g.tasks.all()}
        initial = []
        for group in groups:
            initial.append(
                {
                    "row_type": ef.TaskRowForm.GROUP,
                    "pk": group.pk,
                    "heading": group.heading,
                    "run_in": group.run_in,
                    "intro": group.intro,
                    "note": group.note,
                    "assignees": list(group.assignees.all()),
                    "ORDER": len(initial) + 1,
                }
            )
            for task in group.tasks.all():
                initial.append(
                    {
                        "row_type": ef.TaskRowForm.TASK,
                        "pk": task.pk,
                        "level": task.level,
                        "marker": task.marker,
                        "text": task.text,
                        "assignees": list(task.assignees.all()),
                        "coordinators": list(task.coordinators.all()),
                        "deadline": task.deadline,
                        "kind": task.kind,
                        "ORDER": len(initial) + 1,
                    }
                )
        self.tasks = ef.TaskRowFormSet(self.data, initial=initial, prefix="tasks")

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            for form in self.tasks.forms:
                pk = form.cleaned_data.get("pk")
                known = self.group_ids if form.cleaned_data.get("row_type") == ef.TaskRowForm.GROUP else self.task_ids
                if pk and pk not in known:
                    form.add_error(None, gettext("This row does not belong to this plan any more; reload the page."))
                    valid = False
        return valid

    def save(self):
        TaskGroup.objects.filter(plan=self.plan).update(order=F("order") + ORDER_OFFSET)
        Task.objects.filter(group__plan=self.plan).update(order=F("order") + ORDER_OFFSET)
        counts = {"added": 0, "changed": 0, "deleted": 0, "moved": 0}
        group = None
        group_order = task_order = 0
        for form in self.tasks.ordered_forms:
            data = form.cleaned_data
            if not data.get("pk"):
                counts["added"] += 1
            elif set(form.changed_data) - {"ORDER"}:
                counts["changed"] += 1
            if data["row_type"] == ef.TaskRowForm.GROUP:
                group_order += 1
                task_order = 0
                group = TaskGroup(pk=data.get("pk"), plan=self.plan)
                group.order = group_order
                group.heading, group.run_in = data["heading"], data["run_in"]
                group.intro, group.note = data["intro"], data["note"]
                group.save(force_insert=not data.get("pk"))
                group.assignees.set(data["assignees"])
            else:
                task_order += 1
                task = Task(pk=data.get("pk"), group=group, order=task_order)
                task.level, task.marker, task.text = data["level"], data["marker"], data["text"]
                task.deadline, task.kind = data["deadline"], data["kind"]
                task.save(force_insert=not data.get("pk"))
                task.assignees.set(data["assignees"])
                task.coordinators.set(data["coordinators"])
        for form in self.tasks.deleted_forms:
            pk = form.cleaned_data.get("pk")
            if not pk:
                continue
            counts["deleted"] += 1
            if form.cleaned_data.get("row_type") == ef.TaskRowForm.GROUP:
                TaskGroup.objects.filter(plan=self.plan, pk=pk).delete()
            else:
                Task.objects.filter(group__plan=self.plan, pk=pk).delete()
        return formset_changes(self.tasks, gettext("Tasks"), counts)

    def warnings(self, doc) -> list[str]:
        return late_task_warnings(doc)


class ClosingPart(Part):
    slug = "ket-thuc"
    label = _("Budget, distribution and signature")
    template = "conferences/editor/closing.html"

    def build(self):
        self.closing = ef.ClosingForm(self.data, instance=self.plan, prefix="closing")
        self.distribution = ef.DistributionFormSet(
            self.data, queryset=DistributionLine.objects.filter(plan=self.plan).order_by("order"), prefix="distribution"
        )

    def suggest(self) -> int:
        """Append to the posted list a line for every invited unit it does not
        name yet (nothing is saved; what the user typed is kept). Returns how
        many lines were suggested."""
        data = self.data.copy()
        prefix = self.distribution.prefix
        total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
        listed_ids, listed_texts = set(), set()
        for i in range(total):
            if data.get(f"{prefix}-{i}-DELETE"):
                continue
            listed_ids.add(data.get(f"{prefix}-{i}-organisation") or "")
            listed_texts.add(data.get(f"{prefix}-{i}-text", ""))
        suggestions = suggested_distribution(
            self.plan, listed_ids={int(v) for v in listed_ids if v.isdigit()}, listed_texts=listed_texts
        )
        for k, suggestion in enumerate(suggestions):
            i = total + k
            data[f"{prefix}-{i}-text"] = suggestion["text"]
            data[f"{prefix}-{i}-organisation"] = str(suggestion["organisation"])
            data[f"{prefix}-{i}-ORDER"] = str(i + 1)
        data[f"{prefix}-TOTAL_FORMS"] = str(total + len(suggestions))
        self.data = data
        self.build()
        return len(suggestions)

    def save(self):
        changes = form_changes(self.closing)
        self.closing.save()
        counts = save_outline(self.distribution, self.plan)
        return changes + formset_changes(self.distribution, gettext("Distribution list"), counts)


PARTS: dict[str, type[Part]] = {
    part.slug: part for part in (HeaderPart, SectionsPart, ConferencePart, ParticipantsPart, AgendaPart, TasksPart, ClosingPart)
}


# --- Services used by the parts --------------------------------------------------------


def tree_order(queryset) -> list:
    """Rows of a two-level tree (sections, agenda) in reading order: each
    top-level row followed by its sub-rows."""
    rows = list(queryset)
    children: dict[int | None, list] = {}
    for row in sorted(rows, key=lambda r: r.order):
        children.setdefault(row.parent_id, []).append(row)
    ordered = []
    for row in children.get(None, []):
        ordered.append(row)
        ordered.extend(children.get(row.pk, []))
    return ordered


def issuing_bodies_for(user, plan: Plan | None = None):
    """Organisations a drafter may issue a plan in the name of: the
    people's committees and councils of their province (and their own
    organisation), plus the plan's current body."""
    organisation = getattr(user, "organisation", None)
    bodies = Organisation.objects.none()
    if organisation is not None:
        unit = organisation.admin_unit
        province = unit.parent if unit is not None and unit.parent_id else unit
        scope = organisation.code.split(":")[0] + ":"
        bodies = Organisation.objects.filter(code__startswith=scope, kind__in=["people_committee", "people_council"])
        if province is not None:
            bodies = bodies | Organisation.objects.filter(admin_unit=province, kind__in=["people_committee", "people_council"])
        bodies = bodies | Organisation.objects.filter(pk=organisation.pk)
    if plan is not None and plan.issuing_body_id:
        bodies = bodies | Organisation.objects.filter(pk=plan.issuing_body_id)
    if getattr(user, "role", None) == Role.ADMIN or getattr(user, "is_superuser", False):
        bodies = Organisation.objects.all()
    tier_order = Case(
        *(When(tier=tier, then=Value(i)) for i, tier in enumerate(["central", "province", "district", "commune"])),
        default=Value(9),
    )
    return bodies.distinct().order_by(tier_order, "name")


def suggested_distribution(plan: Plan, *, listed_ids: set[int], listed_texts: set[str]) -> list[dict]:
    """One “Nơi nhận” line per invited organisation not listed yet (by
    organisation or by name), in the order of the participant lines."""
    listed_names = {text.strip(" -;.").casefold() for text in listed_texts}
    seen: set[int] = set()
    suggestions = []
    groups = ParticipantGroup.objects.filter(plan=plan).order_by("order").prefetch_related("organisations")
    for group in groups:
        for organisation in group.organisations.all():
            if organisation.pk in listed_ids or organisation.pk in seen or organisation.name.casefold() in listed_names:
                continue
            seen.add(organisation.pk)
            suggestions.append({"text": f"{organisation.name};", "organisation": organisation.pk})
    return suggestions


def agenda_schedule(agenda, start: datetime.datetime | None) -> dict[int, datetime.datetime]:
    """Planned start time of every agenda row: items follow one another from
    the conference start, each taking its duration (or, when it has none, the
    sum of its sub-items'); sub-items run within their item."""
    if start is None:
        return {}
    start = timezone.localtime(start)
    times: dict[int, datetime.datetime] = {}
    clock = start
    for item, children in agenda:
        times[item.pk] = clock
        inner = clock
        for child in children:
            times[child.pk] = inner
            inner += datetime.timedelta(minutes=child.duration_minutes or 0)
        if item.duration_minutes:
            clock += datetime.timedelta(minutes=item.duration_minutes)
        else:
            clock = inner
    return times


def conference_day(plan: Plan) -> datetime.date | None:
    conference = getattr(plan, "conference", None) if hasattr(plan, "conference") else None
    if conference is None:
        return None
    if conference.starts_at:
        return timezone.localtime(conference.starts_at).date()
    return conference.date_from


def late_task_warnings(doc) -> list[str]:
    """Preparation tasks due after the conference has taken place."""
    try:
        day = conference_day(doc.plan)
    except Conference.DoesNotExist:
        day = None
    if day is None:
        return []
    warnings = []
    for group in doc.task_groups:
        for task in group.tasks.all():
            if task.kind in (TaskKind.PREPARATION, TaskKind.CONTRIBUTION) and task.deadline and task.deadline > day:
                warnings.append(
                    gettext("“%(task)s” (%(group)s) is due on %(deadline)s, after the conference on %(day)s.")
                    % {
                        "task": task.text[:80],
                        "group": group.heading,
                        "deadline": task.deadline.strftime("%d/%m/%Y"),
                        "day": day.strftime("%d/%m/%Y"),
                    }
                )
    return warnings


# --- Saving with optimistic locking ------------------------------------------------------


def save_part(part: Part, *, user, version: int) -> PlanActivity:
    """Save a validated part if the plan is still at ``version``."""
    with transaction.atomic():
        updated = Plan.objects.filter(pk=part.plan.pk, version=version).update(version=version + 1, updated_at=timezone.now())
        if not updated:
            current = Plan.objects.values_list("version", flat=True).get(pk=part.plan.pk)
            activities = list(
                PlanActivity.objects.filter(plan=part.plan, version__gt=version).select_related("user").order_by("version")
            )
            raise VersionConflict(current, activities)
        part.plan.version = version + 1
        changes = part.save()
        return PlanActivity.objects.create(
            plan=part.plan, version=version + 1, user=user, action="edit", part=part.slug, changes=changes
        )


class _SectionAppend(Part):
    """Appends a paragraph to one section's body (used by the index sentences inserter)."""

    slug = SectionsPart.slug
    label = SectionsPart.label

    def __init__(self, plan: Plan, user, *, section: Section, text: str):
        self.section, self.text = section, text
        super().__init__(plan, user)

    def build(self) -> None:
        pass

    def save(self) -> list[dict]:
        old = self.section.body
        self.section.body = "\n".join(part for part in (old.rstrip("\n"), self.text) if part)
        self.section.save(update_fields=["body"])
        return [{"label": str(self.section.heading)[:300], "old": "", "new": self.text[:300]}]


def append_to_section(*, plan: Plan, section: Section, text: str, user, version: int) -> PlanActivity:
    """Add ``text`` as a new paragraph at the end of ``section``'s body,
    through :func:`save_part` (refused with VersionConflict if the plan changed since ``version``)."""
    return save_part(_SectionAppend(plan, user, section=section, text=text), user=user, version=version)
