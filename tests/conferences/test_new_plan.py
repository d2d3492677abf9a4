"""Starting a plan from the new-plan page: template, copy of an earlier plan, blank."""

import re

import pytest
from django.urls import reverse

from conferences.models import AgendaItem, Plan, PlanActivity
from directory.models import Organisation, User
from tests.conftest import page_text


@pytest.fixture
def drafter_client(client, demo):
    client.force_login(User.objects.get(username="soanthao"))
    return client


def test_copy_of_last_years_plan_lists_what_to_check(drafter_client):
    source = Plan.objects.get(key="seed-000")
    body = Organisation.objects.get(code="quang-nam:ubnd-tinh")
    response = drafter_client.post(
        reverse("conferences:plan_new"), {"start": "clone", "source": source.pk, "issuing_body": body.pk, "year": 2025}
    )
    plan = Plan.objects.exclude(pk=source.pk).get(created_by__username="soanthao")
    assert response.status_code == 302 and response.url == reverse("conferences:plan_edit_start", args=[plan.pk])
    assert plan.year == 2025 and plan.number is None and plan.issue_date is None and plan.state == "draft"
    assert plan.drafting_unit.code == "quang-nam:so-noi-vu"
    assert "2024" in plan.subject and "2023" not in plan.subject
    assert AgendaItem.objects.filter(plan=plan).count() == AgendaItem.objects.filter(plan=source).count()
    activity = PlanActivity.objects.get(plan=plan, action="clone")
    assert activity.changes and all(item["new"] for item in activity.changes)

    page = drafter_client.get(reverse("conferences:plan_edit_start", args=[plan.pk]), follow=True)
    text = page_text(page.content)
    assert "Sao chép từ kế hoạch trước: các điểm cần kiểm tra" in text
    assert activity.changes[0]["new"] in text


def test_from_a_template_and_blank(drafter_client):
    body = Organisation.objects.get(code="quang-nam:ubnd-tinh")
    url = reverse("conferences:plan_new")
    assert (
        drafter_client.post(
            url, {"start": "template", "template": "index-conference", "issuing_body": body.pk, "year": 2026}
        ).status_code
        == 302
    )
    templated = Plan.objects.filter(created_by__username="soanthao").latest("pk")
    assert templated.sections.exists() and templated.kind == "conference"
    assert (
        drafter_client.post(url, {"start": "blank", "kind": "improvement", "issuing_body": body.pk, "year": 2026}).status_code
        == 302
    )
    blank = Plan.objects.filter(created_by__username="soanthao").latest("pk")
    assert blank.kind == "improvement" and blank.pk != templated.pk
    for plan in (templated, blank):
        assert drafter_client.get(reverse("conferences:plan_edit", args=[plan.pk, "thong-tin-chung"])).status_code == 200


def test_new_plan_form_errors_keep_the_choices(drafter_client):
    body = Organisation.objects.get(code="quang-nam:ubnd-tinh")
    response = drafter_client.post(reverse("conferences:plan_new"), {"start": "clone", "issuing_body": body.pk, "year": "1999"})
    assert response.status_code == 200
    text = page_text(response.content)
    assert "Chọn kế hoạch cần sao chép." in text
    radio = re.search(r'<input[^>]*value="clone"[^>]*>', response.content.decode()).group(0)
    assert "checked" in radio  # the choice made is kept
    assert "2000" in text  # the year's range is named
    assert not Plan.objects.filter(created_by__username="soanthao").exists()


def test_drafter_cannot_issue_in_the_name_of_another_province(drafter_client):
    body = Organisation.objects.get(code="dong-thap:ubnd-tinh")
    response = drafter_client.post(
        reverse("conferences:plan_new"),
        {"start": "template", "template": "index-conference", "issuing_body": body.pk, "year": 2026},
    )
    assert response.status_code == 200 and not Plan.objects.filter(created_by__username="soanthao").exists()
