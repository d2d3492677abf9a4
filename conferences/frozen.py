"""Issued plans read once per process: the plan row, its conference and its bridge points.

An issued plan cannot change any more: PostgreSQL refuses any update or
delete of its row and any change of its parts (workflow migration 0003), the
models refuse them on SQLite. So what the reply links show of it (the
conference's name, time and dates, which give the link's expiry, and the
bridge point) can be read once by each process instead of with every request:
in conference week every unit of the province opens and posts its link, and
joining the plan and its conference to the link check was a third of a
reply's cost (benchmarks/README.md).

Only the rows are kept; every call builds new model instances from them, so
no instance is shared between requests or threads. A plan that is not issued
is not kept: its relations load on use, as usual. Entries are keyed by the
campaign too (its id and creation time), so a database emptied and loaded
again while the process runs (the demo's reset) is read again, not served
from the old rows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from .models import BridgePoint, Conference, Plan, PlanState

MAX_PLANS = 256


def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


@dataclass(frozen=True)
class _Rows:
    plan: tuple
    conference: tuple | None
    bridge_points: dict[int, tuple]


_rows: OrderedDict[tuple, _Rows] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    """Forget every kept plan (tests whose database is rolled back between them)."""
    with _lock:
        _rows.clear()


def kept() -> int:
    with _lock:
        return len(_rows)


def _read(plan_id: int) -> _Rows | None:
    plan = Plan.objects.filter(pk=plan_id, state=PlanState.ISSUED).values_list(*_attnames(Plan)).first()
    if plan is None:
        return None
    conference = Conference.objects.filter(plan_id=plan_id).values_list(*_attnames(Conference)).first()
    points = BridgePoint.objects.filter(plan_id=plan_id).values_list(*_attnames(BridgePoint))
    return _Rows(plan, conference, {row[0]: row for row in points})


def _lookup(key: tuple, plan_id: int) -> _Rows | None:
    with _lock:
        rows = _rows.get(key)
        if rows is not None:
            _rows.move_to_end(key)
            return rows
    rows = _read(plan_id)
    if rows is not None:
        with _lock:
            _rows[key] = rows
            while len(_rows) > MAX_PLANS:
                _rows.popitem(last=False)
    return rows


def attach_issued_plan(invitation) -> bool:
    """Give ``invitation.campaign.plan`` (with its conference) and
    ``invitation.bridge_point`` from the process's copy of the issued plan,
    as new instances. The campaign must be loaded with the invitation. False
    (nothing attached) when the plan is not issued."""
    campaign = invitation.campaign
    rows = _lookup((campaign.plan_id, campaign.pk, campaign.created_at), campaign.plan_id)
    if rows is None:
        return False
    db = invitation._state.db
    plan = Plan.from_db(db, _attnames(Plan), rows.plan)
    if rows.conference is None:
        Plan.conference.related.set_cached_value(plan, None)
    else:
        plan.conference = Conference.from_db(db, _attnames(Conference), rows.conference)
    campaign.plan = plan
    point = rows.bridge_points.get(invitation.bridge_point_id)
    if point is not None:
        bridge_point = BridgePoint.from_db(db, _attnames(BridgePoint), point)
        bridge_point.plan = plan
        invitation.bridge_point = bridge_point
    return True
