"""The organisers of a plan's invitations are the clerks of its issuing body
(or of an office under it), administrators and superusers; a clerk of
another province sees neither the plan in the list nor its pages."""

from __future__ import annotations

import pytest

from tests.conftest import page_text
from tests.factories import OrganisationFactory, UserFactory

from .conftest import build_conference

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return build_conference(hall_units=1, districts=0)


def test_clerks_of_the_issuing_body_and_its_office_organise(client, setup):
    office = OrganisationFactory(kind="office", name="Văn phòng UBND tỉnh Thử Nghiệm", parent=setup.issuer)
    for organisation in (setup.issuer, office):
        client.force_login(UserFactory(role="clerk", organisation=organisation))
        assert setup.plan.subject in page_text(client.get("/giay-moi/").content)
        assert client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/").status_code == 200
    client.force_login(UserFactory(role="admin"))
    assert client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/nguoi-nhan/").status_code == 200


def test_a_clerk_of_another_province_sees_nothing_of_the_plan(client, setup):
    other_office = OrganisationFactory(kind="office", name="Văn phòng UBND tỉnh Khác", parent=OrganisationFactory())
    client.force_login(UserFactory(role="clerk", organisation=other_office))
    index = client.get("/giay-moi/")
    assert index.status_code == 200 and setup.plan.subject not in page_text(index.content)
    for path in ("", "nguoi-nhan/", "thu/", "diem-danh/", "dai-bieu.xlsx"):
        assert client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/{path}").status_code == 403, path
    assert client.post(f"/giay-moi/ke-hoach/{setup.plan.pk}/gui/").status_code == 403
    client.force_login(UserFactory(role="clerk"))  # a clerk of no organisation organises nothing
    assert client.get(f"/giay-moi/ke-hoach/{setup.plan.pk}/").status_code == 403
