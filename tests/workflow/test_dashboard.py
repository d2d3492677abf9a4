"""“Waiting for me” follows the review chain; notifications in the app."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import page_text
from workflow import services
from workflow.models import Notification


def _waiting(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    section = html[html.index('id="waiting-heading"') :]
    return page_text(section[: section.index("</section>")])


def test_a_reviewer_sees_the_plans_waiting_for_him_only(client, world):
    users = world.users
    plan = world.submitted()
    subject = plan.subject_one_line
    assert subject in _waiting(client, users["reviewer"])
    assert subject not in _waiting(client, users["signer"])  # in the chain, but not yet
    assert subject not in _waiting(client, users["outsider_reviewer"])

    services.forward(plan, user=users["reviewer"])
    assert subject not in _waiting(client, users["reviewer"])
    assert subject in _waiting(client, users["signer"])
    services.approve(plan, user=users["signer"])
    assert subject in _waiting(client, users["signer"])  # now to sign

    services.sign(plan, user=users["signer"], reauthenticate=False)
    assert subject not in _waiting(client, users["signer"])
    assert subject in _waiting(client, users["clerk"])  # the office of the issuing body issues


def test_a_drafter_sees_the_returned_plans_of_his_unit(client, world):
    users = world.users
    plan = world.submitted()
    services.return_plan(plan, user=users["reviewer"], comment="Sửa mục II.")
    assert plan.subject_one_line in _waiting(client, users["drafter"])
    assert plan.subject_one_line not in _waiting(client, users["other_drafter"])


def test_notifications_page_lists_and_marks_read(client, world):
    users = world.users
    plan = world.submitted()
    client.force_login(users["reviewer"])
    page = client.get(reverse("workflow:notifications"))
    text = page_text(page.content)
    assert plan.subject_one_line[:60] in text
    assert "chờ đồng chí xử lý" in text
    assert "Thông báo 1" in page_text(client.get(reverse("dashboard")).content)  # the menu shows the unread count
    client.post(reverse("workflow:notifications"))
    assert not Notification.objects.filter(recipient=users["reviewer"], read_at__isnull=True).exists()
    assert client.get(reverse("workflow:notifications")).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_notifications_page_query_count(client, world, django_assert_num_queries, rows):
    users = world.users
    plan = world.submitted()
    transition = plan.transitions.get()
    Notification.objects.bulk_create(
        [Notification(recipient=users["clerk"], plan=plan, transition=transition) for _ in range(rows)]
    )
    client.force_login(users["clerk"])
    client.get(reverse("workflow:notifications"))  # warm up (session, content types)
    with django_assert_num_queries(6):  # the same for 3 and 30 rows (session, user, 2FA device, 3 of the page)
        response = client.get(reverse("workflow:notifications"))
    assert response.content.decode().count("list-group-item") >= min(rows, 30)
