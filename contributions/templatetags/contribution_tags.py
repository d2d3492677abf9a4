"""Small additive parts of other apps' pages: the unit office's requests and
follow-up tasks on the dashboard, the contributions panel of the plan page."""

from __future__ import annotations

from django import template

from conferences.models import PlanKind

from .. import permissions, selectors
from ..models import Booklet, ConclusionSending

register = template.Library()


@register.inclusion_tag("contributions/_dashboard.html", takes_context=True)
def unit_contributions(context):
    user = context["user"]
    if not permissions.is_unit_office(user):
        return {"show": False}
    rows = [row for row in selectors.unit_rows(user) if row.status != "cancelled"]
    return {"show": True, "rows": rows, "follow_ups": selectors.follow_up_tasks(user)}


@register.inclusion_tag("contributions/_plan_panel.html", takes_context=True)
def contributions_panel(context, plan):
    user = context["user"]
    if plan.kind == PlanKind.CONCLUSION:
        return {
            "plan": plan,
            "conclusion": True,
            "sending": ConclusionSending.objects.filter(plan=plan).first(),
            "can_send": permissions.may_send_conclusion(user, plan),
            "concludes": plan.concludes,
        }
    booklet = Booklet.objects.filter(plan=plan).first()
    is_organiser = permissions.is_organiser(user, plan)
    own = []
    if permissions.is_unit_office(user):
        own = list(plan.contribution_requests.filter(organisation_id=user.organisation_id, cancelled_at__isnull=True))
    show_booklet = bool(booklet and booklet.is_ready and permissions.may_download_booklet(user, plan))
    show = is_organiser or own or show_booklet or permissions.may_draft_conclusion(user, plan)
    return {
        "plan": plan,
        "show": show,
        "is_organiser": is_organiser,
        "own": own,
        "booklet": booklet if show_booklet else None,
        "can_draft_conclusion": permissions.may_draft_conclusion(user, plan),
        "conclusions": list(selectors.conclusions_of(plan)) if is_organiser else [],
    }
