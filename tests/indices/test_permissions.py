"""Every index URL × every role, checked on the server."""

import datetime

import pytest
from django.urls import reverse

from conferences.models import PlanKind
from indices import urls as index_urls
from indices.models import Component, ComponentLevel, ComponentScore, Edition, Index, ProgressReport, Result
from tests.factories import (
    AdministrativeUnitFactory,
    OrganisationFactory,
    PlanFactory,
    SectionFactory,
    TaskFactory,
    TaskGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unit_office", "unit_office_assigned", "reviewer", "drafter", "clerk", "admin", "superuser"]
READERS = {"reviewer", "drafter", "clerk", "admin", "superuser"}
EVERY_STAFF_AND_OFFICE = READERS | {"unit_office", "unit_office_assigned"}

# url name → (who is allowed, status of an allowed GET)
URLS = {
    "home": (READERS, 200),
    "edition_create": ({"admin", "superuser"}, 200),
    "edition_table": (READERS, 200),
    "edition_structure": (READERS, 200),
    "import_upload": ({"drafter", "admin", "superuser"}, 200),
    "import_preview": ({"drafter", "admin", "superuser"}, 302),  # no import in the session: back to the upload page
    "import_template": ({"drafter", "admin", "superuser"}, 200),
    "unit_profile": (READERS, 200),
    "improvement_new": ({"drafter"}, 200),
    "compare": (READERS, 200),
    "responsibilities": (READERS, 200),
    "insert_sentences": ({"drafter"}, 405),  # POST only
    "progress_dashboard": (EVERY_STAFF_AND_OFFICE, 200),
    "progress_report": ({"unit_office_assigned"}, 200),
    "progress_attachment": (READERS | {"unit_office_assigned"}, 404),  # the report has no attachment
    "progress_export": (READERS, 200),
}


def test_the_matrix_covers_every_index_url():
    assert {pattern.name for pattern in index_urls.urlpatterns} == set(URLS)


@pytest.fixture
def world():
    province = AdministrativeUnitFactory()
    index = Index.objects.create(code="par-index", name="PAR Index", score_unit="percent")
    edition = Edition.objects.create(index=index, year=2021)
    component = Component.objects.create(
        edition=edition, order=1, code="1", name="Lĩnh vực", level=ComponentLevel.DIMENSION, max_score=10
    )
    result = Result.objects.create(edition=edition, admin_unit=province, total=80, rank=1, out_of=63)
    ComponentScore.objects.create(result=result, component=component, score=7)
    department = OrganisationFactory(admin_unit=province, kind="department")
    drafting = OrganisationFactory(admin_unit=province, kind="department")
    plan = PlanFactory(kind=PlanKind.IMPROVEMENT, drafting_unit=drafting)
    SectionFactory(plan=plan)
    task = TaskFactory(group=TaskGroupFactory(plan=plan), deadline=datetime.date(2022, 12, 31))
    task.assignees.set([department])
    report = ProgressReport.objects.create(
        task=task, organisation=department, period=datetime.date(2022, 1, 1), text="x", percent=10
    )
    return {
        "province": province,
        "edition": edition,
        "plan": plan,
        "task": task,
        "report": report,
        "department": department,
        "drafting": drafting,
    }


def user_for(role, world):
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(role="unit_office", is_superuser=True)
    if role == "unit_office_assigned":
        return UserFactory(role="unit_office", organisation=world["department"])
    if role == "unit_office":
        return UserFactory(role="unit_office", organisation=OrganisationFactory())
    return UserFactory(role=role, organisation=world["drafting"])


def url_of(name, world):
    edition, province = world["edition"], world["province"]
    args = {
        "edition_table": [edition.pk],
        "edition_structure": [edition.pk],
        "import_upload": [edition.pk],
        "import_preview": [edition.pk, "no-such-token"],
        "import_template": [edition.pk, "csv"],
        "unit_profile": [province.pk, "par-index"],
        "improvement_new": [province.pk, "par-index"],
        "responsibilities": [province.pk],
        "insert_sentences": [world["plan"].pk],
        "progress_report": [world["task"].pk],
        "progress_attachment": [world["report"].pk],
        "progress_export": ["xlsx"],
    }.get(name, [])
    return reverse(f"indices:{name}", args=args)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(URLS))
def test_get(client, role, name, world):
    user = user_for(role, world)
    if user:
        client.force_login(user)
    response = client.get(url_of(name, world))
    allowed, status = URLS[name]
    if role == "anonymous":
        if name == "insert_sentences":
            assert response.status_code == 405
        else:
            assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    elif role in allowed:
        assert response.status_code == status
    elif name == "insert_sentences":
        assert response.status_code == 405  # refused before any permission check: GET is not allowed at all
    else:
        assert response.status_code == 403


WRITES = [
    "edition_create",
    "edition_structure",
    "import_upload",
    "improvement_new",
    "responsibilities",
    "insert_sentences",
    "progress_report",
]
WRITERS = {
    "edition_create": {"admin", "superuser"},
    "edition_structure": {"admin", "superuser"},
    "import_upload": {"drafter", "admin", "superuser"},
    "improvement_new": {"drafter"},
    "responsibilities": {"drafter", "admin", "superuser"},
    "insert_sentences": {"drafter"},
    "progress_report": {"unit_office_assigned"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", WRITES)
def test_refused_writes_change_nothing(client, role, name, world):
    if role in WRITERS[name]:
        return
    user = user_for(role, world)
    if user:
        client.force_login(user)
    counts = (Edition.objects.count(), Component.objects.count(), ProgressReport.objects.count(), world["plan"].version)
    response = client.post(url_of(name, world), {"index": world["edition"].index_id, "year": 2030, "text": "x", "percent": 50})
    assert response.status_code in ((302,) if role == "anonymous" and name != "insert_sentences" else (403,))
    world["plan"].refresh_from_db()
    assert (Edition.objects.count(), Component.objects.count(), ProgressReport.objects.count(), world["plan"].version) == counts
