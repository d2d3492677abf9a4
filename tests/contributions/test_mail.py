"""Requests and reminders reach the units through the outbox, once each."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from conferences.models import AgendaKind, PlanState
from contributions import services
from contributions.models import ContributionFile, ContributionRequest
from invitations.models import OutgoingMail
from tests.factories import AgendaItemFactory, OrganisationFactory, PlanFactory, TaskFactory, TaskGroupFactory
from workflow.models import Transition

from .conftest import unit_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    """A plan asking two departments on the agenda and a district in a task (deadline 10/6/2030)."""
    plan = PlanFactory(subject="Tổ chức Hội nghị phân tích Chỉ số PAPI năm 2029", year=2030)
    finance = OrganisationFactory(kind="department", name="Sở Tài chính tỉnh Thử Nghiệm", email="stc@example.org")
    justice = OrganisationFactory(kind="department", name="Sở Tư pháp tỉnh Thử Nghiệm", email="")
    district = OrganisationFactory(kind="people_committee", tier="district", name="Ủy ban nhân dân huyện Mẫu", email="")
    item = AgendaItemFactory(
        plan=plan,
        order=1,
        kind=AgendaKind.CONTRIBUTION,
        content="Tham luận về tài chính công, tư pháp",
        performers="Sở Tư pháp\nSở Tài chính",
    )
    item.performer_organisations.set([finance, justice])
    group = TaskGroupFactory(plan=plan, heading="Các đơn vị")
    task = TaskFactory(
        group=group,
        kind="contribution",
        text="Ủy ban nhân dân huyện Mẫu chuẩn bị tham luận.",
        deadline=datetime.date(2030, 6, 10),
    )
    task.assignees.set([district])
    unit_office(district)  # the district's office user has an address, the district itself none
    return plan


def test_requests_in_agenda_order_then_tasks_with_the_task_deadline(plan):
    result = services.sync_requests(plan, notify=False)
    requests = ContributionRequest.objects.filter(plan=plan).select_related("organisation").order_by("position")
    assert [r.organisation.name for r in requests] == [
        "Sở Tư pháp tỉnh Thử Nghiệm",
        "Sở Tài chính tỉnh Thử Nghiệm",
        "Ủy ban nhân dân huyện Mẫu",
    ]
    assert [r.deadline for r in requests] == [None, None, datetime.date(2030, 6, 10)]
    assert len(result.created) == 3 and result.mailed == 0 and not OutgoingMail.objects.exists()


def test_a_request_leaving_the_plan_is_withdrawn_but_keeps_its_files(plan):
    services.sync_requests(plan, notify=False)
    request = ContributionRequest.objects.get(plan=plan, organisation__name="Sở Tư pháp tỉnh Thử Nghiệm")
    stored = ContributionFile(request=request, version=1, original_name="a.pdf", file_type="pdf", size=4, sha256="0" * 64)
    stored.file.save("v1.pdf", ContentFile(b"%PDF"), save=False)
    stored.save()
    item = plan.agenda_items.get()
    item.performer_organisations.remove(request.organisation)
    result = services.sync_requests(plan, notify=False)
    request.refresh_from_db()
    assert result.cancelled == 1 and request.cancelled_at is not None and request.status() == "cancelled"
    assert request.files.count() == 1
    item.performer_organisations.add(request.organisation)
    services.sync_requests(plan, notify=False)
    request.refresh_from_db()
    assert request.cancelled_at is None


def test_issuing_the_plan_creates_the_requests_and_mails_them_once(plan, django_capture_on_commit_callbacks, mailoutbox):
    type(plan).objects.filter(pk=plan.pk).update(state=PlanState.ISSUED, number=3, issue_date=datetime.date(2030, 5, 20))
    with django_capture_on_commit_callbacks(execute=True):
        Transition.objects.create(plan=plan, action="issue", from_state="signed", to_state="issued")
    requests = ContributionRequest.objects.filter(plan=plan)
    assert requests.count() == 3
    mails = OutgoingMail.objects.filter(idempotency_key__startswith="contribution-request:")
    # Sở Tư pháp has no address at all: not mailed (the board shows it as not started).
    district_address = _office_address("Ủy ban nhân dân huyện Mẫu")
    assert sorted(m.to[0] for m in mails) == sorted(["stc@example.org", district_address])
    assert set(requests.filter(notified_at__isnull=False).values_list("organisation__name", flat=True)) == {
        "Sở Tài chính tỉnh Thử Nghiệm",
        "Ủy ban nhân dân huyện Mẫu",
    }
    district_mail = next(m for m in mails if m.to == [district_address])
    assert "10/06/2030" in district_mail.body and "/tham-luan/" in district_mail.body
    assert len(mailoutbox) == 2

    plan.refresh_from_db()
    services.sync_requests(plan)  # issued: would mail new requests, but none is new
    assert OutgoingMail.objects.count() == 2


def _office_address(name):
    """The address ``unit_office()`` gives the unit's office user."""
    from directory.models import Organisation

    return Organisation.objects.get(name=name).code.replace(":", ".") + "@example.org"


def test_one_reminder_before_the_deadline_to_units_without_a_file(plan, freeze):
    services.sync_requests(plan, notify=False)
    district = ContributionRequest.objects.get(plan=plan, organisation__name="Ủy ban nhân dân huyện Mẫu")
    finance = ContributionRequest.objects.get(plan=plan, organisation__name="Sở Tài chính tỉnh Thử Nghiệm")
    ContributionRequest.objects.filter(pk=finance.pk).update(deadline=datetime.date(2030, 6, 9))

    freeze(timezone.make_aware(datetime.datetime(2030, 6, 1, 7, 0)))
    assert services.send_due_reminders() == 0  # more than three days before

    freeze(timezone.make_aware(datetime.datetime(2030, 6, 7, 7, 0)))
    stored = ContributionFile(request=finance, version=1, original_name="a.pdf", file_type="pdf", size=4, sha256="0" * 64)
    stored.file.save("v1.pdf", ContentFile(b"%PDF"), save=False)
    stored.save()
    assert services.send_due_reminders() == 1  # the district only: the department has sent its file
    reminder = OutgoingMail.objects.get(idempotency_key__startswith="contribution-reminder:")
    assert reminder.idempotency_key == f"contribution-reminder:{district.pk}:2030-06-10"
    assert "10/06/2030" in reminder.subject

    freeze(timezone.make_aware(datetime.datetime(2030, 6, 8, 7, 0)))
    services.send_due_reminders()
    assert OutgoingMail.objects.filter(idempotency_key__startswith="contribution-reminder:").count() == 1
