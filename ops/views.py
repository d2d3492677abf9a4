"""Health pages for the load balancer, the task failures page for the
administrators, and the bare page of the reply load benchmark."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import health
from .models import TaskFailure

PAGE_SIZE = 50


@never_cache
def healthz(request):
    """200 with every check when healthy, 503 otherwise (JSON)."""
    ok, checks = health.run_checks()
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)


@never_cache
def live(request):
    """The process answers (no dependency checked): for a liveness probe."""
    return JsonResponse({"status": "ok"})


def bare(request):
    """The reference page of ``benchmarks/replies_load.py``: the whole
    middleware stack and one trivial query, nothing else. Only with the
    setting ``BENCHMARK_BARE_VIEW`` (a 404 otherwise)."""
    if not getattr(settings, "BENCHMARK_BARE_VIEW", False):
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return HttpResponse(f"ok {value}", content_type="text/plain")


def _require_admin(user) -> None:
    if not (user.is_active and getattr(user, "is_admin_role", False)):
        raise PermissionDenied


@login_required
def failure_list(request):
    _require_admin(request.user)
    query = request.GET.get("q", "").strip()
    show = request.GET.get("show", "open")
    failures = TaskFailure.objects.select_related("resolved_by")
    if show != "all":
        show = "open"
        failures = failures.filter(resolved_at__isnull=True)
    if query:
        failures = failures.filter(
            Q(task_name__icontains=query)
            | Q(exception__icontains=query)
            | Q(task_id__iexact=query)
            | Q(request_id__iexact=query)
            | Q(args_summary__icontains=query)
        )
    page = Paginator(failures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ops/failure_list.html",
        {
            "page": page,
            "query": query,
            "show": show,
            "query_string": urlencode({key: value for key, value in (("q", query), ("show", show)) if value}),
            "open_count": TaskFailure.objects.filter(resolved_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def failure_resolve(request, pk: int):
    _require_admin(request.user)
    failure = get_object_or_404(TaskFailure, pk=pk)
    if failure.resolved_at is None:
        failure.resolved_at = timezone.now()
        failure.resolved_by = request.user
        failure.save(update_fields=["resolved_at", "resolved_by"])
        messages.success(request, _("Marked as resolved: %(task)s.") % {"task": failure.task_name})
    kept = {key: request.POST[key] for key in ("q", "show", "page") if request.POST.get(key)}
    return redirect(reverse("ops:failure_list") + (f"?{urlencode(kept)}" if kept else ""))
