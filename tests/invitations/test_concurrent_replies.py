"""300 replies posted at once from threads against the live server on PostgreSQL."""

from __future__ import annotations

import secrets
import threading
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from invitations import tokens
from invitations.models import Delegate, Invitation, Reply
from tests.conftest import require_service
from tests.factories import OrganisationFactory

from .conftest import build_conference

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPLIES = 300
IN_FLIGHT = 10  # the live server's listen queue holds 10 connections (Django's WSGIServer)


def _post(url: str, fields: dict) -> int:
    """A form post as a browser sends it (CSRF cookie and field)."""
    csrf = secrets.token_hex(16)  # a 32-character secret, unmasked
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Cookie": f"csrftoken={csrf}"})
    opener = urllib.request.build_opener(NoRedirect)
    for attempt in range(5):
        try:
            with opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (ConnectionResetError, urllib.error.URLError):  # refused at connect, as a browser would retry
            time.sleep(0.2 * (attempt + 1))
    return 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _fields(names: list[str]) -> dict:
    data = {
        "action": "reply",
        "attending": "yes",
        "delegate_count": str(len(names)),
        "contact_name": "Lê Văn Liên",
        "contact_phone": "0905 123 456",
        "delegates-TOTAL_FORMS": str(len(names)),
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": "60",
    }
    for i, name in enumerate(names):
        data[f"delegates-{i}-full_name"] = name
        data[f"delegates-{i}-title"] = "Chuyên viên"
    return data


def _run_all(jobs) -> list[int]:
    gate = threading.Barrier(len(jobs))
    slots = threading.Semaphore(IN_FLIGHT)
    statuses = [0] * len(jobs)

    def run(index, url, fields):
        gate.wait()
        with slots:
            statuses[index] = _post(url, fields)

    threads = [threading.Thread(target=run, args=(i, url, fields)) for i, (url, fields) in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return statuses


def test_300_concurrent_replies_all_stored_none_lost_or_doubled(live_server, monkeypatch):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")
    # Request threads of the live server close their connection after each request.
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 0)
    setup = build_conference(hall_units=0, districts=0)
    units = OrganisationFactory.create_batch(REPLIES, kind="department", email="don-vi@example.org")
    today = timezone.localdate()
    invitations = Invitation.objects.bulk_create(
        Invitation(
            campaign=setup.campaign,
            organisation=unit,
            inviter=setup.issuer,
            tier="province",
            name=unit.name,
            bridge_point=setup.hall,
            number=i,
            year=today.year,
            issue_date=today,
            email=unit.email,
        )
        for i, unit in enumerate(units, start=1)
    )
    jobs = [
        (live_server.url + tokens.reply_path(invitation), _fields([f"Đại biểu {invitation.pk} A", f"Đại biểu {invitation.pk} B"]))
        for invitation in invitations
    ]
    statuses = _run_all(jobs)
    assert statuses == [302] * REPLIES
    assert Reply.objects.filter(invitation__campaign=setup.campaign).count() == REPLIES
    assert Delegate.objects.filter(invitation__campaign=setup.campaign).count() == 2 * REPLIES
    for invitation in Invitation.objects.filter(campaign=setup.campaign).prefetch_related("delegates"):
        names = sorted(d.full_name for d in invitation.delegates.all())
        assert names == [f"Đại biểu {invitation.pk} A", f"Đại biểu {invitation.pk} B"]

    # Twenty answers to one invitation at the same time: applied one after the other.
    target = invitations[0]
    jobs = [(live_server.url + tokens.reply_path(target), _fields([f"Người {n} A", f"Người {n} B"])) for n in range(20)]
    assert _run_all(jobs) == [302] * 20
    reply = Reply.objects.get(invitation=target)
    assert reply.revision == 21 and reply.delegate_count == 2
    names = sorted(target.delegates.values_list("full_name", flat=True))
    assert len(names) == 2 and names[0].removesuffix(" A") == names[1].removesuffix(" B")
