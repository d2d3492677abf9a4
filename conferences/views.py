from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from workflow.selectors import waiting_for

from . import permissions, selectors
from .forms import PlanFilterForm
from .models import Plan, PlanActivity, PlanState

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
    return render_plan_detail(request, pk)


def render_plan_detail(request, pk: int, *, extra: dict | None = None, status: int = 200):
    """The plan page; the workflow views render it again with their invalid forms in ``extra``."""
    try:
        document = selectors.plan_document(plan_id=pk, user=request.user)
    except Plan.DoesNotExist:
        raise Http404 from None
    context = {"doc": document, "plan": document.plan, "can_edit": permissions.can_edit_plan(request.user, document.plan)}
    return render(request, "conferences/plan_detail.html", {**context, **(extra or {})}, status=status)


@login_required
def dashboard(request):
    """After login: my unit's drafts, plans waiting for me, recent activity."""
    user = request.user
    visible = selectors.plans_visible_to(user)
    drafts = []
    if permissions.can_create_plan(user):
        drafts = list(
            visible.filter(drafting_unit=user.organisation, state=PlanState.DRAFT)
            .select_related("issuing_body")
            .order_by("-updated_at")[:10]
        )
    waiting = list(waiting_for(user, visible).select_related("issuing_body").order_by("-updated_at")[:10])
    activity = list(PlanActivity.objects.filter(plan__in=visible).select_related("plan", "user").order_by("-at", "-id")[:15])
    return render(
        request,
        "conferences/dashboard.html",
        {
            "drafts": drafts,
            "waiting": waiting,
            "activity": activity,
            "can_create": permissions.can_create_plan(user),
        },
    )
