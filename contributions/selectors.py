"""Reads of the contributions app. Every list costs the same number of
queries whatever the number of rows."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from conferences.models import AgendaItem, ParticipantGroup, Plan, PlanKind, PlanState, Task, TaskGroup
from directory.models import Role

from .models import ContributionFile, ContributionRequest, RequestStatus
from .permissions import is_organiser, is_unit_office

FILES = Prefetch("files", queryset=ContributionFile.objects.select_related("uploaded_by").order_by("-version"))


@dataclass
class RequestRow:
    request: ContributionRequest
    status: str
    latest: ContributionFile | None
    versions: int

    @property
    def status_label(self) -> str:
        return RequestStatus(self.status).label


def _rows(requests, today: datetime.date) -> list[RequestRow]:
    rows = []
    for request in requests:
        files = list(request.files.all())
        rows.append(
            RequestRow(request=request, status=request.status(today), latest=files[0] if files else None, versions=len(files))
        )
    return rows


def requests_of_unit(user, *, include_cancelled: bool = False) -> QuerySet[ContributionRequest]:
    requests = ContributionRequest.objects.filter(organisation_id=user.organisation_id)
    if not include_cancelled:
        requests = requests.filter(cancelled_at__isnull=True)
    return (
        requests.select_related("plan__issuing_body", "organisation")
        .prefetch_related(FILES)
        .order_by("deadline", "plan_id", "position", "id")
    )


def unit_rows(user, today: datetime.date | None = None) -> list[RequestRow]:
    return _rows(requests_of_unit(user), today or timezone.localdate())


def board_rows(plan: Plan, today: datetime.date | None = None) -> list[RequestRow]:
    requests = (
        ContributionRequest.objects.filter(plan=plan)
        .select_related("organisation", "late_allowed_by")
        .prefetch_related(FILES)
        .order_by("cancelled_at", "position", "id")
    )
    return _rows(requests, today or timezone.localdate())


def status_counts(rows: list[RequestRow]) -> dict[str, int]:
    counts = {status: 0 for status in RequestStatus.values}
    for row in rows:
        counts[row.status] += 1
    return counts


def organised_plans(user) -> QuerySet[Plan]:
    """Plans whose contributions the user organises (and that ask for some)."""
    plans = Plan.objects.exclude(kind=PlanKind.CONCLUSION)
    if not user.is_superuser:
        if user.role == Role.DRAFTER and user.organisation_id:
            plans = plans.filter(drafting_unit_id=user.organisation_id)
        elif user.role == Role.CLERK and user.organisation_id:
            organisation = user.organisation
            bodies = [organisation.pk] + ([organisation.parent_id] if organisation.parent_id else [])
            plans = plans.filter(issuing_body_id__in=bodies)
        else:
            return plans.none()
    asks = (
        Q(contribution_requests__isnull=False) | Q(agenda_items__kind="contribution") | Q(task_groups__tasks__kind="contribution")
    )
    ids = plans.filter(asks).values("pk")
    return Plan.objects.filter(pk__in=ids).select_related("issuing_body", "conference").order_by("-year", "-id")


def participant_ids(plan: Plan) -> set[int]:
    """Organisations taking part in a plan: asked for a contribution, named
    in a participant line, performing an agenda item or assigned a task."""
    ids = set(ContributionRequest.objects.filter(plan=plan).values_list("organisation_id", flat=True))
    ids |= set(
        ParticipantGroup.organisations.through.objects.filter(participantgroup__plan=plan).values_list(
            "organisation_id", flat=True
        )
    )
    ids |= set(
        AgendaItem.performer_organisations.through.objects.filter(agendaitem__plan=plan).values_list("organisation_id", flat=True)
    )
    ids |= set(Task.assignees.through.objects.filter(task__group__plan=plan).values_list("organisation_id", flat=True))
    ids |= set(TaskGroup.assignees.through.objects.filter(taskgroup__plan=plan).values_list("organisation_id", flat=True))
    return ids


def booklet_requests(plan: Plan) -> list[RequestRow]:
    """Requests in agenda order with their latest file (the booklet's contents)."""
    return [row for row in board_rows(plan) if row.status != RequestStatus.CANCELLED]


def booklet_fingerprint(plan: Plan, rows: list[RequestRow] | None = None) -> str:
    """What the booklet is built from: the plan as printed and the latest file of each request."""
    rows = booklet_requests(plan) if rows is None else rows
    digest = hashlib.sha256(
        f"{plan.pk}:{plan.version}:{plan.state}:{plan.number}:{plan.issue_date}:{plan.updated_at.isoformat()}".encode()
    )
    for row in rows:
        digest.update(f"|{row.request.pk}:{row.request.position}:{row.latest.sha256 if row.latest else '-'}".encode())
    return digest.hexdigest()


# Conclusions and their follow-up tasks ---------------------------------------------------


def conclusions_of(plan: Plan) -> QuerySet[Plan]:
    return Plan.objects.filter(concludes=plan, kind=PlanKind.CONCLUSION).order_by("-created_at")


@dataclass
class FollowUp:
    task: Task
    latest_percent: int
    overdue: bool


def follow_up_tasks(user, today: datetime.date | None = None) -> list[FollowUp]:
    """Tasks of issued conclusion notices assigned to the user's unit, with the latest progress reported."""
    from indices.models import ProgressReport

    if not is_unit_office(user):
        return []
    today = today or timezone.localdate()
    reports = ProgressReport.objects.filter(organisation_id=user.organisation_id).order_by("-period", "-submitted_at")
    tasks = (
        Task.objects.filter(
            group__plan__kind=PlanKind.CONCLUSION, group__plan__state=PlanState.ISSUED, assignees=user.organisation_id
        )
        .select_related("group__plan")
        .prefetch_related(Prefetch("progress_reports", queryset=reports))
        .order_by("deadline", "group__plan_id", "group__order", "order")
        .distinct()
    )
    out = []
    for task in tasks:
        latest = next(iter(task.progress_reports.all()), None)
        percent = latest.percent if latest else 0
        overdue = bool(task.deadline and task.deadline < today and percent < 100)
        out.append(FollowUp(task=task, latest_percent=percent, overdue=overdue))
    return out


def may_see_board(user, plan: Plan) -> bool:
    return is_organiser(user, plan)
