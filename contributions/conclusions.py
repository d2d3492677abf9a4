"""The conclusion notice (THÔNG BÁO kết luận, type code TB) drafted from a
conference plan after the conference.

It is a :class:`conferences.models.Plan` of kind ``conclusion`` linked to
the plan it concludes (``concludes``), so the drafting editor, the review
and signing workflow, the registers and the PDF layout apply to it as they
are. Its task groups are the follow-up tasks (unit, text, deadline); once it
is issued they are tracked with monthly progress reports like the tasks of
an improvement plan (``indices.ProgressReport``).

Texts of the notice are Vietnamese document content, not interface.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from conferences import formatting
from conferences.models import (
    DistributionLine,
    Plan,
    PlanActivity,
    PlanKind,
    Section,
    SectionContent,
    Task,
    TaskGroup,
    TaskKind,
)
from documents.content import conference_name

from . import permissions
from .models import ContributionRequest

TYPE_CODE = "TB"


def _conference(plan: Plan):
    try:
        return plan.conference
    except Plan.conference.RelatedObjectDoesNotExist:
        return None


def chair_phrase(plan: Plan) -> str:
    """Who chaired, as the notice names them (“Chủ tịch UBND Tỉnh Phạm Thiện Nghĩa”)."""
    conference = _conference(plan)
    if conference is None:
        return "Chủ trì Hội nghị"
    if conference.chair_text:
        return conference.chair_text
    if conference.chair_id:
        return " ".join(part for part in (conference.chair.title, conference.chair.full_name) if part)
    return "Chủ trì Hội nghị"


def conference_date(plan: Plan):
    conference = _conference(plan)
    if conference is None:
        return None
    if conference.starts_at:
        return timezone.localtime(conference.starts_at).date()
    return conference.date_from


def notice_texts(plan: Plan) -> dict[str, str]:
    name = conference_name(plan)
    chair = chair_phrase(plan)
    day = conference_date(plan)
    when = formatting.date_phrase(date=day).capitalize() if day else "Vừa qua"
    return {
        "subject": f"Kết luận của {chair} tại {name}",
        "preamble": (
            f"{when}, {plan.issuing_body.name} tổ chức {name} theo {formatting.plan_reference(plan)}. "
            f"Sau khi nghe báo cáo, tham luận của các cơ quan, đơn vị, địa phương và ý kiến thảo luận "
            f"của các đại biểu, {chair} kết luận như sau:"
        ),
        "closing": f"{plan.issuing_body.name} thông báo để các cơ quan, đơn vị, địa phương biết, thực hiện./.",
    }


def contributing_units(plan: Plan) -> list:
    """Units asked for a contribution, in agenda order, each once."""
    seen, units = set(), []
    requests = ContributionRequest.objects.filter(plan=plan, cancelled_at__isnull=True).select_related("organisation")
    for request in requests.order_by("position", "id"):
        if request.organisation_id not in seen:
            seen.add(request.organisation_id)
            units.append(request.organisation)
    return units


@transaction.atomic
def create_conclusion(plan: Plan, *, user) -> Plan:
    """A draft conclusion notice of ``plan``: header, signature and Nơi nhận
    of the plan, a preamble naming the conference, two parts (assessment;
    tasks) and one follow-up task group for the drafting unit and for each
    unit that contributed, for the drafter to complete."""
    if not permissions.may_draft_conclusion(user, plan):
        raise PermissionDenied
    day = conference_date(plan)
    texts = notice_texts(plan)
    notice = Plan.objects.create(
        kind=PlanKind.CONCLUSION,
        concludes=plan,
        issuing_body=plan.issuing_body,
        letterhead_parent=plan.letterhead_parent,
        letterhead_name=plan.letterhead_name,
        type_code=TYPE_CODE,
        symbol=plan.symbol,
        place=plan.place,
        year=day.year if day else plan.year,
        month=day.month if day else None,
        subject=texts["subject"],
        preamble=texts["preamble"],
        closing=texts["closing"],
        sign_on_behalf_of=plan.sign_on_behalf_of,
        sign_for_mode=plan.sign_for_mode,
        sign_for_title=plan.sign_for_title,
        signer_title=plan.signer_title,
        signer=plan.signer,
        signer_name=plan.signer_name,
        drafting_unit=user.organisation,
        created_by=user,
    )
    Section.objects.bulk_create(
        [
            Section(plan=notice, order=1, heading="ĐÁNH GIÁ CHUNG"),
            Section(plan=notice, order=2, heading="NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI", content=SectionContent.TASKS),
        ]
    )
    groups = [
        (
            user.organisation,
            "Theo dõi, đôn đốc các cơ quan, đơn vị, địa phương thực hiện các nhiệm vụ tại Thông báo này; "
            "tổng hợp, báo cáo kết quả thực hiện.",
        )
    ]
    groups += [
        (
            unit,
            "Tiếp tục triển khai các giải pháp đã nêu tại tham luận; "
            f"định kỳ báo cáo kết quả thực hiện về {user.organisation.name}.",
        )
        for unit in contributing_units(plan)
        if unit.pk != user.organisation_id
    ]
    for order, (unit, text) in enumerate(groups, start=1):
        group = TaskGroup.objects.create(plan=notice, order=order, heading=unit.name)
        group.assignees.set([unit])
        task = Task.objects.create(group=group, order=1, marker="-", text=text, kind=TaskKind.OTHER)
        task.assignees.set([unit])
    DistributionLine.objects.bulk_create(
        [
            DistributionLine(plan=notice, order=line.order, text=line.text, organisation_id=line.organisation_id)
            for line in plan.distribution_lines.order_by("order")
        ]
    )
    PlanActivity.objects.create(plan=notice, version=notice.version, user=user, action="create", changes=[])
    return notice
