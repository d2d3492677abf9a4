"""After issuance the plan, its parts and its agenda never change: the
services, the models, the querysets, the forms (editor, admin) and, on
PostgreSQL, the database refuse it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from conferences.models import AgendaItem, IssuedPlanError, LegalBasis, Plan, Section, Task
from tests.conftest import require_service
from tests.factories import TaskFactory, TaskGroupFactory
from workflow import services


@pytest.fixture
def issued(world):
    plan = world.plan()
    TaskFactory(group=TaskGroupFactory(plan=plan), text="Chuẩn bị hội trường.")
    return world.issued(world.approved(plan), on=datetime.date(2026, 7, 1))


def _unchanged(plan, subject, sections, agenda):
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.subject == subject and plan.state == "issued" and plan.number == 1
    assert list(Section.objects.filter(plan=plan).order_by("pk").values_list("heading", "body")) == sections
    assert list(AgendaItem.objects.filter(plan=plan).order_by("pk").values_list("content", flat=True)) == agenda


@pytest.fixture
def before(issued):
    return (
        issued.subject,
        list(Section.objects.filter(plan=issued).order_by("pk").values_list("heading", "body")),
        list(AgendaItem.objects.filter(plan=issued).order_by("pk").values_list("content", flat=True)),
    )


def test_orm_saves_updates_and_deletes_are_refused(issued, before):
    plan = Plan.objects.get(pk=issued.pk)
    plan.subject = "Đổi trích yếu"
    with pytest.raises(IssuedPlanError):
        plan.save()
    with pytest.raises(IssuedPlanError):
        Plan.objects.filter(pk=issued.pk).update(subject="Đổi trích yếu")
    with pytest.raises(IssuedPlanError):
        plan.delete()

    section = Section.objects.filter(plan=issued).first()
    section.body = "Nội dung mới."
    with pytest.raises(IssuedPlanError):
        section.save()
    with pytest.raises(IssuedPlanError):
        section.delete()
    with pytest.raises(IssuedPlanError):
        Section.objects.filter(plan=issued).update(body="Nội dung mới.")
    with pytest.raises(IssuedPlanError):
        Section.objects.create(plan=issued, order=9, heading="MỤC MỚI")
    with pytest.raises(IssuedPlanError):
        Section.objects.bulk_update([section], ["body"])

    item = AgendaItem.objects.filter(plan=issued).first()
    item.content = "Khác"
    with pytest.raises(IssuedPlanError):
        item.save()
    with pytest.raises(IssuedPlanError):
        AgendaItem.objects.filter(plan=issued).delete()
    with pytest.raises(IssuedPlanError):
        Task.objects.filter(group__plan=issued).update(text="Khác")
    task = Task.objects.get(group__plan=issued)
    task.text = "Khác"
    with pytest.raises(IssuedPlanError):
        task.save()
    with pytest.raises(IssuedPlanError):
        LegalBasis(plan=issued, order=1, text="Căn cứ …;").save()
    _unchanged(issued, *before)


def test_services_refuse_changes_of_an_issued_plan(issued, world, before):
    users = world.users
    with pytest.raises(PermissionDenied):
        services.set_review_chain(issued, world.chain, user=users["drafter"])
    with pytest.raises(PermissionDenied):
        services.submit(issued, user=users["drafter"])
    with pytest.raises(PermissionDenied):
        services.issue(issued, user=users["clerk"])
    _unchanged(issued, *before)


def test_editor_and_admin_forms_refuse_an_issued_plan(client, issued, world, before):
    client.force_login(world.users["drafter"])
    edit = reverse("conferences:plan_edit", kwargs={"pk": issued.pk, "part": "thong-tin-chung"})
    assert client.get(edit).status_code == 403
    response = client.post(edit, {"version": issued.version, "subject": "Đổi trích yếu", "place": "Khác", "year": 2026})
    assert response.status_code == 403
    # The plan page has no editor button any more.
    page = client.get(reverse("conferences:plan_detail", args=[issued.pk])).content.decode()
    assert reverse("conferences:plan_edit_start", args=[issued.pk]) not in page

    client.force_login(world.users["admin"])
    change = reverse("admin:conferences_plan_change", args=[issued.pk])
    assert client.get(change).status_code == 200  # shown read-only
    assert client.post(change, {"subject": "Đổi trích yếu", "place": "Khác"}).status_code == 403
    section = Section.objects.filter(plan=issued).first()
    assert client.post(reverse("admin:conferences_section_change", args=[section.pk]), {"body": "Khác"}).status_code == 403
    assert client.post(reverse("admin:conferences_plan_delete", args=[issued.pk]), {"post": "yes"}).status_code == 403
    _unchanged(issued, *before)


@pytest.fixture
def postgresql():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")


def _refused(sql: str, params=()) -> None:
    with pytest.raises(IntegrityError, match="issued"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_changes_the_orm_did_not_see(postgresql, issued, before):
    plan_id = issued.pk
    section_id = Section.objects.filter(plan=issued).values_list("pk", flat=True).first()
    item_id = AgendaItem.objects.filter(plan=issued).values_list("pk", flat=True).first()
    task_id = Task.objects.filter(group__plan=issued).values_list("pk", flat=True).first()
    _refused("UPDATE conferences_plan SET subject = 'Đổi' WHERE id = %s", [plan_id])
    _refused("UPDATE conferences_plan SET state = 'draft' WHERE id = %s", [plan_id])
    _refused("DELETE FROM conferences_plan WHERE id = %s", [plan_id])
    _refused("UPDATE conferences_section SET body = 'Khác' WHERE id = %s", [section_id])
    _refused("DELETE FROM conferences_section WHERE id = %s", [section_id])
    _refused(
        "INSERT INTO conferences_section (plan_id, \"order\", heading, run_in, body, content) VALUES (%s, 9, 'X', false, '', '')",
        [plan_id],
    )
    _refused("UPDATE conferences_agendaitem SET content = 'Khác' WHERE id = %s", [item_id])
    _refused("UPDATE conferences_task SET text = 'Khác' WHERE id = %s", [task_id])
    organisation_id = issued.issuing_body_id
    _refused(
        "INSERT INTO conferences_agendaitem_performer_organisations (agendaitem_id, organisation_id) VALUES (%s, %s)",
        [item_id, organisation_id],
    )
    _refused("INSERT INTO conferences_task_assignees (task_id, organisation_id) VALUES (%s, %s)", [task_id, organisation_id])

    # A stale object loaded before the issuance passes the model's check; the database refuses it.
    stale = Section.objects.select_related("plan").get(pk=section_id)
    stale.plan.state = "draft"
    stale.body = "Khác"
    with pytest.raises(IntegrityError), transaction.atomic():
        stale.save()
    _unchanged(issued, *before)


def test_the_database_lets_drafts_change(postgresql, world):
    plan = world.plan()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE conferences_section SET body = 'Khác' WHERE plan_id = %s", [plan.pk])
        cursor.execute("UPDATE conferences_plan SET subject = 'Khác' WHERE id = %s", [plan.pk])
    assert Plan.objects.get(pk=plan.pk).subject == "Khác"
