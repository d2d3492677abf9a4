"""Index pages: editions and their national tables, unit profiles,
comparisons, structures, imports, field responsibilities, improvement plans
and their progress."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.models import Plan, Section, Task
from conferences.permissions import can_create_plan, can_edit_plan
from directory import import_session
from directory import importing as directory_importing
from directory.forms import ImportForm
from directory.models import AdministrativeUnit, Organisation, OrganisationKind, UnitLevel
from directory.services import ImportRejected

from . import exports, selectors, services
from .forms import (
    ComparisonForm,
    ComponentFormSet,
    EditionCreateForm,
    ImprovementForm,
    InsertSentencesForm,
    ProgressReportForm,
    ResponsibilityForm,
)
from .importing import columns_for
from .models import Edition, Index, ProgressReport, Result
from .permissions import (
    can_edit_responsibilities,
    can_edit_structures,
    can_import,
    can_read,
    can_report,
    can_see_progress,
    requires,
)
from .sentences import describe

TABLE_PAGE_SIZE = 70  # a national table of 63 (or 34) provinces fits on one page
PAGE_SIZE = 25
SESSION_KEY = "indices_import"
SORTS = ("rank", "-rank", "total", "-total", "change", "-change", "name", "-name")


def _paginated(request, rows, size: int) -> dict:
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return {"page": Paginator(rows, size).get_page(request.GET.get("page")), "query_string": query_string.urlencode()}


def _edition(pk: int) -> Edition:
    try:
        return selectors.edition_get(pk)
    except Edition.DoesNotExist:
        raise Http404 from None


# Overview and national table -------------------------------------------------------------


@requires(can_read)
@require_GET
def home(request):
    unit, index = request.GET.get("unit", ""), request.GET.get("index", "")
    if unit.isdigit() and index:
        return redirect("indices:unit_profile", unit=int(unit), index=index)
    context = {
        "indices": selectors.indices_overview(),
        "provinces": selectors.ranked_provinces(),
        "can_edit_structures": can_edit_structures(request.user),
    }
    return render(request, "indices/home.html", context)


@requires(can_read)
@require_GET
def edition_table(request, pk: int):
    edition = _edition(pk)
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in SORTS else "rank"
    rows = selectors.edition_table(edition, sort=sort)
    context = {
        "edition": edition,
        "previous": selectors.previous_edition(edition),
        "summary": selectors.edition_summary(edition),
        "sort": sort,
        "can_import": can_import(request.user),
        "chart_rows": sorted(rows, key=lambda row: row.result.rank or 10**6),
        **_paginated(request, rows, TABLE_PAGE_SIZE),
    }
    return render(request, "indices/edition_table.html", context)


# Structures ------------------------------------------------------------------------------------


@requires(can_read)
@require_http_methods(["GET", "POST"])
def edition_structure(request, pk: int):
    """The component tree; an administrator edits it (parents follow the codes)."""
    edition = _edition(pk)
    editable = can_edit_structures(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    queryset = edition.components.order_by("code")
    formset = ComponentFormSet(request.POST or None, queryset=queryset, prefix="components")
    if request.method == "POST":
        if formset.is_valid():
            with transaction.atomic():
                for component in formset.save(commit=False):
                    component.edition = edition
                    component.order = int(component.code.rpartition(".")[2])
                    component.level = component.level or "dimension"
                    component.save()
                for component in formset.deleted_objects:
                    if component.scores.exists():
                        messages.error(request, _("“%(name)s” has scores and was kept.") % {"name": component})
                    else:
                        component.delete()
                services.component_parent_codes(edition)
            messages.success(request, _("Structure saved."))
            return redirect("indices:edition_structure", pk=edition.pk)
        messages.error(request, _("The structure was not saved: correct the rows marked below."))
    components = selectors.components_of(edition)
    context = {"edition": edition, "components": components, "formset": formset if editable else None}
    return render(request, "indices/edition_structure.html", context)


@requires(can_edit_structures)
@require_http_methods(["GET", "POST"])
def edition_create(request):
    form = EditionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        edition, origin = services.edition_create(
            index=form.cleaned_data["index"], year=form.cleaned_data["year"], source=form.cleaned_data["source"]
        )
        if origin == "structure":
            messages.success(request, _("Edition created with the structure shipped for that year."))
        elif origin:
            messages.success(request, _("Edition created with a copy of the %(year)s structure: edit it.") % {"year": origin})
        else:
            messages.warning(request, _("Edition created without components: add them below."))
        return redirect("indices:edition_structure", pk=edition.pk)
    return render(request, "indices/edition_new.html", {"form": form})


# Importing results ------------------------------------------------------------------------------


@requires(can_import)
@require_http_methods(["GET", "POST"])
def import_upload(request, pk: int):
    edition = _edition(pk)
    columns = columns_for(selectors.component_infos(edition))
    form = ImportForm(request.POST or None, request.FILES or None, columns=columns)
    plan = None
    if request.method == "POST" and form.is_valid():
        from .importing import check_results

        table = form.cleaned_data["file"]
        plan = check_results(table, **selectors.result_import_context(edition=edition, table=table))
        if not plan.errors:
            token = import_session.stash(
                request, key=SESSION_KEY, kind=f"edition-{edition.pk}", filename=request.FILES["file"].name, table=table
            )
            return redirect("indices:import_preview", pk=edition.pk, token=token)
    context = {
        "edition": edition,
        "form": form,
        "plan": plan,
        "guide": directory_importing.column_guide(columns, Result),
    }
    return render(request, "indices/import_upload.html", context)


@requires(can_import)
@require_http_methods(["GET", "POST"])
def import_preview(request, pk: int, token: str):
    from .importing import check_results

    edition = _edition(pk)
    stored = import_session.fetch(request, key=SESSION_KEY, kind=f"edition-{edition.pk}", token=token)
    if stored is None:
        messages.warning(request, _("This import is no longer available: upload the file again."))
        return redirect("indices:import_upload", pk=edition.pk)
    table = stored["table"]
    if request.method == "POST":
        try:
            plan = services.results_import(edition=edition, table=table)
        except ImportRejected as rejected:
            plan = rejected.plan
        else:
            import_session.drop(request, key=SESSION_KEY)
            counts = directory_importing.counts(plan)
            messages.success(
                request,
                _("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": counts["create"], "updated": counts["update"], "unchanged": counts["unchanged"]},
            )
            return redirect("indices:edition_table", pk=edition.pk)
    else:
        plan = check_results(table, **selectors.result_import_context(edition=edition, table=table))
    context = {
        "edition": edition,
        "filename": stored["filename"],
        "plan": plan,
        "counts": directory_importing.counts(plan),
        "upload_url": reverse("indices:import_upload", args=[edition.pk]),
        "results_import": True,
    }
    return render(request, "indices/import_preview.html", context)


@requires(can_import)
@require_GET
def import_template(request, pk: int, extension: str):
    edition = _edition(pk)
    columns = columns_for(selectors.component_infos(edition))
    if extension == "csv":
        content, content_type = directory_importing.csv_template(columns), "text/csv; charset=utf-8"
    else:
        groups = {"group": [(label, label) for label in edition.group_labels]} if edition.group_labels else {}
        content = directory_importing.xlsx_template(columns, Result, choices=groups)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mau-{edition.index.code}-{edition.year}.{extension}"'
    return response


# Unit profile and comparison ----------------------------------------------------------------------


@requires(can_read)
@require_GET
def unit_profile(request, unit: int, index: str):
    unit = get_object_or_404(AdministrativeUnit.objects.prefetch_related("successors"), pk=unit, level=UnitLevel.PROVINCE)
    index = get_object_or_404(Index, code=index)
    year = request.GET.get("nam", "")
    result = selectors.unit_result(unit, index, int(year) if year.isdigit() else None)
    rows = selectors.component_rows(result) if result else []
    context = {
        "unit": unit,
        "index": index,
        "indices": Index.objects.order_by("code"),
        "histories": selectors.unit_histories(unit, index),
        "result": result,
        "sentence": describe(result) if result else "",
        "years": selectors.unit_years(unit, index),
        "rows": rows,
        "fields": selectors.top_level(rows),
        "weakest": selectors.weakest(rows),
        "fallen": selectors.fallen(rows),
        "can_improve": can_create_plan(request.user) and result is not None and any(r.score is not None for r in rows),
    }
    return render(request, "indices/unit_profile.html", context)


@requires(can_read)
@require_GET
def compare(request):
    index = Index.objects.filter(code=request.GET.get("index_code", "")).first()
    data = request.GET.copy() if "index" in request.GET else None
    selected_index = Index.objects.filter(pk=request.GET.get("index") or 0).first() or index
    years = sorted(
        set(Edition.objects.filter(index=selected_index).values_list("year", flat=True)) if selected_index else set(),
        reverse=True,
    ) or sorted(set(Edition.objects.values_list("year", flat=True)), reverse=True)
    units = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, index_results__isnull=False).distinct()
    form = ComparisonForm(data, years=years, units=units.order_by("-period", "collation_key"))
    result = None
    if data is not None and form.is_valid():
        edition = Edition.objects.filter(
            index=form.cleaned_data["index"], year=form.cleaned_data["year"], scope="national"
        ).first()
        if edition is None:
            form.add_error("year", _("This index has no edition for that year."))
        else:
            result = selectors.comparison(edition, [u.pk for u in form.cleaned_data["units"]])
            if len(result.results) < 2:
                form.add_error("units", _("Fewer than two of these units have a result that year."))
                result = None
    return render(request, "indices/compare.html", {"form": form, "comparison": result})


# Responsibilities ---------------------------------------------------------------------------------


@requires(can_read)
@require_http_methods(["GET", "POST"])
def responsibilities(request, province: int):
    province = get_object_or_404(AdministrativeUnit, pk=province, level=UnitLevel.PROVINCE)
    editable = can_edit_responsibilities(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    fields_by_index = [(index, selectors.latest_fields(index)) for index in Index.objects.order_by("code")]
    current = {key: row.organisation for key, row in selectors.responsibility_map(province).items()}
    organisations = Organisation.objects.filter(admin_unit=province, is_active=True).exclude(
        kind__in=[OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PEOPLE_COUNCIL]
    )
    form = ResponsibilityForm(
        request.POST or None,
        fields_by_index=fields_by_index,
        organisations=organisations.order_by("collation_key"),
        current=current,
    )
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        changed = sum(
            services.responsibilities_save(province=province, index=index, assignments=assignments)
            for index, assignments in form.assignments().items()
        )
        messages.success(request, _("Responsibilities saved (%(n)d changed).") % {"n": changed})
        return redirect("indices:responsibilities", province=province.pk)
    return render(request, "indices/responsibilities.html", {"province": province, "form": form, "editable": editable})


# Improvement plans ----------------------------------------------------------------------------------


@requires(can_create_plan)
@require_http_methods(["GET", "POST"])
def improvement_new(request, unit: int, index: str):
    unit = get_object_or_404(AdministrativeUnit, pk=unit, level=UnitLevel.PROVINCE)
    index = get_object_or_404(Index, code=index)
    year = request.GET.get("nam", "")
    result = selectors.unit_result(unit, index, int(year) if year.isdigit() else None)
    if result is None:
        raise Http404
    rows = selectors.component_rows(result)
    weak = selectors.weakest(rows, count=len(rows))
    choices = [
        (r.component.pk, f"{r.component.code}. {r.component.name} — {_('lost')} {r.lost:.2f}".replace(".", ",", 1)) for r in weak
    ]
    form = ImprovementForm(request.POST or None, choices=choices, initial={"components": [r.component.pk for r in weak[:5]]})
    if request.method == "POST" and form.is_valid():
        plan = services.improvement_plan_create(
            result=result,
            component_ids=form.cleaned_data["components"],
            user=request.user,
            deadline=form.cleaned_data["deadline"],
        )
        messages.success(request, _("The draft improvement plan was created: check each part."))
        return redirect("conferences:plan_edit_start", pk=plan.pk)
    context = {"unit": unit, "index": index, "result": result, "form": form, "rows": {r.component.pk: r for r in weak}}
    return render(request, "indices/improvement_new.html", context)


@require_POST
def insert_sentences(request, plan: int):
    """Plan editor: append the sentences stating the results to a section's body (optimistic locking)."""
    from conferences.editing import VersionConflict, append_to_section

    if not request.user.is_authenticated:
        raise PermissionDenied
    plan = get_object_or_404(Plan, pk=plan)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    from .templatetags.index_tags import insert_form

    form = insert_form(plan, request.POST)
    target = reverse("conferences:plan_edit", kwargs={"pk": plan.pk, "part": "noi-dung"})
    if not form.is_valid():
        messages.error(request, _("Choose the section, index, year and unit."))
        return redirect(target)
    data = form.cleaned_data
    code = None if data["index"] == InsertSentencesForm.ALL else data["index"]
    results = Result.objects.filter(admin_unit=data["unit"], edition__year=data["year"], edition__scope="national")
    if code:
        results = results.filter(edition__index__code=code)
    results = list(results.select_related("edition__index", "admin_unit").order_by("edition__index__code"))
    if not results:
        messages.error(request, _("No result of %(unit)s is loaded for that year.") % {"unit": data["unit"]})
        return redirect(target)
    section = get_object_or_404(Section, pk=data["section"], plan=plan)
    text = " ".join(describe(result) for result in results)
    try:
        append_to_section(plan=plan, section=section, text=text, user=request.user, version=data["version"])
    except VersionConflict:
        messages.error(request, _("Not inserted: someone else changed this plan after you opened it. Reload the page."))
    else:
        messages.success(request, _("The sentences were added at the end of “%(section)s”.") % {"section": section.heading})
    return redirect(target)


# Progress --------------------------------------------------------------------------------------------


def _months(today: datetime.date, count: int = 6) -> list[datetime.date]:
    months, month = [], today.replace(day=1)
    for _i in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months


@requires(can_see_progress)
@require_GET
def progress_dashboard(request):
    today = timezone.localdate()
    plan_id = request.GET.get("plan", "")
    status = request.GET.get("status", "")
    status = status if status in ("overdue", "unreported") else ""
    rows = selectors.task_progress(
        user=request.user, today=today, plan_id=int(plan_id) if plan_id.isdigit() else None, status=status
    )
    every = selectors.task_progress(user=request.user, today=today, plan_id=int(plan_id) if plan_id.isdigit() else None)
    context = {
        "plans": selectors.progress_plans(user=request.user),
        "plan_id": int(plan_id) if plan_id.isdigit() else None,
        "status": status,
        "month": today.replace(day=1),
        "overdue_count": sum(1 for row in every if row.overdue),
        "unreported_count": sum(1 for row in every if not row.reported_this_month and not row.done),
        "can_report": can_report(request.user),
        "can_export": can_read(request.user),
        **_paginated(request, rows, PAGE_SIZE),
    }
    return render(request, "indices/progress_dashboard.html", context)


def _reportable_task(request, pk: int) -> Task:
    task = get_object_or_404(
        Task.objects.select_related("group__plan").prefetch_related("assignees"), pk=pk, group__plan__kind="improvement"
    )
    if not can_report(request.user) or request.user.organisation_id not in {a.pk for a in task.assignees.all()}:
        raise PermissionDenied
    return task


@requires(can_report)
@require_http_methods(["GET", "POST"])
def progress_report(request, task: int):
    task = _reportable_task(request, task)
    today = timezone.localdate()
    months = _months(today)
    form = ProgressReportForm(
        request.POST or None, request.FILES or None, months=months, initial={"period": months[0].isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.progress_report_save(
            task=task,
            user=request.user,
            period=data["period"],
            text=data["text"],
            percent=data["percent"],
            attachment=data["attachment"],
        )
        messages.success(request, _("Report saved."))
        return redirect("indices:progress_dashboard")
    reports = ProgressReport.objects.filter(task=task, organisation=request.user.organisation).order_by("-period")
    return render(request, "indices/progress_report.html", {"task": task, "form": form, "reports": reports})


@requires(can_see_progress)
@require_GET
def progress_attachment(request, pk: int):
    report = get_object_or_404(ProgressReport, pk=pk)
    if not can_read(request.user) and report.organisation_id != request.user.organisation_id:
        raise PermissionDenied
    if not report.attachment:
        raise Http404
    return FileResponse(report.attachment.open("rb"), as_attachment=True, filename=report.attachment.name.rsplit("/", 1)[-1])


@requires(can_read)
@require_GET
def progress_export(request, extension: str):
    today = timezone.localdate()
    plan_id = request.GET.get("plan", "")
    plan = Plan.objects.filter(pk=plan_id, kind="improvement").first() if plan_id.isdigit() else None
    rows = selectors.task_progress(user=request.user, today=today, plan_id=plan.pk if plan else None)
    if extension == "xlsx":
        content = exports.progress_xlsx(rows, plan=plan, today=today)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = exports.progress_pdf(rows, plan=plan, today=today)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="tien-do-{today:%Y-%m-%d}.{extension}"'
    return response
