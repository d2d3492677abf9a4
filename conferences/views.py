from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .forms import PlanFilterForm
from .models import Plan

PAGE_SIZE = 20


@login_required
def plan_list(request):
    form = PlanFilterForm(
        request.GET or None, provinces=selectors.plan_provinces(user=request.user), years=selectors.plan_years(user=request.user)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    plans = selectors.plan_list(
        user=request.user,
        province=filters.get("province"),
        year=filters.get("year"),
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        query=filters.get("q", ""),
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "conferences/plan_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query_string.urlencode(),
            "filtered": bool(filters and any(filters.values())),
        },
    )


@login_required
def plan_detail(request, pk: int):
    try:
        document = selectors.plan_document(plan_id=pk, user=request.user)
    except Plan.DoesNotExist:
        raise Http404 from None
    return render(request, "conferences/plan_detail.html", {"doc": document, "plan": document.plan})
