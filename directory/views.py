"""Directory pages: organisations, people, administrative units, imports,
and the JSON searches the plan editor's pickers use."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import import_session, importing, selectors, services
from .forms import ImportForm, OrganisationFilterForm, OrganisationForm, PersonFilterForm, PersonForm, UnitFilterForm, unit_label
from .models import Organisation, OrganisationKind, Person, Tier
from .permissions import directory_edit_required, directory_view_required

PAGE_SIZE = 25
UNIT_PAGE_SIZE = 50
REFERENCES_SHOWN = 20


def paginated(request, rows, size: int = PAGE_SIZE) -> dict:
    """The page asked for, and the query string without the page number
    (for the pagination links)."""
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return {"page": Paginator(rows, size).get_page(request.GET.get("page")), "query_string": query_string.urlencode()}


def filtered(filters: dict) -> bool:
    return any(value not in ("", None) for value in filters.values())


# Organisations -------------------------------------------------------------------


@directory_view_required
@require_GET
def index(request):
    return redirect("directory:organisation_list")


@directory_view_required
@require_GET
def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    filters = form.filters()
    context = {"form": form, "filtered": filtered(filters), **paginated(request, selectors.organisation_list(**filters))}
    return render(request, "directory/organisation_list.html", context)


@directory_view_required
@require_GET
def organisation_detail(request, pk: int):
    try:
        organisation = selectors.organisation_detail(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    context = {
        "organisation": organisation,
        "children": selectors.organisation_children(organisation=organisation),
        "people": selectors.organisation_people(organisation=organisation),
    }
    return render(request, "directory/organisation_detail.html", context)


@directory_edit_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    return _edit(request, OrganisationForm, Organisation(), reverse("directory:organisation_list"))


@directory_edit_required
@require_http_methods(["GET", "POST"])
def organisation_update(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    return _edit(request, OrganisationForm, organisation, reverse("directory:organisation_detail", args=[pk]))


@directory_edit_required
@require_http_methods(["GET", "POST"])
def organisation_delete(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    return _delete(
        request,
        organisation,
        delete=lambda: services.organisation_delete(organisation=organisation),
        cancel_url=reverse("directory:organisation_detail", args=[pk]),
        done_url=reverse("directory:organisation_list"),
    )


@directory_view_required
@require_GET
def organisation_search(request):
    """Pickers: ``?q=<text>&tier=<tier>`` → at most 20 active organisations
    in Vietnamese order: ``{"results": [{"id", "code", "name", "tier", "email"}]}``."""
    tier = request.GET.get("tier", "")
    if tier and tier not in Tier.values:
        return JsonResponse({"error": f"unknown tier {tier!r}", "results": []}, status=400)
    organisations = selectors.organisation_search(query=request.GET.get("q", ""), tier=tier)
    results = [{"id": o.pk, "code": o.code, "name": o.name, "tier": o.tier, "email": o.email} for o in organisations]
    return JsonResponse({"results": results})


# People ----------------------------------------------------------------------------


@directory_view_required
@require_GET
def person_list(request):
    form = PersonFilterForm(request.GET or None)
    filters = form.filters()
    context = {"form": form, "filtered": filtered(filters), **paginated(request, selectors.person_list(**filters))}
    return render(request, "directory/person_list.html", context)


@directory_edit_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    person = Person()
    organisation_id = request.GET.get("organisation", "")
    if organisation_id.isdigit():
        person.organisation = Organisation.objects.filter(pk=organisation_id).first()
    return _edit(request, PersonForm, person, reverse("directory:person_list"))


@directory_edit_required
@require_http_methods(["GET", "POST"])
def person_update(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    return _edit(request, PersonForm, person, reverse("directory:person_list"))


@directory_edit_required
@require_http_methods(["GET", "POST"])
def person_delete(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    return _delete(
        request,
        person,
        delete=lambda: services.person_delete(person=person),
        cancel_url=reverse("directory:person_list"),
        done_url=reverse("directory:person_list"),
    )


@directory_view_required
@require_GET
def person_search(request):
    """Pickers: ``?q=<text>`` (optional ``organisation=<id>``) → at most 20
    active people sorted by given name:
    ``{"results": [{"id", "name", "title", "organisation"}]}``."""
    organisation = request.GET.get("organisation", "")
    people = selectors.person_search(
        query=request.GET.get("q", ""), organisation_id=int(organisation) if organisation.isdigit() else None
    )
    results = [{"id": p.pk, "name": p.full_name, "title": p.title, "organisation": p.organisation.name} for p in people]
    return JsonResponse({"results": results})


# Administrative units ------------------------------------------------------------------


@directory_view_required
@require_GET
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    filters = form.filters()
    context = {"form": form, "filtered": filtered(filters), **paginated(request, selectors.unit_list(**filters), UNIT_PAGE_SIZE)}
    return render(request, "directory/unit_list.html", context)


@directory_view_required
@require_GET
def unit_search(request):
    """Picker of the organisation form: ``?q=`` → ``{"results": [{"id", "code", "label", "period"}]}``."""
    units = selectors.unit_search(query=request.GET.get("q", ""))
    results = [{"id": u.pk, "code": u.code, "label": unit_label(u), "period": u.period} for u in units]
    return JsonResponse({"results": results})


# Imports ---------------------------------------------------------------------------

IMPORTS = {
    "to-chuc": {
        "title": lambda: _("Import organisations"),
        "columns": importing.ORGANISATION_COLUMNS,
        "model": Organisation,
        "check": importing.check_organisations,
        "context": selectors.organisation_import_context,
        "apply": services.organisations_import,
        "list": "directory:organisation_list",
        "choices": lambda: {"kind": OrganisationKind.choices, "tier": Tier.choices},
    },
    "ca-nhan": {
        "title": lambda: _("Import people"),
        "columns": importing.PERSON_COLUMNS,
        "model": Person,
        "check": importing.check_people,
        "context": selectors.person_import_context,
        "apply": services.people_import,
        "list": "directory:person_list",
        "choices": dict,
    },
}
SESSION_KEY = "directory_import"


def _import_kind(kind: str) -> dict:
    if kind not in IMPORTS:
        raise Http404
    return IMPORTS[kind]


@directory_edit_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    """Upload a file; if every row is right, keep the parsed rows in the
    session and show the preview, otherwise list every bad row."""
    spec = _import_kind(kind)
    form = ImportForm(request.POST or None, request.FILES or None, columns=spec["columns"])
    plan = None
    if request.method == "POST" and form.is_valid():
        table = form.cleaned_data["file"]
        plan = spec["check"](table, **spec["context"](table=table))
        if not plan.errors:
            token = import_session.stash(request, key=SESSION_KEY, kind=kind, filename=request.FILES["file"].name, table=table)
            return redirect("directory:import_preview", kind=kind, token=token)
    context = {
        "form": form,
        "kind": kind,
        "title": spec["title"](),
        "plan": plan,
        "guide": importing.column_guide(spec["columns"], spec["model"]),
        "choices": spec["choices"](),
    }
    return render(request, "directory/import_upload.html", context)


@directory_edit_required
@require_http_methods(["GET", "POST"])
def import_preview(request, kind: str, token: str):
    """What the file will create, update or leave unchanged; confirming
    imports it (checked again: the directory may have changed meanwhile)."""
    spec = _import_kind(kind)
    stored = import_session.fetch(request, key=SESSION_KEY, kind=kind, token=token)
    if stored is None:
        messages.warning(request, _("This import is no longer available: upload the file again."))
        return redirect("directory:import_upload", kind=kind)
    table = stored["table"]
    if request.method == "POST":
        try:
            plan = spec["apply"](table=table)
        except services.ImportRejected as rejected:
            plan = rejected.plan
        else:
            import_session.drop(request, key=SESSION_KEY)
            messages.success(
                request,
                _("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": plan.count(importing.CREATE),
                    "updated": plan.count(importing.UPDATE),
                    "unchanged": plan.count(importing.UNCHANGED),
                },
            )
            return redirect(spec["list"])
    else:
        plan = spec["check"](table, **spec["context"](table=table))
    context = {
        "kind": kind,
        "title": spec["title"](),
        "filename": stored["filename"],
        "plan": plan,
        "counts": importing.counts(plan),
        "upload_url": reverse("directory:import_upload", args=[kind]),
    }
    return render(request, "directory/import_preview.html", context)


@directory_edit_required
@require_GET
def import_template(request, kind: str, extension: str):
    """An empty file with the expected columns (CSV or XLSX with a guide sheet)."""
    spec = _import_kind(kind)
    if extension == "csv":
        content, content_type = importing.csv_template(spec["columns"]), "text/csv; charset=utf-8"
    else:
        content = importing.xlsx_template(spec["columns"], spec["model"], choices=spec["choices"]())
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.{extension}"'
    return response


# Shared ----------------------------------------------------------------------------


def _edit(request, form_class, instance, cancel_url: str):
    form = form_class(request.POST or None, instance=instance, cancel_url=cancel_url)
    if request.method == "POST" and form.is_valid():
        created = instance.pk is None
        obj = form.save()
        messages.success(request, (_("“%(name)s” added.") if created else _("“%(name)s” saved.")) % {"name": obj})
        if isinstance(obj, Organisation):
            return redirect("directory:organisation_detail", pk=obj.pk)
        return redirect(f"{reverse('directory:person_list')}?organisation={obj.organisation_id}")
    context = {"form": form, "object": instance, "model_name": instance._meta.verbose_name, "cancel_url": cancel_url}
    return render(request, "directory/form.html", context)


def _delete(request, obj, *, delete, cancel_url: str, done_url: str):
    blockers = selectors.deletion_blockers(obj)
    if request.method == "POST" and not blockers:
        try:
            delete()
        except ProtectedError as error:  # referenced since the page was shown
            blockers = list(error.protected_objects)
        else:
            messages.success(request, _("“%(name)s” deleted.") % {"name": obj})
            return redirect(done_url)
    context = {
        "object": obj,
        "model_name": obj._meta.verbose_name,
        "references": sorted(selectors.reference_label(ref) for ref in blockers[:REFERENCES_SHOWN]),
        "more_references": max(0, len(blockers) - REFERENCES_SHOWN),
        "cancel_url": cancel_url,
    }
    return render(request, "directory/confirm_delete.html", context, status=409 if request.method == "POST" else 200)
