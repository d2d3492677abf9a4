"""Documents panel endpoints: ask for a rendering, poll its state, download.

Anyone who may see the plan may poll and download; staff roles (drafter,
reviewer, clerk, administrator) may ask for a rendering.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conferences.selectors import plans_visible_to

from . import services
from .models import DocumentKind, FileFormat, RenderedFile

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}


def _visible_file(user, pk: int) -> RenderedFile:
    return get_object_or_404(RenderedFile.objects.select_related("plan"), pk=pk, plan__in=plans_visible_to(user))


def status_data(rendered: RenderedFile) -> dict:
    summary = [rendered.get_state_display()]
    if rendered.is_ready:
        summary.append(_("version %(version)s") % {"version": rendered.version})
    if rendered.error:
        summary.append(rendered.error[:120])
    return {
        "summary": " · ".join(summary),
        "id": rendered.pk,
        "state": rendered.state,
        "state_label": rendered.get_state_display(),
        "progress": rendered.progress,
        "busy": rendered.is_busy,
        "ready": rendered.is_ready,
        "version": rendered.version,
        "sha256": rendered.sha256,
        "error": rendered.error,
        "status_url": reverse("documents:status", args=[rendered.pk]),
        "download_url": reverse("documents:download", args=[rendered.pk]) if rendered.is_ready else "",
    }


@login_required
@require_POST
def request_rendering(request, plan_id: int, kind: str, file_format: str):
    plan = get_object_or_404(plans_visible_to(request.user).select_related("conference"), pk=plan_id)
    if not services.may_request_rendering(request.user):
        raise PermissionDenied
    if kind not in DocumentKind.values or file_format not in FileFormat.values:
        raise Http404
    if kind == DocumentKind.INVITATIONS and getattr(plan, "conference", None) is None:
        raise Http404
    rendered = services.request_rendering(plan=plan, kind=kind, file_format=file_format, user=request.user)
    if request.headers.get("X-Requested-With") == "fetch":
        rendered.refresh_from_db()
        return JsonResponse(status_data(rendered))
    messages.info(request, _("The document is being rendered; the download link appears when it is ready."))
    return redirect("conferences:plan_detail", pk=plan.pk)


@login_required
@require_GET
def rendering_status(request, pk: int):
    return JsonResponse(status_data(_visible_file(request.user, pk)))


@login_required
@require_GET
def download(request, pk: int):
    rendered = _visible_file(request.user, pk)
    if not rendered.is_ready:
        raise Http404
    extension = rendered.download_name.rsplit(".", 1)[-1]
    return FileResponse(
        rendered.file.open("rb"),
        as_attachment=True,
        filename=rendered.download_name,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
