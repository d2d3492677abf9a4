import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from conferences.forms import ConferenceForm
from conferences.models import AgendaItem
from tests.factories import AgendaItemFactory, ConferenceFactory, OrganisationFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_second_issued_plan_with_same_number_body_type_year_is_refused():
    body = OrganisationFactory()
    PlanFactory(issuing_body=body, number=5, issue_date=datetime.date(2024, 1, 5), year=2024, state="issued")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(issuing_body=body, number=5, issue_date=datetime.date(2024, 3, 1), year=2024, state="issued")


def test_same_number_allowed_for_another_year_type_or_body_and_for_drafts():
    body = OrganisationFactory()
    PlanFactory(issuing_body=body, number=5, issue_date=datetime.date(2024, 1, 5), year=2024)
    PlanFactory(issuing_body=body, number=5, issue_date=datetime.date(2025, 1, 5), year=2025)
    PlanFactory(issuing_body=body, number=5, issue_date=datetime.date(2024, 1, 5), year=2024, type_code="GM")
    PlanFactory(issuing_body=OrganisationFactory(), number=5, issue_date=datetime.date(2024, 1, 5), year=2024)
    PlanFactory(issuing_body=body, year=2024)
    PlanFactory(issuing_body=body, year=2024)


def test_number_without_issue_date_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(number=7, issue_date=None)


def test_agenda_order_unique_per_parent():
    plan = PlanFactory()
    first = AgendaItemFactory(plan=plan, order=1)
    AgendaItemFactory(plan=plan, order=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(plan=plan, order=1)
    # The same order under different parents, and in another plan, is fine.
    AgendaItemFactory(plan=plan, parent=first, order=1)
    second = AgendaItem.objects.get(plan=plan, parent=None, order=2)
    AgendaItemFactory(plan=plan, parent=second, order=1)
    AgendaItemFactory(plan=PlanFactory(), order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(plan=plan, parent=first, order=1)


def test_conference_end_before_start_refused_by_the_database():
    start = timezone.make_aware(datetime.datetime(2024, 5, 31, 8, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(starts_at=start, ends_at=start - datetime.timedelta(hours=1))


def test_conference_form_refuses_end_before_start_with_a_vietnamese_message():
    conference = ConferenceFactory()
    data = {
        "form": "hybrid",
        "starts_at": "2024-05-31T08:00",
        "ends_at": "2024-05-31T07:30",
        "time_text": "08 giờ ngày 31/5/2024",
        "chair_text": "Chủ tịch UBND tỉnh",
    }
    with translation.override("vi"):
        form = ConferenceForm(data=data, instance=conference)
        assert not form.is_valid()
        messages = [str(m) for m in form.non_field_errors()]
    assert messages == ["Thời gian kết thúc không được trước thời gian bắt đầu."]
    # What the user typed is kept for the re-displayed form.
    assert form["time_text"].value() == "08 giờ ngày 31/5/2024"
    assert form["ends_at"].value() == "2024-05-31T07:30"


def test_conference_form_refuses_range_ending_before_it_starts():
    conference = ConferenceFactory()
    with translation.override("vi"):
        form = ConferenceForm(data={"form": "online", "date_from": "2022-07-15", "date_to": "2022-07-11"}, instance=conference)
        assert not form.is_valid()
        assert [str(m) for m in form.non_field_errors()] == ["Ngày kết thúc không được trước ngày bắt đầu."]


def test_conference_form_accepts_a_valid_range():
    conference = ConferenceFactory()
    form = ConferenceForm(data={"form": "online", "date_from": "2022-07-11", "date_to": "2022-07-15"}, instance=conference)
    assert form.is_valid(), form.errors
