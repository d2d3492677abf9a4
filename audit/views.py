"""The security audit log for administrators: search, pages, CSV and XLSX export."""

from __future__ import annotations

import csv
import io
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import AuditFilterForm
from .models import AuditEvent

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _admin_only(request) -> None:
    if not request.user.is_admin_role:
        raise PermissionDenied


def _filtered(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    if form.is_bound:
        events = form.filter(events)
    return form, events


@login_required
def event_list(request):
    _admin_only(request)
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query_string": query.urlencode(), "export_query": query.urlencode()},
    )


def _rows(events):
    yield [_("When"), _("Event"), _("Username"), _("Actor"), _("IP address"), _("Browser"), _("Object"), _("Detail")]
    for event in events.iterator(chunk_size=1000):
        yield [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.get_kind_display(),
            event.username,
            str(event.actor) if event.actor else "",
            event.ip or "",
            event.user_agent,
            event.object_repr,
            json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else "",
        ]


def _filename(extension: str) -> str:
    return f"nhat-ky-bao-mat-{timezone.localdate():%Y%m%d}.{extension}"


@login_required
def export_csv(request):
    _admin_only(request)
    events = _filtered(request)[1]
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with a BOM
    writer = csv.writer(out)
    for row in _rows(events):
        writer.writerow(row)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@login_required
def export_xlsx(request):
    _admin_only(request)
    from openpyxl import Workbook

    events = _filtered(request)[1]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Security log"))
    for row in _rows(events):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
