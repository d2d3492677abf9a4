"""List pages cost the same number of queries for 3 and 30 rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import Plan, PlanKind, PlanState
from contributions.models import ContributionFile, ContributionRequest
from tests.factories import OrganisationFactory, PlanFactory, TaskFactory, TaskGroupFactory, UserFactory

from .conftest import unit_office

pytestmark = pytest.mark.django_db


def _requests(plan, organisations, *, with_files: bool):
    for number, organisation in enumerate(organisations):
        request = ContributionRequest.objects.create(
            plan=plan, organisation=organisation, topic=f"Nội dung {number}", position=number, deadline=datetime.date(2030, 1, 1)
        )
        if with_files:
            for version in (1, 2):
                stored = ContributionFile(
                    request=request, version=version, original_name="a.pdf", file_type="pdf", size=4, sha256="0" * 64
                )
                stored.file.save(f"v{version}.pdf", ContentFile(b"%PDF"), save=False)
                stored.uploaded_by = UserFactory(role="unit_office", organisation=organisation)
                stored.save()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_board_queries_do_not_grow_with_rows(client):
    counts = []
    for size in (3, 30):
        drafting = OrganisationFactory(kind="department")
        plan = PlanFactory(drafting_unit=drafting)
        _requests(plan, [OrganisationFactory(kind="department") for _ in range(size)], with_files=True)
        client.force_login(UserFactory(role="drafter", organisation=drafting))
        counts.append(_count(client, reverse("contributions:board", args=[plan.pk])))
    assert counts[0] == counts[1]


def test_unit_pages_queries_do_not_grow_with_rows(client):
    list_counts, dashboard_counts = [], []
    for size in (3, 30):
        unit = OrganisationFactory(kind="department")
        for _ in range(size):
            _requests(PlanFactory(), [unit], with_files=True)
            notice = PlanFactory(kind=PlanKind.CONCLUSION, type_code="TB")
            task = TaskFactory(group=TaskGroupFactory(plan=notice), deadline=datetime.date(2030, 6, 30))
            task.assignees.set([unit])
            Plan.objects.filter(pk=notice.pk).update(state=PlanState.ISSUED, number=1, issue_date=datetime.date(2030, 1, 1))
        client.force_login(unit_office(unit))
        list_counts.append(_count(client, reverse("contributions:request_list")))
        dashboard_counts.append(_count(client, reverse("dashboard")))
    assert list_counts[0] == list_counts[1]
    assert dashboard_counts[0] == dashboard_counts[1]


def test_organiser_plan_list_queries_do_not_grow(client):
    counts = []
    for size in (3, 30):
        drafting = OrganisationFactory(kind="department")
        for _ in range(size):
            _requests(PlanFactory(drafting_unit=drafting), [OrganisationFactory(kind="department")], with_files=False)
        client.force_login(UserFactory(role="drafter", organisation=drafting))
        counts.append(_count(client, reverse("contributions:request_list")))
    assert counts[0] == counts[1]
