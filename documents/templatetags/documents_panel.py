from django import template
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentKind, FileFormat
from documents.services import may_request_rendering

register = template.Library()

CHOICES = [
    (DocumentKind.PLAN, FileFormat.PDF, _("Plan and agenda (PDF)")),
    (DocumentKind.PLAN, FileFormat.DOCX, _("Plan and agenda (DOCX)")),
    (DocumentKind.INVITATIONS, FileFormat.PDF, _("Invitations to every recipient (ZIP of PDF)")),
    (DocumentKind.INVITATIONS, FileFormat.DOCX, _("Invitations to every recipient (ZIP of DOCX)")),
]


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context, plan):
    """The Documents card of the plan page: one query for the plan's files."""
    files = {(f.kind, f.format): f for f in plan.rendered_files.all()}
    has_conference = getattr(plan, "conference", None) is not None
    rows = [
        {"kind": kind, "format": file_format, "label": label, "file": files.get((kind, file_format))}
        for kind, file_format, label in CHOICES
        if kind == DocumentKind.PLAN or has_conference
    ]
    return {
        "plan": plan,
        "rows": rows,
        "can_render": may_request_rendering(context["request"].user),
        "csrf_token": context.get("csrf_token"),
    }
