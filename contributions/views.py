"""Pages of the contributions app. Every view checks the permission on the
server (:mod:`contributions.permissions`): 403 for the wrong user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.models import Plan, PlanKind

from . import permissions, selectors, services
from .conclusions import create_conclusion
from .forms import LateForm, UploadForm
from .models import Booklet, ContributionFile, ContributionRequest, RequestStatus


def _plan(pk: int) -> Plan:
    return get_object_or_404(Plan.objects.select_related("issuing_body", "conference").exclude(kind=PlanKind.CONCLUSION), pk=pk)


def _organised(request, pk: int) -> Plan:
    plan = _plan(pk)
    if not permissions.is_organiser(request.user, plan):
        raise PermissionDenied
    return plan


def _request(request, pk: int) -> ContributionRequest:
    contribution = get_object_or_404(
        ContributionRequest.objects.select_related("plan__issuing_body", "organisation", "late_allowed_by"), pk=pk
    )
    if not permissions.may_see_request(request.user, contribution):
        raise PermissionDenied
    return contribution


@login_required
@require_GET
def request_list(request):
    """A unit office's requests; for organisers, the plans whose contributions they collect."""
    user = request.user
    if permissions.is_unit_office(user):
        return render(request, "contributions/request_list.html", {"rows": selectors.unit_rows(user), "unit": user.organisation})
    if not permissions.may_use_contributions(user):
        raise PermissionDenied
    return render(request, "contributions/plan_list.html", {"plans": selectors.organised_plans(user)})


@login_required
@require_GET
def board(request, plan: int):
    plan = _organised(request, plan)
    rows = selectors.board_rows(plan)
    booklet = Booklet.objects.filter(plan=plan).first()
    context = {
        "plan": plan,
        "rows": rows,
        "counts": selectors.status_counts(rows),
        "booklet": booklet,
        "booklet_outdated": bool(booklet and booklet.is_ready and booklet.source_hash != selectors.booklet_fingerprint(plan)),
        "conclusions": selectors.conclusions_of(plan).select_related("sending"),
        "can_draft_conclusion": permissions.may_draft_conclusion(request.user, plan),
        "today": timezone.localdate(),
    }
    return render(request, "contributions/board.html", context)


@login_required
@require_POST
def sync(request, plan: int):
    plan = _organised(request, plan)
    result = services.sync_requests(plan, user=request.user)
    messages.success(
        request,
        _("Requests created: %(created)s; updated: %(updated)s; withdrawn: %(cancelled)s; e-mailed: %(mailed)s.")
        % {"created": len(result.created), "updated": result.updated, "cancelled": result.cancelled, "mailed": result.mailed},
    )
    return redirect("contributions:board", plan=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk: int):
    contribution = _request(request, pk)
    can_upload = permissions.may_upload(request.user, contribution)
    form = UploadForm(request.POST or None, request.FILES or None) if can_upload else None
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        if form.is_valid():
            try:
                stored = services.upload(
                    contribution, user=request.user, data=form.cleaned_data["data"], name=form.cleaned_data["file"].name
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("Contribution received (version %(version)s).") % {"version": stored.version})
                return redirect("contributions:request_detail", pk=contribution.pk)
    files = list(contribution.files.select_related("uploaded_by").order_by("-version"))
    is_organiser = permissions.is_organiser(request.user, contribution.plan)
    context = {
        "contribution": contribution,
        "files": files,
        "form": form,
        "accepts_upload": contribution.accepts_upload(),
        "status_row": {"status": (status := contribution.status()), "status_label": RequestStatus(status).label},
        "is_organiser": is_organiser,
        "late_form": LateForm() if is_organiser and not contribution.is_cancelled else None,
    }
    return render(request, "contributions/request_detail.html", context)


@login_required
@require_POST
def allow_late(request, pk: int):
    contribution = _request(request, pk)
    if not permissions.is_organiser(request.user, contribution.plan):
        raise PermissionDenied
    form = LateForm(request.POST)
    if form.is_valid():
        services.allow_late(contribution, user=request.user, until=form.cleaned_data["until"])
        messages.success(
            request,
            _("%(unit)s may upload until %(day)s.")
            % {"unit": contribution.organisation.name, "day": form.cleaned_data["until"].strftime("%d/%m/%Y")},
        )
    else:
        messages.error(request, " ".join(form.errors.get("until", [])) or _("Choose a date."))
    return redirect("contributions:request_detail", pk=contribution.pk)


@login_required
@require_GET
def file_download(request, pk: int):
    stored = get_object_or_404(ContributionFile.objects.select_related("request__plan", "request__organisation"), pk=pk)
    if not permissions.may_download_file(request.user, stored):
        raise PermissionDenied
    return FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.download_name, content_type=stored.content_type
    )


# --- Booklet ------------------------------------------------------------------------------


def booklet_status_data(booklet: Booklet) -> dict:
    parts = [booklet.get_state_display()]
    if booklet.is_ready:
        parts.append(_("version %(version)s, %(pages)s pages") % {"version": booklet.version, "pages": booklet.page_count})
    if booklet.error:
        parts.append(booklet.error[:120])
    return {
        "summary": " · ".join(parts),
        "state": booklet.state,
        "progress": booklet.progress,
        "busy": booklet.is_busy,
        "ready": booklet.is_ready,
        "version": booklet.version,
        "status_url": reverse("contributions:booklet_status", args=[booklet.plan_id]),
        "download_url": reverse("contributions:booklet_download", args=[booklet.plan_id]) if booklet.is_ready else "",
    }


@login_required
@require_POST
def booklet_build(request, plan: int):
    plan = _organised(request, plan)
    booklet = services.request_booklet(plan, user=request.user)
    if request.headers.get("X-Requested-With") == "fetch":
        booklet.refresh_from_db()
        return JsonResponse(booklet_status_data(booklet))
    messages.info(request, _("The booklet is being built; the download link appears when it is ready."))
    return redirect("contributions:board", plan=plan.pk)


def _booklet(request, pk: int) -> Booklet:
    plan = _plan(pk)
    if not permissions.may_download_booklet(request.user, plan):
        raise PermissionDenied
    booklet = Booklet.objects.filter(plan=plan).first()
    if booklet is None:
        raise Http404
    return booklet


@login_required
@require_GET
def booklet_status(request, plan: int):
    return JsonResponse(booklet_status_data(_booklet(request, plan)))


@login_required
@require_GET
def booklet_download(request, plan: int):
    booklet = _booklet(request, plan)
    if not booklet.is_ready:
        raise Http404
    return FileResponse(
        booklet.file.open("rb"),
        as_attachment=True,
        filename=f"tai-lieu-hoi-nghi-{booklet.plan_id}-v{booklet.version}.pdf",
        content_type="application/pdf",
    )


# --- Conclusions -----------------------------------------------------------------------------


@login_required
@require_POST
def conclusion_new(request, plan: int):
    plan = _plan(plan)
    if not permissions.may_draft_conclusion(request.user, plan):
        raise PermissionDenied
    notice = create_conclusion(plan, user=request.user)
    messages.success(request, _("The conclusion notice was drafted from the plan: complete it, then submit it for review."))
    return redirect("conferences:plan_edit_start", pk=notice.pk)


@login_required
@require_POST
def conclusion_send(request, pk: int):
    notice = get_object_or_404(Plan.objects.select_related("issuing_body", "concludes"), pk=pk, kind=PlanKind.CONCLUSION)
    if not permissions.may_send_conclusion(request.user, notice):
        raise PermissionDenied
    sending = services.send_conclusion(notice, user=request.user)
    messages.success(
        request,
        _("The conclusion notice was sent to %(count)s units.") % {"count": len(sending.recipients)},
    )
    if sending.without_address:
        messages.warning(request, _("No e-mail address for: %(units)s.") % {"units": "; ".join(sending.without_address)})
    return redirect("conferences:plan_detail", pk=notice.pk)
