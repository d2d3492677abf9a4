"""Every directory URL × every role, checked on the server.

Drafters, clerks, administrators and superusers view and change the
directory; reviewers only view it; unit offices get 403 and anonymous
visitors the login page."""

import pytest
from django.urls import reverse

from directory import urls as directory_urls
from directory.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unit_office", "reviewer", "drafter", "clerk", "admin", "superuser"]
EDITORS = {"drafter", "clerk", "admin", "superuser"}
VIEWERS = EDITORS | {"reviewer"}

# url name → (arguments, needs the edit permission, status for an allowed GET)
URLS = {
    "index": ([], False, 302),
    "organisation_list": ([], False, 200),
    "organisation_detail": (["org"], False, 200),
    "organisation_search": ([], False, 200),
    "person_list": ([], False, 200),
    "person_search": ([], False, 200),
    "unit_list": ([], False, 200),
    "unit_search": ([], False, 200),
    "organisation_create": ([], True, 200),
    "organisation_update": (["org"], True, 200),
    "organisation_delete": (["org"], True, 200),
    "person_create": ([], True, 200),
    "person_update": (["person"], True, 200),
    "person_delete": (["person"], True, 200),
    "import_upload": (["to-chuc"], True, 200),
    "import_preview": (["to-chuc", "no-such-token"], True, 302),  # no import in the session: back to the upload page
    "import_template": (["to-chuc", "xlsx"], True, 200),
}


def test_the_matrix_covers_every_directory_url():
    assert {pattern.name for pattern in directory_urls.urlpatterns} == set(URLS)


def user_for(role):
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(role="unit_office", is_superuser=True)  # the flag wins over the role
    return UserFactory(role=role)


def url_of(name, person):
    args, _, _ = URLS[name]
    values = {"org": person.organisation_id, "person": person.pk}
    return reverse(f"directory:{name}", args=[values.get(a, a) for a in args])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(URLS))
def test_get(client, role, name):
    person = PersonFactory()
    url = url_of(name, person)
    user = user_for(role)
    if user:
        client.force_login(user)
    response = client.get(url)
    _, needs_edit, allowed_status = URLS[name]
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    elif role in (EDITORS if needs_edit else VIEWERS):
        assert response.status_code == allowed_status
    else:
        assert response.status_code == 403


WRITES = [
    "organisation_create",
    "organisation_update",
    "organisation_delete",
    "person_create",
    "person_update",
    "person_delete",
    "import_upload",
]


@pytest.mark.parametrize("role", ["anonymous", "unit_office", "reviewer"])
@pytest.mark.parametrize("name", WRITES)
def test_refused_writes_change_nothing(client, role, name):
    person = PersonFactory(full_name="Hồ Quang Bửu")
    user = user_for(role)
    if user:
        client.force_login(user)
    data = {
        "name": "Đổi tên",
        "full_name": "Đổi tên",
        "kind": "department",
        "tier": "province",
        "organisation": person.organisation_id,
    }
    response = client.post(url_of(name, person), data)
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Hồ Quang Bửu"]
    assert Organisation.objects.count() == 1 and Organisation.objects.get().name != "Đổi tên"


def test_an_editor_may_write(client):
    organisation = OrganisationFactory()
    client.force_login(UserFactory(role="clerk"))
    response = client.post(reverse("directory:organisation_delete", args=[organisation.pk]))
    assert response.status_code == 302 and not Organisation.objects.exists()
