from django import template
from django.urls import reverse

from conferences.permissions import is_staff_role
from workflow import permissions
from workflow.forms import CommentForm
from workflow.models import IssuedDocument, ReviewComment, SubmittedVersion
from workflow.selectors import timeline
from workflow.views import transition_form

register = template.Library()

# Order of the action buttons on the plan page.
BUTTONS = ["submit", "forward", "approve", "sign", "issue", "reopen", "return", "withdraw"]


@register.simple_tag(takes_context=True)
def workflow_context(context, plan):
    """What the plan page shows of the review, signature and issuance of ``plan``
    for the current user: allowed actions with their forms, the chain, the
    submitted versions, the comments to address and the timeline."""
    user = context["request"].user
    bound = context.get("workflow_forms") or {}
    allowed = permissions.allowed_actions(user, plan)
    versions = list(SubmittedVersion.objects.filter(plan=plan).select_related("current_step__reviewer").order_by("number"))
    pending = next((v for v in versions if v.outcome == ""), None) if plan.state == "submitted" else None
    latest = versions[-1] if versions else None
    comments = []
    if latest is not None and plan.state in ("submitted", "returned", "draft"):
        comments = list(ReviewComment.objects.filter(version=latest).select_related("author"))
    steps = list(plan.review_steps.select_related("reviewer__person").order_by("order"))
    forms = [bound.get(action) or transition_form(plan, action) for action in BUTTONS if action in allowed]
    comment_form = None
    if permissions.COMMENT in allowed and pending is not None:
        comment_form = bound.get(permissions.COMMENT) or CommentForm(
            sections=pending.sections, action=reverse("workflow:comment", args=[plan.pk])
        )
    steps_taken = timeline(plan)
    return {
        "staff": is_staff_role(user),
        "return_note": next((t for t in reversed(steps_taken) if t.action == "return"), None),
        "forms": forms,
        "can_set_chain": permissions.CHAIN in allowed,
        "can_correct": permissions.CORRECT in allowed,
        "steps": steps,
        "current_step_id": pending.current_step_id if pending else None,
        "versions": versions,
        "pending": pending,
        "latest": latest,
        "comments": comments,
        "comment_form": comment_form,
        "timeline": steps_taken,
        "issued": IssuedDocument.objects.filter(plan=plan).first(),
        "replaced_by": plan.__class__.objects.filter(replaces=plan).first(),
    }
