"""config.compiled gives what the QuerySet gives: the same instances, relations and values."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from config.compiled import PLACEHOLDER, CompiledQuery
from invitations.models import Delegate, Invitation

from .test_replies import _first, issued  # noqa: F401  (the fixture)


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_instances_with_their_related_objects_are_the_querysets(issued, django_assert_num_queries):  # noqa: F811
    invitation = _first(issued)
    Delegate.objects.create(invitation=invitation, order=1, full_name="Trần Thị Bích", title="Phó Giám đốc")
    build = lambda pk: Invitation.objects.select_related("campaign", "inviter", "reply").filter(pk=pk).order_by("pk")  # noqa: E731
    query = CompiledQuery(build)
    expected = build(invitation.pk).get()
    got = query.first(invitation.pk)
    assert _fields(got) == _fields(expected)
    with django_assert_num_queries(0):  # the relations came with the row
        assert _fields(got.campaign) == _fields(expected.campaign)
        assert _fields(got.inviter) == _fields(expected.inviter)
        assert getattr(got, "reply", None) is None
    assert got.signer_titles == expected.signer_titles and got.created_at == expected.created_at  # converters applied
    assert query.first(-1) is None
    with django_assert_num_queries(1):
        again = query.first(invitation.pk)
    assert again is not got and _fields(again) == _fields(got)


def test_annotations_are_set_on_the_instances(issued):  # noqa: F811
    invitation = _first(issued)
    for order, name in enumerate(["Lê Văn C", "Nguyễn Văn A"], start=1):
        Delegate.objects.create(invitation=invitation, order=order, full_name=name)
    query = CompiledQuery(lambda pk: Invitation.objects.annotate(named=Count("delegates")).filter(pk=pk).order_by("pk"))
    assert query.first(invitation.pk).named == 2


def test_several_rows_in_order_and_deferred_fields(issued):  # noqa: F811
    invitation = _first(issued)
    for order, name in enumerate(["Lê Văn C", "Nguyễn Văn A", "Trần Thị B"], start=1):
        Delegate.objects.create(invitation=invitation, order=order, full_name=name)
    query = CompiledQuery(
        lambda pk: Delegate.objects.filter(invitation_id=pk).order_by("-order").only("invitation_id", "order", "full_name")
    )
    rows = query.run(invitation.pk)
    assert [row.full_name for row in rows] == ["Trần Thị B", "Nguyễn Văn A", "Lê Văn C"]
    assert rows[0].get_deferred_fields() == {"title", "search_text", "collation_key", "checked_in_at", "checked_in_by_id"}
    assert query.run(-1) == []


def test_values_list_and_select_for_update(issued):  # noqa: F811
    invitation = _first(issued)

    def build(pk):
        return (
            Invitation.objects.select_for_update(of=("self",))
            .filter(pk=pk)
            .order_by()
            .values_list("quota", "hosts_point", "reply_reopened", "campaign__reply_deadline")
        )

    query = CompiledQuery(build)
    with transaction.atomic():
        assert query.first(invitation.pk) == build(invitation.pk).get()
    assert isinstance(query.first.__self__, CompiledQuery)


def test_select_for_update_refused_outside_a_transaction(transactional_db, issued):  # noqa: F811
    query = CompiledQuery(lambda pk: Invitation.objects.select_for_update().filter(pk=pk).order_by().values_list("quota"))
    with transaction.atomic():
        query.first(_first(issued).pk)  # compiled in a transaction
    with pytest.raises(transaction.TransactionManagementError):
        query.first(_first(issued).pk)


def test_what_it_cannot_compile_is_refused(db):
    with pytest.raises(ValueError, match="placeholder"):
        CompiledQuery(lambda pk: Invitation.objects.filter(pk=1).order_by()).run(1)
    with pytest.raises(ValueError, match="values_list"):
        CompiledQuery(lambda pk: Invitation.objects.filter(pk=pk).values("pk")).run(1)
    with pytest.raises(ValueError, match="fields only"):
        CompiledQuery(lambda pk: Invitation.objects.filter(pk=pk).annotate(n=Count("delegates")).values_list("n")).run(1)
    assert PLACEHOLDER < 0  # never an id


def _prepared_statement(name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        return [row[0] for row in cursor.fetchall()]


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")


@postgresql_only
def test_prepared_on_the_server_once_per_connection(transactional_db, issued):  # noqa: F811
    invitation = _first(issued)
    query = CompiledQuery(lambda pk: Invitation.objects.select_related("campaign").filter(pk=pk).order_by("pk"))
    with CaptureQueriesContext(connection) as first:
        assert query.first(invitation.pk).campaign.pk == invitation.campaign_id
    name = query._plan(None).statement.name
    statement = _prepared_statement(name)
    assert len(statement) == 1 and '"invitations_invitation"."id" = $1' in statement[0]
    assert [q["sql"] for q in first.captured_queries] == [
        f"PREPARE {name} AS {statement[0].split(' AS ', 1)[1]}",
        f"EXECUTE {name}({invitation.pk})",
    ]
    with CaptureQueriesContext(connection) as again:
        assert query.first(invitation.pk).pk == invitation.pk and query.first(-1) is None
    # (psycopg2 writes a negative number with a space before it)
    assert [q["sql"].replace(" ", "") for q in again.captured_queries] == [
        f"EXECUTE{name}({invitation.pk})",
        f"EXECUTE{name}(-1)",
    ]
    # A new connection (a restarted server, an expired one) has none: prepared again.
    connection.close()
    assert query.first(invitation.pk).pk == invitation.pk
    assert len(_prepared_statement(name)) == 1


@postgresql_only
def test_prepared_in_a_savepoint_inside_a_transaction(issued):  # noqa: F811
    invitation = _first(issued)
    query = CompiledQuery(
        lambda pk: Invitation.objects.select_for_update(of=("self",)).filter(pk=pk).order_by().values_list("quota")
    )
    with transaction.atomic():
        assert query.first(invitation.pk) == (invitation.quota,)
    assert len(_prepared_statement(query._plan(None).statement.name)) == 1


@postgresql_only
def test_a_statement_postgresql_cannot_prepare_runs_as_plain_sql(issued):  # noqa: F811
    invitation = _first(issued)
    # "$1 IS NULL": PostgreSQL cannot tell the parameter's type.
    query = CompiledQuery(
        lambda pk: Invitation.objects.annotate(missing=RawSQL("%s IS NULL", (pk,))).filter(pk=invitation.pk).order_by("pk")
    )
    with transaction.atomic():  # the failed PREPARE does not break the caller's transaction
        assert query.first(invitation.pk).missing is False
        assert Invitation.objects.filter(pk=invitation.pk).exists()
    statement = query._plan(None).statement
    assert statement.enabled is False and _prepared_statement(statement.name) == []
    with CaptureQueriesContext(connection) as plain:
        assert query.first(invitation.pk).missing is False
    assert len(plain.captured_queries) == 1 and plain.captured_queries[0]["sql"].startswith("SELECT")
