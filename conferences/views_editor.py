"""The plan editor: one page per part of the plan, with a live preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors
from .editing import PARTS, VersionConflict, agenda_schedule, issuing_bodies_for, save_part
from .forms import NewPlanForm
from .models import Plan, PlanActivity
from .permissions import require_create, require_edit


def _document_context(request, plan: Plan, part) -> dict:
    doc = selectors.plan_document(plan_id=plan.pk, user=request.user)
    conference = getattr(doc.plan, "conference", None) if _has_conference(doc.plan) else None
    return {
        "doc": doc,
        "plan": doc.plan,
        "schedule": agenda_schedule(doc.agenda, conference.starts_at if conference else None),
        "warnings": part.warnings(doc),
    }


def _has_conference(plan: Plan) -> bool:
    try:
        plan.conference  # noqa: B018 - loaded by plan_document
    except Plan.conference.RelatedObjectDoesNotExist:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int, part: str = "thong-tin-chung"):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    require_edit(request.user, plan)
    part_class = PARTS.get(part)
    if part_class is None:
        raise Http404
    conflict = None
    if request.method == "POST":
        editor = part_class(plan, request.user, data=request.POST)
        if request.headers.get("X-Preview"):
            return _preview(request, editor)
        if "suggest" in request.POST and hasattr(editor, "suggest"):
            count = editor.suggest()
            if count:
                messages.info(request, _("%(n)d lines suggested from the invited units: check them, then save.") % {"n": count})
            else:
                messages.info(request, _("Every invited unit is already in the distribution list."))
        elif editor.is_valid():
            try:
                version = int(request.POST.get("overwrite") or request.POST.get("version", ""))
            except ValueError:
                version = -1
            try:
                save_part(editor, user=request.user, version=version)
            except VersionConflict as error:
                conflict = error
            else:
                messages.success(request, _("Saved: %(part)s.") % {"part": editor.label})
                target = request.POST.get("next")
                if target in PARTS:
                    return redirect("conferences:plan_edit", pk=plan.pk, part=target)
                return redirect("conferences:plan_edit", pk=plan.pk, part=part)
        else:
            messages.error(request, _("The changes were not saved: correct the fields marked below."))
    else:
        editor = part_class(plan, request.user)
    editor.prepare_render()
    context = _document_context(request, plan, editor)
    context.update(
        editor=editor,
        parts=[(slug, cls.label) for slug, cls in PARTS.items()],
        next_part=_next_part(part),
        part=part,
        version=request.POST.get("version") if conflict else plan.version,
        conflict=conflict,
        checklist=PlanActivity.objects.filter(plan=plan, action="clone").order_by("-at").first(),
        preview_url=reverse("conferences:plan_edit", kwargs={"pk": plan.pk, "part": part}),
    )
    return render(request, editor.template, context, status=409 if conflict else 200)


def _preview(request, editor) -> HttpResponse:
    """Render the plan as it would be with the posted changes, without
    keeping them: the changes are saved in a transaction that is rolled back."""
    with transaction.atomic():
        valid = editor.is_valid()
        if valid:
            editor.save()
        context = _document_context(request, editor.plan, editor)
        context.update(preview_valid=valid, editor=editor)
        html = render_to_string("conferences/editor/_preview.html", context, request=request)
        transaction.set_rollback(True)
    return HttpResponse(html)


def _next_part(part: str) -> str | None:
    slugs = list(PARTS)
    index = slugs.index(part)
    return slugs[index + 1] if index + 1 < len(slugs) else None


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    """Start a plan from a template, as a copy of an earlier plan, or blank."""
    from .cloning import clone_plan
    from .starters import TEMPLATES, create_blank_plan, create_from_template

    require_create(request.user)
    sources = selectors.plans_visible_to(request.user).select_related("issuing_body").order_by("-year", "-created_at")
    initial = {"year": timezone.localdate().year, "issuing_body": default_issuing_body(request.user)}
    if request.GET.get("source", "").isdigit():
        initial.update(start=NewPlanForm.CLONE, source=request.GET["source"])
    form = NewPlanForm(
        request.POST or None,
        initial=initial,
        templates=TEMPLATES,
        sources=sources,
        issuing_bodies=issuing_bodies_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checklist: list[dict] = []
        with transaction.atomic():
            if data["start"] == NewPlanForm.CLONE:
                result = clone_plan(
                    data["source"], target_year=data["year"], user=request.user, issuing_body=data["issuing_body"]
                )
                plan, action = result.plan, "clone"
                checklist = [
                    {
                        "label": item.part,
                        "old": "",
                        "new": item.text,
                        "kind": item.kind,
                        "part": ANCHOR_PARTS.get(item.anchor.split(":")[0], ""),
                    }
                    for item in result.checklist
                ]
            elif data["start"] == NewPlanForm.TEMPLATE:
                plan, action = (
                    create_from_template(
                        template_key=data["template"], issuing_body=data["issuing_body"], user=request.user, year=data["year"]
                    ),
                    "create",
                )
            else:
                plan, action = (
                    create_blank_plan(issuing_body=data["issuing_body"], user=request.user, year=data["year"], kind=data["kind"]),
                    "create",
                )
            plan.drafting_unit = request.user.organisation
            plan.created_by = request.user
            plan.save(update_fields=["drafting_unit", "created_by"])
            PlanActivity.objects.create(plan=plan, version=plan.version, user=request.user, action=action, changes=checklist)
        messages.success(request, _("The draft was created. Fill in each part; the preview follows your changes."))
        return redirect("conferences:plan_edit_start", pk=plan.pk)
    return render(request, "conferences/plan_new.html", {"form": form})


def default_issuing_body(user):
    """The people's committee of the drafter's province, if the directory has it."""
    return issuing_bodies_for(user).filter(kind="people_committee").first()


# Where the editor edits the object a checklist item points at.
ANCHOR_PARTS = {
    "plan": "thong-tin-chung",
    "legalbasis": "thong-tin-chung",
    "section": "noi-dung",
    "conference": "hoi-nghi",
    "bridgepoint": "hoi-nghi",
    "participantgroup": "thanh-phan",
    "agendaitem": "chuong-trinh",
    "taskgroup": "nhiem-vu",
    "task": "nhiem-vu",
    "distributionline": "ket-thuc",
}
