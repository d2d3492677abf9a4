"""Failed Celery tasks are recorded and shown to administrators only."""

from __future__ import annotations

import pytest
from celery import shared_task

from directory.models import Role
from ops.logs import request_id_var
from ops.models import TaskFailure
from tests.conftest import page_text
from tests.factories import UserFactory

URL = "/van-hanh/loi-tac-vu/"


@shared_task(name="tests.ops.failing_task")
def failing_task(plan_id, *, note=""):
    raise RuntimeError(f"renderer crashed on plan {plan_id}")


@pytest.fixture
def failure(db):
    """Eager, as a worker does it: the failure is not raised into the caller
    (with task_eager_propagates Celery raises before the failure signal)."""
    from config.celery import app

    token = request_id_var.set("abcdef0123456789")
    app.conf.task_eager_propagates = False
    try:
        result = failing_task.delay(42, note="x" * 500)
    finally:
        app.conf.task_eager_propagates = True
        request_id_var.reset(token)
    assert result.failed()
    return TaskFailure.objects.get()


def test_a_failing_task_is_recorded(failure):
    assert failure.task_name == "tests.ops.failing_task"
    assert failure.exception == "RuntimeError: renderer crashed on plan 42"
    assert "raise RuntimeError" in failure.traceback
    assert failure.args_summary.startswith("42, note='xxx") and len(failure.args_summary) < 300
    assert failure.request_id == "abcdef0123456789"
    assert failure.task_id and failure.resolved_at is None


@pytest.mark.django_db
def test_a_retried_task_that_succeeds_is_not_a_failure():
    from celery import shared_task as task

    attempts = []

    @task(bind=True, name="tests.ops.flaky_task", max_retries=2, default_retry_delay=0)
    def flaky(self):
        attempts.append(1)
        if len(attempts) < 2:
            raise self.retry(exc=ConnectionError("smtp away"))
        return "sent"

    from config.celery import app

    app.conf.task_eager_propagates = False
    try:
        assert flaky.delay().get() == "sent"
    finally:
        app.conf.task_eager_propagates = True
    assert len(attempts) == 2
    assert not TaskFailure.objects.exists()


@pytest.mark.parametrize("role", [Role.DRAFTER, Role.REVIEWER, Role.CLERK, Role.UNIT_OFFICE])
def test_other_roles_get_403(client, failure, role):
    client.force_login(UserFactory(role=role))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{failure.pk}/da-xu-ly/").status_code == 403
    failure.refresh_from_db()
    assert failure.resolved_at is None


def test_anonymous_is_sent_to_login(client, failure):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_admin_sees_searches_and_resolves(client, failure):
    admin = UserFactory(role=Role.ADMIN)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    text = page_text(response.content)
    assert "tests.ops.failing_task" in text
    assert "RuntimeError: renderer crashed on plan 42" in text
    assert "abcdef0123456789" in text
    assert f'href="{URL}">' in response.content.decode()  # the menu entry
    assert '<span class="badge text-bg-warning">1</span>' in response.content.decode()

    assert "renderer crashed" in page_text(client.get(URL, {"q": "abcdef0123456789"}).content)
    assert "renderer crashed" in page_text(client.get(URL, {"q": "CRASHED"}).content)
    assert "renderer crashed" not in page_text(client.get(URL, {"q": "smtp"}).content)

    response = client.post(f"{URL}{failure.pk}/da-xu-ly/", {"q": "crashed", "show": "open", "page": "1"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?q=crashed&show=open&page=1"
    failure.refresh_from_db()
    assert failure.resolved_by == admin and failure.resolved_at is not None
    open_page = client.get(URL)
    assert "renderer crashed" not in page_text(open_page.content)
    assert "text-bg-warning" not in open_page.content.decode()
    assert "renderer crashed" in page_text(client.get(URL, {"show": "all"}).content)


def test_pagination(client, db):
    TaskFailure.objects.bulk_create(TaskFailure(task_name=f"tests.task_{n:03}", exception="E") for n in range(55))
    client.force_login(UserFactory(role=Role.ADMIN))
    first = page_text(client.get(URL).content)
    second = page_text(client.get(URL, {"page": 2}).content)
    assert first.count("tests.task_") == 50 and second.count("tests.task_") == 5


def test_superuser_and_django_admin(client, failure):
    superuser = UserFactory(role=Role.DRAFTER, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get(URL).status_code == 200
    listing = client.get("/quan-tri/ops/taskfailure/", {"q": "crashed"})
    assert listing.status_code == 200 and "tests.ops.failing_task" in page_text(listing.content)
    response = client.post(
        "/quan-tri/ops/taskfailure/", {"action": "mark_resolved", "_selected_action": [failure.pk]}, follow=True
    )
    assert response.status_code == 200
    failure.refresh_from_db()
    assert failure.resolved_by == superuser
