"""Reads that span relations. Every page costs the same number of queries
whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Prefetch, Q, QuerySet

from directory.models import AdministrativeUnit, Role, UnitLevel

from .models import (
    AgendaItem,
    BridgePoint,
    ParticipantGroup,
    Plan,
    PlanState,
    Section,
    SectionContent,
    Task,
    TaskGroup,
)


def plans_visible_to(user) -> QuerySet[Plan]:
    """Plans a user may see: staff roles see every plan; a unit office sees
    issued plans only (it receives them)."""
    plans = Plan.objects.all()
    if not user.is_authenticated:
        return plans.none()
    if user.is_superuser or user.role in {Role.DRAFTER, Role.REVIEWER, Role.CLERK, Role.ADMIN}:
        return plans
    return plans.filter(state=PlanState.ISSUED)


def plan_list(
    *, user, province: AdministrativeUnit | None = None, year: int | None = None, kind: str = "", state: str = "", query: str = ""
) -> QuerySet[Plan]:
    plans = plans_visible_to(user).select_related("issuing_body__admin_unit", "conference")
    if province is not None:
        plans = plans.filter(Q(issuing_body__admin_unit=province) | Q(issuing_body__admin_unit__parent=province))
    if year:
        plans = plans.filter(year=year)
    if kind:
        plans = plans.filter(kind=kind)
    if state:
        plans = plans.filter(state=state)
    if query:
        plans = plans.filter(Q(subject__icontains=query) | Q(issuing_body__name__icontains=query))
    return plans.order_by("-year", "-created_at", "-id")


def plan_provinces(*, user) -> QuerySet[AdministrativeUnit]:
    """Provinces of the plans the user may see (filter choices)."""
    return (
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, organisations__issued_plans__in=plans_visible_to(user))
        .distinct()
        .order_by("short_name")
    )


def plan_years(*, user) -> list[int]:
    return list(plans_visible_to(user).order_by("-year").values_list("year", flat=True).distinct())


@dataclass
class SectionNode:
    section: Section
    number: int
    children: list[SectionNode] = field(default_factory=list)


@dataclass
class BridgePointBlock:
    bridge_point: BridgePoint | None
    number: int
    lines: list[ParticipantGroup]


@dataclass
class PlanDocument:
    """A plan with every part loaded, in document order."""

    plan: Plan
    legal_bases: list
    sections: list[SectionNode]
    participant_blocks: list[BridgePointBlock]
    agenda: list[tuple[AgendaItem, list[AgendaItem]]]
    task_groups: list[TaskGroup]
    distribution: list
    placed_contents: set[str]

    @property
    def unplaced_participants(self) -> bool:
        return bool(self.participant_blocks) and SectionContent.PARTICIPANTS not in self.placed_contents

    @property
    def unplaced_tasks(self) -> bool:
        return bool(self.task_groups) and SectionContent.TASKS not in self.placed_contents

    @property
    def agenda_row_count(self) -> int:
        return sum(1 + len(children) for _, children in self.agenda)


def plan_document(*, plan_id: int, user) -> PlanDocument:
    """Load one plan and all its parts with a fixed number of queries."""
    plan = (
        plans_visible_to(user)
        .select_related("issuing_body__admin_unit", "conference__chair", "signer")
        .prefetch_related(
            "legal_bases",
            "distribution_lines",
            Prefetch("sections", queryset=Section.objects.order_by("order")),
            Prefetch("bridge_points", queryset=BridgePoint.objects.select_related("host").order_by("order")),
            Prefetch(
                "participant_groups",
                queryset=ParticipantGroup.objects.prefetch_related("organisations").order_by("order"),
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.prefetch_related("performer_organisations", "performer_people").order_by("order"),
            ),
            Prefetch(
                "task_groups",
                queryset=TaskGroup.objects.order_by("order").prefetch_related(
                    Prefetch("tasks", queryset=Task.objects.order_by("order").prefetch_related("assignees", "coordinators"))
                ),
            ),
        )
        .get(pk=plan_id)
    )

    # Sections: a tree of top-level sections and their subsections.
    children_of: dict[int | None, list[Section]] = defaultdict(list)
    for section in plan.sections.all():
        children_of[section.parent_id].append(section)

    def build(parent_id: int | None) -> list[SectionNode]:
        return [
            SectionNode(section=s, number=i, children=build(s.pk)) for i, s in enumerate(children_of.get(parent_id, []), start=1)
        ]

    sections = build(None)
    placed = {s.content for s in plan.sections.all() if s.content}

    # Participant lines grouped by bridge point, in bridge-point order.
    lines_by_point: dict[int | None, list[ParticipantGroup]] = defaultdict(list)
    for line in plan.participant_groups.all():
        lines_by_point[line.bridge_point_id].append(line)
    blocks = [
        BridgePointBlock(bridge_point=point, number=i, lines=lines_by_point.get(point.pk, []))
        for i, point in enumerate(plan.bridge_points.all(), start=1)
    ]
    if lines_by_point.get(None):
        blocks.insert(0, BridgePointBlock(bridge_point=None, number=0, lines=lines_by_point[None]))

    # Agenda: top-level items with their sub-items.
    agenda_children: dict[int | None, list[AgendaItem]] = defaultdict(list)
    for item in plan.agenda_items.all():
        agenda_children[item.parent_id].append(item)
    agenda = [(item, agenda_children.get(item.pk, [])) for item in agenda_children.get(None, [])]

    return PlanDocument(
        plan=plan,
        legal_bases=list(plan.legal_bases.all()),
        sections=sections,
        participant_blocks=blocks,
        agenda=agenda,
        task_groups=list(plan.task_groups.all()),
        distribution=list(plan.distribution_lines.all()),
        placed_contents=placed,
    )


# Background jobs (document rendering in Celery) act for no user: they may
# read every plan. Views must keep passing request.user to plan_document.
_SYSTEM_READER = SimpleNamespace(is_authenticated=True, is_superuser=True, role=Role.ADMIN)


def plan_document_for_system(*, plan_id: int) -> PlanDocument:
    """:func:`plan_document` without a user, for background jobs."""
    return plan_document(plan_id=plan_id, user=_SYSTEM_READER)
