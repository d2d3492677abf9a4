"""Who may open and post the editor, the new-plan page and the dashboard;
query counts of the editor do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.editing import PARTS
from conferences.models import PlanState
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    OrganisationFactory,
    ParticipantGroupFactory,
    PlanFactory,
    TaskFactory,
    TaskGroupFactory,
    UserFactory,
)


@pytest.fixture
def unit(db):
    return OrganisationFactory(code="test:so-noi-vu", name="Sở Nội vụ tỉnh Thử Nghiệm", kind="department")


@pytest.fixture
def draft(unit):
    plan = PlanFactory(drafting_unit=unit)
    ConferenceFactory(plan=plan)
    return plan


def users(unit):
    other_unit = OrganisationFactory(code="test:so-khac", name="Sở Nội vụ tỉnh Khác", kind="department")
    return {
        "drafter": UserFactory(role="drafter", organisation=unit),
        "drafter_other_unit": UserFactory(role="drafter", organisation=other_unit),
        "reviewer": UserFactory(role="reviewer", organisation=unit),
        "clerk": UserFactory(role="clerk", organisation=unit),
        "unit_office": UserFactory(role="unit_office", organisation=other_unit),
        "admin": UserFactory(role="admin", is_staff=True, is_superuser=True),
    }


# Expected status of GET on the editor of a draft, per role: only the drafter
# of the drafting unit edits; other staff read the plan page (403 here); a
# unit office does not even see drafts (404).
EDITOR_GET = {
    "drafter": 200,
    "drafter_other_unit": 403,
    "reviewer": 403,
    "clerk": 403,
    "unit_office": 404,
    "admin": 403,
}


@pytest.mark.parametrize("part", list(PARTS))
def test_editor_permissions_per_role(client, unit, draft, part):
    url = reverse("conferences:plan_edit", kwargs={"pk": draft.pk, "part": part})
    for role, user in users(unit).items():
        client.force_login(user)
        assert client.get(url).status_code == EDITOR_GET[role], role
        posted = client.post(url, {"version": draft.version}, headers={"X-Preview": "1"})
        assert posted.status_code == EDITOR_GET[role] if role != "drafter" else 200, role
        assert client.post(url, {"version": draft.version}).status_code in (
            (200,) if role == "drafter" else (EDITOR_GET[role],)
        ), role
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_plans_that_are_not_drafts_cannot_be_edited(client, unit, draft):
    drafter = UserFactory(role="drafter", organisation=unit)
    client.force_login(drafter)
    for state in (PlanState.SUBMITTED, PlanState.APPROVED, PlanState.SIGNED, PlanState.ISSUED):
        draft.state = state
        draft.save()
        url = reverse("conferences:plan_edit", kwargs={"pk": draft.pk, "part": "thong-tin-chung"})
        assert client.get(url).status_code == 403, state
        assert client.post(url, {"version": draft.version, "subject": "x"}).status_code == 403, state
        detail = client.get(reverse("conferences:plan_detail", args=[draft.pk]))
        assert detail.status_code == 200 and "Sửa dự thảo này" not in detail.content.decode()


def test_unknown_part_is_404(client, unit, draft):
    client.force_login(UserFactory(role="drafter", organisation=unit))
    assert client.get(reverse("conferences:plan_edit", kwargs={"pk": draft.pk, "part": "khong-co"})).status_code == 404


def test_new_plan_page_only_for_drafters_with_a_unit(client, unit):
    url = reverse("conferences:plan_new")
    for role, user in users(unit).items():
        client.force_login(user)
        expected = 200 if role.startswith("drafter") else 403
        assert client.get(url).status_code == expected, role
    client.force_login(UserFactory(role="drafter", organisation=None))
    assert client.get(url).status_code == 403


def test_dashboard_for_every_role(client, unit, draft):
    for role, user in users(unit).items():
        client.force_login(user)
        response = client.get(reverse("dashboard"))
        assert response.status_code == 200, role
        mine = draft.subject in response.content.decode()
        assert mine == (role == "drafter"), role


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "part, make_rows",
    [
        ("chuong-trinh", lambda plan, n, org: [AgendaItemFactory(plan=plan).performer_organisations.add(org) for _ in range(n)]),
        (
            "thanh-phan",
            lambda plan, n, org: [ParticipantGroupFactory(plan=plan).organisations.add(org) for _ in range(n)],
        ),
        (
            "nhiem-vu",
            lambda plan, n, org: [TaskFactory(group=TaskGroupFactory(plan=plan)).assignees.add(org) for _ in range(n)],
        ),
    ],
)
def test_editor_query_count_does_not_grow_with_rows(client, unit, part, make_rows):
    client.force_login(UserFactory(role="drafter", organisation=unit))
    counts = []
    for n in (3, 30):
        plan = PlanFactory(drafting_unit=unit)
        ConferenceFactory(plan=plan)
        make_rows(plan, n, OrganisationFactory())
        counts.append(_count_queries(client, reverse("conferences:plan_edit", kwargs={"pk": plan.pk, "part": part})))
    assert counts[0] == counts[1]
