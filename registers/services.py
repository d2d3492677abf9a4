"""Taking numbers from a register: no gap and no duplicate, even when
documents are issued at the same time from several processes."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RegisterCounter


def take_number(*, issuing_body, type_code: str, year: int) -> int:
    """The next number of the register of ``issuing_body`` for ``type_code``
    and ``year`` (1 for the first document of the year).

    Call it inside the transaction that stores the number on the document:
    the counter row stays locked until that transaction ends, so if it rolls
    back the number is given again (no gap), and two concurrent callers get
    two different numbers (no duplicate)."""
    with transaction.atomic():
        counter = _locked_counter(issuing_body, type_code, year)
        RegisterCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
        counter.refresh_from_db(fields=["last_number"])
        return counter.last_number


def _locked_counter(issuing_body, type_code: str, year: int) -> RegisterCounter:
    lookup = {"issuing_body": issuing_body, "type_code": type_code, "year": year}
    counter = RegisterCounter.objects.select_for_update().filter(**lookup).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():
            RegisterCounter.objects.create(**lookup)
    except IntegrityError:
        pass  # created by a concurrent caller meanwhile
    return RegisterCounter.objects.select_for_update().get(**lookup)
