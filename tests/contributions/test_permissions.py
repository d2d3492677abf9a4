"""Every URL of the contributions app for every role: the page, a redirect
(success, or the login page for anonymous visitors) or 403."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from conferences.models import PlanKind, PlanState
from contributions.models import Booklet, ContributionFile, ContributionRequest
from tests.factories import OrganisationFactory, PersonFactory, PlanFactory, UserFactory

from .conftest import make_pdf, unit_office

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "unit_own",
    "unit_other",
    "drafter_of_unit",
    "drafter_other",
    "reviewer",
    "clerk_of_body",
    "clerk_other",
    "admin",
    "superuser",
]


@pytest.fixture
def world(settings):
    committee = OrganisationFactory(name="Ủy ban nhân dân tỉnh Thử Nghiệm")
    office = OrganisationFactory(kind="office", name="Văn phòng UBND tỉnh Thử Nghiệm", parent=committee)
    home_affairs = OrganisationFactory(kind="department", name="Sở Nội vụ tỉnh Thử Nghiệm", parent=committee)
    finance = OrganisationFactory(kind="department", name="Sở Tài chính tỉnh Thử Nghiệm", parent=committee)
    justice = OrganisationFactory(kind="department", name="Sở Tư pháp tỉnh Thử Nghiệm", parent=committee)
    signer = PersonFactory(organisation=committee)
    plan = PlanFactory(issuing_body=committee, drafting_unit=home_affairs, state=PlanState.ISSUED, signer=signer)
    notice = PlanFactory(
        issuing_body=committee, drafting_unit=home_affairs, kind=PlanKind.CONCLUSION, type_code="TB", concludes=plan
    )
    request = ContributionRequest.objects.create(
        plan=plan, organisation=finance, topic="Tài chính công", deadline=datetime.date.today() + datetime.timedelta(days=9)
    )
    stored = ContributionFile(request=request, version=1, original_name="a.pdf", file_type="pdf", size=10, sha256="0" * 64)
    stored.file.save("v1.pdf", ContentFile(make_pdf("Tham luận")), save=False)
    stored.save()
    booklet = Booklet.objects.create(plan=plan, state="done", version=1, page_count=1)
    booklet.file.save("tai-lieu.pdf", ContentFile(make_pdf("Tài liệu")))
    users = {
        "anonymous": None,
        "unit_own": unit_office(finance),
        "unit_other": unit_office(justice),
        "drafter_of_unit": UserFactory(role="drafter", organisation=home_affairs),
        "drafter_other": UserFactory(role="drafter", organisation=finance),
        "reviewer": UserFactory(role="reviewer", organisation=committee),
        "clerk_of_body": UserFactory(role="clerk", organisation=office),
        "clerk_other": UserFactory(role="clerk", organisation=OrganisationFactory()),
        "admin": UserFactory(role="admin"),
        "superuser": UserFactory(role="admin", is_superuser=True, is_staff=True),
    }
    return {"plan": plan, "notice": notice, "request": request, "file": stored, "users": users}


ORGANISERS = {"drafter_of_unit", "clerk_of_body", "superuser"}
OK, DENIED, LOGIN = 200, 403, "login"

# name → (method, url builder, {role: expected}); roles not listed: 403.
CASES = {
    "request_list": (
        "get",
        lambda w: reverse("contributions:request_list"),
        {
            "unit_own": OK,
            "unit_other": OK,
            "drafter_of_unit": OK,
            "drafter_other": OK,
            "clerk_of_body": OK,
            "clerk_other": OK,
            "superuser": OK,
        },
    ),
    "board": ("get", lambda w: reverse("contributions:board", args=[w["plan"].pk]), dict.fromkeys(ORGANISERS, OK)),
    "request_detail": (
        "get",
        lambda w: reverse("contributions:request_detail", args=[w["request"].pk]),
        {
            "unit_own": OK,
            **dict.fromkeys(ORGANISERS, OK),
        },
    ),
    "file_download": (
        "get",
        lambda w: reverse("contributions:file_download", args=[w["file"].pk]),
        {
            "unit_own": OK,
            **dict.fromkeys(ORGANISERS, OK),
        },
    ),
    "booklet_status": (
        "get",
        lambda w: reverse("contributions:booklet_status", args=[w["plan"].pk]),
        {
            "unit_own": OK,
            "drafter_other": OK,
            "reviewer": OK,
            "clerk_other": OK,
            **dict.fromkeys(ORGANISERS, OK),
        },
    ),
    "booklet_download": (
        "get",
        lambda w: reverse("contributions:booklet_download", args=[w["plan"].pk]),
        {
            "unit_own": OK,
            "drafter_other": OK,
            "reviewer": OK,
            "clerk_other": OK,
            **dict.fromkeys(ORGANISERS, OK),
        },
    ),
    "sync": ("post", lambda w: reverse("contributions:sync", args=[w["plan"].pk]), dict.fromkeys(ORGANISERS, 302)),
    "allow_late": ("post", lambda w: reverse("contributions:allow_late", args=[w["request"].pk]), dict.fromkeys(ORGANISERS, 302)),
    "booklet_build": (
        "post",
        lambda w: reverse("contributions:booklet_build", args=[w["plan"].pk]),
        dict.fromkeys(ORGANISERS, 302),
    ),
    "conclusion_new": ("post", lambda w: reverse("contributions:conclusion_new", args=[w["plan"].pk]), {"drafter_of_unit": 302}),
    "conclusion_send": ("post", lambda w: reverse("contributions:conclusion_send", args=[w["notice"].pk]), {}),  # a draft: nobody
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
def test_url_by_role(client, world, name, role, django_capture_on_commit_callbacks):
    method, url_of, allowed = CASES[name]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url = url_of(world)
    with django_capture_on_commit_callbacks(execute=False):
        response = getattr(client, method)(url, {"until": datetime.date.today().isoformat()} if name == "allow_late" else {})
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"], (name, role)
        return
    expected = allowed.get(role, DENIED)
    assert response.status_code == expected, (name, role, response.status_code)


def test_unit_office_does_not_see_other_units_requests_on_its_list(client, world):
    own, other = world["users"]["unit_own"], world["users"]["unit_other"]
    client.force_login(other)
    assert "Tài chính công" not in client.get(reverse("contributions:request_list")).content.decode()
    client.force_login(own)
    assert "Tài chính công" in client.get(reverse("contributions:request_list")).content.decode()


def test_issued_notice_is_sent_by_an_organiser_only(client, world, django_capture_on_commit_callbacks):
    from conferences.models import Plan

    notice = world["notice"]
    Plan.objects.filter(pk=notice.pk).update(state=PlanState.ISSUED, number=1, issue_date=datetime.date.today())
    url = reverse("contributions:conclusion_send", args=[notice.pk])
    for role in ROLES[1:]:
        if role in ORGANISERS:
            continue
        client.force_login(world["users"][role])
        assert client.post(url).status_code == 403, role
    client.force_login(world["users"]["clerk_of_body"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert notice.sending.recipients == ["Sở Tài chính tỉnh Thử Nghiệm"]
