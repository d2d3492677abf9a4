"""The reply links read an issued plan once per process (conferences.frozen)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conferences import frozen
from conferences.models import Conference, Plan, PlanState
from invitations import tokens
from invitations.models import Invitation
from tests.conftest import page_text
from tests.factories import PlanFactory

from .test_replies import _first, issued  # noqa: F401  (the fixture)


def _loaded(pk: int) -> Invitation:
    return Invitation.objects.select_related("campaign").get(pk=pk)


def test_the_plan_its_conference_and_bridge_point_come_from_one_read(issued, django_assert_num_queries):  # noqa: F811
    invitation = Invitation.objects.filter(campaign=issued.campaign, bridge_point__isnull=False).first()
    assert invitation is not None, "the conference of the test has bridge points"
    plan = Plan.objects.get(pk=issued.campaign.plan_id)
    conference = Conference.objects.get(plan=plan)
    heading = invitation.bridge_point.heading
    first = _loaded(invitation.pk)
    with django_assert_num_queries(3):  # the plan, its conference, its bridge points
        assert frozen.attach_issued_plan(first)
    second = _loaded(invitation.pk)
    with django_assert_num_queries(0):
        assert frozen.attach_issued_plan(second)
        kept_plan = second.campaign.plan
        assert kept_plan.pk == plan.pk and kept_plan.subject == plan.subject and kept_plan.state == PlanState.ISSUED
        assert kept_plan.conference.starts_at == conference.starts_at and kept_plan.conference.plan is kept_plan
        assert second.bridge_point.pk == invitation.bridge_point_id
        assert second.bridge_point.heading == heading
    assert frozen.kept() == 1


def test_every_request_gets_its_own_instances(issued):  # noqa: F811
    one, two = _loaded(_first(issued).pk), _loaded(_first(issued).pk)
    frozen.attach_issued_plan(one)
    frozen.attach_issued_plan(two)
    assert one.campaign.plan is not two.campaign.plan
    assert one.campaign.plan.conference is not two.campaign.plan.conference
    subject = two.campaign.plan.subject
    one.campaign.plan.subject = "changed in one request"
    one.campaign.plan.conference.time_text = "changed too"
    three = _loaded(_first(issued).pk)
    frozen.attach_issued_plan(three)
    assert three.campaign.plan.subject == subject and three.campaign.plan.conference.time_text != "changed too"


def test_a_plan_not_issued_is_not_kept(issued, django_assert_num_queries):  # noqa: F811
    # The database refuses to change an issued plan: a campaign of a draft plan shows the other case.
    draft = PlanFactory(subject="Dự thảo")
    assert draft.state != PlanState.ISSUED
    invitation = _loaded(_first(issued).pk)
    invitation.campaign.plan_id = draft.pk
    with django_assert_num_queries(1):
        assert frozen.attach_issued_plan(invitation) is False
    assert frozen.kept() == 0
    assert invitation.campaign.plan.subject == "Dự thảo"  # loaded on use


def test_a_database_loaded_again_is_read_again(issued):  # noqa: F811
    """The same campaign id with another creation time (the demo reset while the process runs)."""
    invitation = _loaded(_first(issued).pk)
    frozen.attach_issued_plan(invitation)
    again = _loaded(_first(issued).pk)
    again.campaign.created_at += datetime.timedelta(seconds=1)
    frozen.attach_issued_plan(again)
    assert frozen.kept() == 2


def test_the_kept_plans_are_bounded(issued, monkeypatch):  # noqa: F811
    monkeypatch.setattr(frozen, "MAX_PLANS", 1)
    invitation = _loaded(_first(issued).pk)
    frozen.attach_issued_plan(invitation)
    invitation.campaign.created_at += datetime.timedelta(seconds=1)
    frozen.attach_issued_plan(invitation)
    assert frozen.kept() == 1


def test_the_reply_page_shows_the_conference_from_the_kept_plan(client, issued):  # noqa: F811
    invitation = _first(issued)
    url = tokens.reply_path(invitation)
    first = page_text(client.get(url).content)
    assert frozen.kept() == 1
    second = page_text(client.get(url).content)
    conference = Conference.objects.get(plan_id=issued.campaign.plan_id)
    day = timezone.localtime(conference.starts_at)
    assert f"ngày {day.day} tháng {day.month} năm {day.year}" in second
    assert first == second


@pytest.mark.parametrize("days_after", [0, 2])
def test_the_link_expires_by_the_kept_conference(issued, days_after):  # noqa: F811
    invitation = _first(issued)
    token = tokens.make_token(invitation)
    tokens.check_token(invitation.pk, token)  # keeps the plan
    conference = Conference.objects.get(plan_id=issued.campaign.plan_id)
    moment = timezone.localtime(conference.ends_at or conference.starts_at) + datetime.timedelta(days=days_after)
    if days_after == 0:
        assert tokens.check_token(invitation.pk, token, now=moment).pk == invitation.pk
    else:
        with pytest.raises(tokens.TokenError) as error:
            tokens.check_token(invitation.pk, token, now=moment)
        assert error.value.kind == "expired"
