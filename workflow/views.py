"""Workflow pages and actions. Every action checks the permission on the
server (in the service); a refused action is a 403 and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from conferences.models import Plan, PlanState
from conferences.permissions import is_staff_role
from conferences.selectors import plans_visible_to
from conferences.views import render_plan_detail

from . import permissions, services
from .forms import CommentForm, IssueForm, ReviewChainForm, SignForm, TransitionForm, VerifyForm
from .models import Action, IssuedDocument, SubmittedVersion
from .selectors import notifications_of
from .verification import check_file
from .versions import section_diffs

# URL slug → (action, service, label, button style, comment required)
TRANSITIONS = {
    "nop": (Action.SUBMIT, services.submit, gettext_lazy("Submit for review"), "btn-primary", False),
    "rut-lai": (Action.WITHDRAW, services.withdraw, gettext_lazy("Withdraw the submission"), "btn-outline-secondary", False),
    "chuyen-tiep": (Action.FORWARD, services.forward, gettext_lazy("Pass on to the next reviewer"), "btn-primary", False),
    "tra-lai": (Action.RETURN, services.return_plan, gettext_lazy("Return with comments"), "btn-outline-danger", True),
    "soan-lai": (Action.REOPEN, services.reopen, gettext_lazy("Revise the draft"), "btn-primary", False),
    "phe-duyet": (Action.APPROVE, services.approve, gettext_lazy("Approve"), "btn-success", False),
    "ky": (Action.SIGN, services.sign, gettext_lazy("Sign"), "btn-success", False),
    "ban-hanh": (Action.ISSUE, services.issue, gettext_lazy("Issue with number and date"), "btn-success", False),
}
SLUG_OF = {entry[0]: slug for slug, entry in TRANSITIONS.items()}


def _plan(request, pk: int) -> Plan:
    return get_object_or_404(plans_visible_to(request.user).select_related("issuing_body", "signer"), pk=pk)


def transition_form(plan: Plan, action: str, data=None) -> TransitionForm:
    slug = SLUG_OF[action]
    label, css_class, comment_required = TRANSITIONS[slug][2:]
    form_class = {Action.SIGN: SignForm, Action.ISSUE: IssueForm}.get(action, TransitionForm)
    return form_class(
        data,
        prefix=slug,
        comment_required=comment_required,
        action=reverse("workflow:transition", args=[plan.pk, slug]),
        label=label,
        css_class=css_class,
    )


@login_required
@require_POST
def transition(request, pk: int, slug: str):
    if slug not in TRANSITIONS:
        raise Http404
    action, service = TRANSITIONS[slug][:2]
    plan = _plan(request, pk)
    if not permissions.allowed(request.user, plan, action):
        raise PermissionDenied
    form = transition_form(plan, action, request.POST)
    if form.is_valid():
        options = {"user": request.user}
        if action in (Action.SIGN, Action.ISSUE):
            options["password"] = form.cleaned_data["password"]
            options["otp_token"] = form.cleaned_data["otp_token"]
        if action != Action.ISSUE:
            options["comment"] = form.cleaned_data["comment"]
        try:
            service(plan, **options)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
            if action == Action.REOPEN:
                return redirect("conferences:plan_edit_start", pk=plan.pk)
            return redirect("conferences:plan_detail", pk=plan.pk)
    return render_plan_detail(request, plan.pk, extra={"workflow_forms": {action: form}}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def review_chain(request, pk: int):
    plan = _plan(request, pk)
    if not permissions.allowed(request.user, plan, permissions.CHAIN):
        raise PermissionDenied
    action = reverse("workflow:review_chain", args=[plan.pk])
    current = [step.reviewer for step in plan.review_steps.select_related("reviewer").order_by("order")]
    form = ReviewChainForm(request.POST or None, action=action, initial_reviewers=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_review_chain(plan, form.cleaned_data["reviewers"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review chain was saved."))
            return redirect("conferences:plan_detail", pk=plan.pk)
    return render(request, "workflow/review_chain.html", {"plan": plan, "form": form, "current": current})


@login_required
@require_POST
def add_comment(request, pk: int):
    plan = _plan(request, pk)
    version = permissions.pending_version(plan)
    if not permissions.allowed(request.user, plan, permissions.COMMENT, version=version):
        raise PermissionDenied
    form = CommentForm(request.POST, sections=version.sections, action=reverse("workflow:comment", args=[plan.pk]))
    if form.is_valid():
        try:
            services.comment(plan, user=request.user, text=form.cleaned_data["text"], section_key=form.cleaned_data["section"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your comment was added."))
            return redirect(request.POST.get("next") or reverse("conferences:plan_detail", args=[plan.pk]))
    return render_plan_detail(request, plan.pk, extra={"workflow_forms": {permissions.COMMENT: form}}, status=400)


@login_required
def version_detail(request, pk: int, number: int):
    """A submitted version, section by section, with the changes since the previous submission."""
    plan = _plan(request, pk)
    if not is_staff_role(request.user):
        raise PermissionDenied
    version = get_object_or_404(
        SubmittedVersion.objects.select_related("submitted_by", "current_step__reviewer"), plan=plan, number=number
    )
    previous = SubmittedVersion.objects.filter(plan=plan, number__lt=number).order_by("-number").first()
    comments = {}
    for comment in version.comments.select_related("author"):
        comments.setdefault(comment.section_key, []).append(comment)
    earlier_comments = list(previous.comments.select_related("author")) if previous else []
    earlier_notes = [t for t in previous.transitions.select_related("user") if t.comment] if previous else []
    diffs = section_diffs(previous.sections if previous else None, version.sections)
    comment_form = None
    if version.outcome == "" and permissions.allowed(request.user, plan, permissions.COMMENT, version=version):
        comment_form = CommentForm(sections=version.sections, action=reverse("workflow:comment", args=[plan.pk]))
    return render(
        request,
        "workflow/version_detail.html",
        {
            "plan": plan,
            "version": version,
            "previous": previous,
            "sections": [(diff, comments.get(diff.key, [])) for diff in diffs],
            "plan_comments": comments.get("", []),
            "earlier_comments": earlier_comments,
            "earlier_notes": earlier_notes,
            "changed_count": sum(1 for diff in diffs if diff.changed),
            "comment_form": comment_form,
            "versions": SubmittedVersion.objects.filter(plan=plan).order_by("number"),
        },
    )


@login_required
def issued_download(request, pk: int):
    """The issued, signed PDF exactly as stored."""
    plan = _plan(request, pk)
    issued = get_object_or_404(IssuedDocument, plan=plan)
    return FileResponse(issued.file.open("rb"), as_attachment=True, filename=issued.download_name, content_type="application/pdf")


@login_required
@require_POST
def start_correction(request, pk: int):
    plan = _plan(request, pk)
    if not permissions.allowed(request.user, plan, permissions.CORRECT):
        raise PermissionDenied
    correction = services.start_correction(plan, user=request.user)
    messages.success(
        request, _("A correction was started: once issued, it replaces %(number)s.") % {"number": plan.number_display}
    )
    return redirect("conferences:plan_edit_start", pk=correction.pk)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        notifications_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("workflow:notifications")
    page = Paginator(notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "workflow/notifications.html", {"page": page, "query_string": ""})


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Anyone signed in may check an uploaded PDF, or the stored file of an issued plan."""
    action = reverse("workflow:verify")
    check = None
    form = VerifyForm(action=action)
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES, action=action)
        if form.is_valid():
            check = check_file(form.cleaned_data["file"].read())
    elif request.GET.get("ke-hoach", "").isdigit():
        plans = plans_visible_to(request.user).filter(state=PlanState.ISSUED)
        issued = get_object_or_404(
            IssuedDocument.objects.select_related("plan"), plan__in=plans, plan_id=int(request.GET["ke-hoach"])
        )
        check = check_file(issued.read(), expected=issued)
    return render(request, "workflow/verify.html", {"form": form, "check": check}, status=400 if form.errors else 200)
