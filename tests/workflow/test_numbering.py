"""Issuance numbers on PostgreSQL: 20 plans issued at the same time from 20
threads get 01…20 once each, through the whole issuance service (number,
rendering, signature, storage); a new year starts again at 01."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from conferences.models import Plan
from tests.conftest import require_service
from workflow import services
from workflow.models import IssuedDocument

COUNT = 20


@pytest.mark.django_db(transaction=True)
def test_parallel_issuance_numbers_01_to_20_then_a_new_year_restarts(world):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://… (row locks)")
    template = world.signed()
    plans = [template]
    for _ in range(COUNT - 1):
        plan = world.plan()
        Plan.objects.filter(pk=plan.pk).update(state="signed")  # signed like the first one
        plans.append(plan)
    clerk = world.users["clerk"]
    barrier = threading.Barrier(COUNT)
    numbers: dict[int, int] = {}
    errors: list[BaseException] = []

    def issue(plan):
        try:
            barrier.wait()
            numbers[plan.pk] = services.issue(
                Plan.objects.get(pk=plan.pk), user=clerk, on=datetime.date(2026, 12, 31), reauthenticate=False
            ).plan.number
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(numbers.values()) == list(range(1, COUNT + 1))
    stored = dict(Plan.objects.filter(pk__in=numbers).values_list("pk", "number"))
    assert stored == numbers
    displays = set(IssuedDocument.objects.filter(plan__in=plans).values_list("number_display", flat=True))
    assert displays == {f"{n:02d}/KH-UBND" for n in range(1, COUNT + 1)}
    assert IssuedDocument.objects.filter(plan__in=plans).values("sha256").distinct().count() == COUNT

    new_year = world.signed(world.approved())
    issued = services.issue(new_year, user=clerk, on=datetime.date(2027, 1, 1), reauthenticate=False)
    new_year.refresh_from_db()
    assert (new_year.number, new_year.year, issued.number_display) == (1, 2027, "01/KH-UBND")
