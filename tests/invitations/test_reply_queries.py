"""The reply link's requests stay cheap: every unit of the province opens and
posts it in conference week (benchmarks/replies_load.py measures them)."""

from __future__ import annotations

import re

from django.db import connection
from django.utils import timezone

from invitations import tokens
from invitations.models import Invitation, Reply
from tests.conftest import page_text
from tests.factories import UserFactory

from .test_replies import _first, _reply_data, issued  # noqa: F401  (the fixture)

# GET: the link check (the invitation with its campaign, inviting body and reply
# in one join; the issued plan, its conference and bridge point are the process's
# copy, read by the first request) with, on PostgreSQL, the delegates in the same
# query; elsewhere the delegates after it.
GET_QUERIES = {"postgresql": 1}.get(connection.vendor, 2)
# POST, in one transaction: the link check locking the invitation row, then on
# PostgreSQL one statement updating the reply and replacing its delegates (the
# old ones' check-ins kept); elsewhere the reply's update, the old delegates
# deleted (their check-ins returned), the new ones inserted. Plus the savepoint
# and its release (the test's transaction).
POST_QUERIES = {"postgresql": 4}.get(connection.vendor, 6)


def test_reply_page_query_counts(client, issued, django_assert_num_queries):  # noqa: F811
    invitation = _first(issued)
    url = tokens.reply_path(invitation)
    client.get(url)  # the first opening also records opened_at
    client.post(url, _reply_data())  # a reply exists: the page shows it and its delegates
    with django_assert_num_queries(GET_QUERIES):
        page = client.get(url)
    html = page.content.decode()
    text = page_text(html)
    assert "Trần Thị Bích, Phó Giám đốc Sở" in text and "0905 123 456" in html and 'value="Nguyễn Văn An"' in html
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    with django_assert_num_queries(POST_QUERIES):
        response = client.post(url, {**_reply_data(names=(("Lê Thị Cúc", "Chuyên viên"),)), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    reply = Reply.objects.get(invitation=invitation)
    assert reply.revision == 2 and list(invitation.delegates.values_list("full_name", flat=True)) == ["Lê Thị Cúc"]
    if connection.vendor == "postgresql":  # the link check and the write are prepared statements on the server
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            statements = [row[0] for row in cursor.fetchall()]
        assert any("FOR UPDATE" in s and "invitations_invitation" in s for s in statements)
        assert any("UPDATE invitations_reply" in s and "unnest($" in s for s in statements)


def test_changed_reply_keeps_the_check_ins_of_the_names_it_keeps(client, issued):  # noqa: F811
    invitation = _first(issued)
    url = tokens.reply_path(invitation)
    client.post(url, _reply_data())
    clerk = UserFactory(role="clerk", organisation=issued.issuer)
    bich = invitation.delegates.get(full_name="Trần Thị Bích")
    bich.checked_in_at, bich.checked_in_by = timezone.now(), clerk
    bich.save()
    # Bích moves to the second row, An leaves, Cúc comes.
    client.post(url, _reply_data(names=(("Lê Thị Cúc", "Chuyên viên"), ("Trần Thị Bích", "Phó Giám đốc Sở"))))
    rows = list(Invitation.objects.get(pk=invitation.pk).delegates.order_by("order"))
    assert [(d.order, d.full_name) for d in rows] == [(1, "Lê Thị Cúc"), (2, "Trần Thị Bích")]
    assert rows[0].checked_in_at is None and rows[0].checked_in_by_id is None
    assert rows[1].checked_in_at == bich.checked_in_at and rows[1].checked_in_by_id == clerk.pk


def test_the_single_statement_write_fills_every_column_and_clears_on_a_refusal(client, issued):  # noqa: F811
    from directory.text import fold

    invitation = _first(issued)
    url = tokens.reply_path(invitation)
    client.post(url, _reply_data())  # the first reply: created
    client.post(url, _reply_data(names=(("Lê Thị Cúc", "Chuyên viên"), ("Lê Thị Cúc", "Chuyên viên"))))
    rows = list(invitation.delegates.order_by("order"))
    assert [(d.order, d.full_name, d.title) for d in rows] == [(1, "Lê Thị Cúc", "Chuyên viên"), (2, "Lê Thị Cúc", "Chuyên viên")]
    assert rows[0].search_text == f"{fold('Lê Thị Cúc')} {fold('Chuyên viên')}" and rows[0].collation_key
    reply = Reply.objects.get(invitation=invitation)
    assert reply.revision == 2 and reply.delegate_count == 2 and reply.contact_phone == "0905 123 456"
    assert reply.updated_at > reply.replied_at
    client.post(url, _reply_data(names=(), attending="no"))
    reply.refresh_from_db()
    assert reply.revision == 3 and reply.attending is False and reply.delegate_count == 0
    assert not invitation.delegates.exists()


def test_a_reply_said_locked_must_run_in_the_transaction_holding_the_lock(transactional_db, issued):  # noqa: F811
    import pytest
    from django.db import transaction

    from invitations import services

    invitation = tokens.check_token(_first(issued).pk, tokens.make_token(_first(issued)))
    with pytest.raises(transaction.TransactionManagementError):
        services.save_reply(invitation, attending=False, delegate_count=0, contact_name="A", contact_phone="1", locked=True)
    assert not Reply.objects.filter(invitation=invitation).exists()
