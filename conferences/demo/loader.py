"""Load the demo plans (the five seeds) from ``conferences/demo/plans/*.json``.

The file format is described in ``docs/demo-data.md``. Loading is idempotent:
organisations and people are created when their code is new, a plan is
created when its key is new; nothing existing is changed.
"""

from __future__ import annotations

import datetime
import json
import unicodedata
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from directory.models import AdministrativeUnit, Organisation, Person

from ..models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    LegalBasis,
    ParticipantGroup,
    Plan,
    Section,
    Task,
    TaskGroup,
)

PLANS_DIR = Path(__file__).resolve().parent / "plans"


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def read_plan_files(directory: Path = PLANS_DIR) -> list[dict]:
    return [_nfc(json.loads(path.read_text(encoding="utf-8"))) for path in sorted(directory.glob("*.json"))]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    return timezone.make_aware(datetime.datetime.fromisoformat(value))


class DemoLoader:
    def __init__(self) -> None:
        self.units = {}
        self.orgs: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}

    def unit(self, code: str | None) -> AdministrativeUnit | None:
        if not code:
            return None
        if code not in self.units:
            self.units[code] = AdministrativeUnit.objects.get(code=code)
        return self.units[code]

    def org(self, code: str | None) -> Organisation | None:
        if not code:
            return None
        if code not in self.orgs:
            self.orgs[code] = Organisation.objects.get(code=code)
        return self.orgs[code]

    def orgs_of(self, codes: list[str] | None) -> list[Organisation]:
        return [self.org(code) for code in codes or []]

    def person(self, code: str | None) -> Person | None:
        if not code:
            return None
        if code not in self.people:
            self.people[code] = Person.objects.get(code=code)
        return self.people[code]

    def load_directory(self, data: dict) -> None:
        pending = list(data.get("organisations", []))
        # Parents first: retry rows whose parent is not there yet.
        while pending:
            waiting = []
            for row in pending:
                parent = row.get("parent")
                if (
                    parent
                    and not Organisation.objects.filter(code=parent).exists()
                    and any(other["code"] == parent for other in pending)
                ):
                    waiting.append(row)
                    continue
                org, _ = Organisation.objects.get_or_create(
                    code=row["code"],
                    defaults={
                        "name": row["name"],
                        "short_name": row.get("short_name", ""),
                        "kind": row["kind"],
                        "tier": row["tier"],
                        "admin_unit": self.unit(row.get("admin_unit")),
                        "parent": self.org(parent),
                        "email": row.get("email", ""),
                        "letterhead_parent": row.get("letterhead_parent", ""),
                        "letterhead_name": row.get("letterhead_name", ""),
                        "symbol": row.get("symbol", ""),
                    },
                )
                self.orgs[org.code] = org
            if len(waiting) == len(pending):
                raise ValueError(f"Organisations with circular parents: {[r['code'] for r in waiting]}")
            pending = waiting
        for row in data.get("people", []):
            person, _ = Person.objects.get_or_create(
                code=row["code"],
                defaults={
                    "full_name": row["full_name"],
                    "title": row.get("title", ""),
                    "organisation": self.org(row["organisation"]),
                    "email": row.get("email", ""),
                },
            )
            self.people[person.code] = person

    def load_plan(self, data: dict) -> Plan | None:
        """Create the plan of one file; ``None`` when its key is already loaded."""
        if Plan.objects.filter(key=data["key"]).exists():
            return None
        p = data["plan"]
        signature = p.get("signature") or {}
        agenda = p.get("agenda") or {}
        issuing_body = self.org(p["issuing_body"])
        plan = Plan.objects.create(
            key=data["key"],
            kind=p["kind"],
            issuing_body=issuing_body,
            drafting_unit=self.org(p.get("drafting_unit") or issuing_body.code.split(":")[0] + ":so-noi-vu"),
            letterhead_parent=p.get("letterhead_parent", ""),
            letterhead_name=p["letterhead_name"],
            type_code=p.get("type_code", "KH"),
            symbol=p.get("symbol", "UBND"),
            place=p["place"],
            year=p["year"],
            month=p.get("month"),
            subject=p["subject"],
            preamble=p.get("preamble", ""),
            closing=p.get("closing", ""),
            budget_source=p.get("budget_source", ""),
            participants_heading_marker=p.get("participants_heading_marker") or "number",
            agenda_attached=bool(agenda.get("attached")),
            agenda_title=agenda.get("title") or "CHƯƠNG TRÌNH",
            agenda_subject=agenda.get("subject", ""),
            sign_on_behalf_of=signature.get("on_behalf_of", ""),
            sign_for_mode=signature.get("for_mode", ""),
            sign_for_title=signature.get("for_title", ""),
            signer_title=signature.get("signer_title", ""),
            signer=self.person(signature.get("signer")),
            signer_name=signature.get("signer_name", ""),
        )
        LegalBasis.objects.bulk_create(
            LegalBasis(plan=plan, order=i, text=text) for i, text in enumerate(p.get("legal_bases", []), start=1)
        )
        self._sections(plan, p.get("sections", []), parent=None)

        conference = p.get("conference")
        if conference:
            Conference.objects.create(
                plan=plan,
                form=conference["form"],
                starts_at=_datetime(conference.get("starts_at")),
                ends_at=_datetime(conference.get("ends_at")),
                date_from=_date(conference.get("date_from")),
                date_to=_date(conference.get("date_to")),
                time_text=conference.get("time_text") or "",
                chair=self.person(conference.get("chair")),
                chair_text=conference.get("chair_text") or "",
            )
        points = {}
        for i, row in enumerate(p.get("bridge_points") or [], start=1):
            points[row["key"]] = BridgePoint.objects.create(
                plan=plan,
                order=i,
                key=row["key"],
                tier=row["tier"],
                heading=row["heading"],
                host=self.org(row.get("host")),
                host_text=row.get("host_text") or "",
                place=row.get("place") or "",
                mode=row.get("mode") or "in_person",
                expected_delegates=row.get("expected_delegates"),
                per_unit=bool(row.get("per_unit")),
                invited_by_lower_tier=bool(row.get("invited_by_lower_tier")),
            )
        for i, row in enumerate(p.get("participants") or [], start=1):
            line = ParticipantGroup.objects.create(
                plan=plan,
                bridge_point=points.get(row.get("bridge_point")),
                order=i,
                tier=row["tier"],
                level=row.get("level", 0),
                marker=row.get("marker", "-"),
                text=row["text"],
                invited_by_lower_tier=bool(row.get("invited_by_lower_tier")),
                is_chair=bool(row.get("is_chair")),
            )
            line.organisations.set(self.orgs_of(row.get("organisations")))
        self._agenda(plan, agenda.get("items") or [], parent=None)

        for i, row in enumerate(p.get("task_groups") or [], start=1):
            group = TaskGroup.objects.create(
                plan=plan,
                order=i,
                heading=row["heading"],
                run_in=bool(row.get("run_in")),
                intro=row.get("intro", ""),
                note=row.get("note", ""),
            )
            group.assignees.set(self.orgs_of(row.get("assignees")))
            for j, task_row in enumerate(row.get("tasks") or [], start=1):
                task = Task.objects.create(
                    group=group,
                    order=j,
                    level=task_row.get("level", 0),
                    marker=task_row.get("marker", "-"),
                    text=task_row["text"],
                    deadline=_date(task_row.get("deadline")),
                    kind=task_row.get("kind") or "preparation",
                )
                task.assignees.set(self.orgs_of(task_row.get("assignees")))
                task.coordinators.set(self.orgs_of(task_row.get("coordinators")))
        DistributionLine.objects.bulk_create(
            DistributionLine(plan=plan, order=i, text=text) for i, text in enumerate(p.get("distribution") or [], start=1)
        )
        return plan

    def _sections(self, plan: Plan, rows: list[dict], parent: Section | None) -> None:
        for i, row in enumerate(rows, start=1):
            section = Section.objects.create(
                plan=plan,
                parent=parent,
                order=i,
                heading=row["heading"],
                run_in=bool(row.get("run_in")),
                body=row.get("body", ""),
                content=row.get("content") or "",
            )
            self._sections(plan, row.get("children") or [], parent=section)

    def _agenda(self, plan: Plan, rows: list[dict], parent: AgendaItem | None) -> None:
        for i, row in enumerate(rows, start=1):
            item = AgendaItem.objects.create(
                plan=plan,
                parent=parent,
                order=i,
                marker=row.get("marker", ""),
                content=row.get("content", ""),
                performers=row.get("performers", ""),
                kind=row.get("kind") or "other",
                duration_minutes=row.get("duration_minutes"),
                speaking_limit_minutes=row.get("speaking_limit_minutes"),
            )
            item.performer_organisations.set(self.orgs_of(row.get("performer_organisations")))
            item.performer_people.set([self.person(code) for code in row.get("performer_people") or []])
            self._agenda(plan, row.get("children") or [], parent=item)


@transaction.atomic
def plans_load(files: list[dict] | None = None) -> list[Plan]:
    """Load every demo plan file; returns the plans created this time."""
    loader = DemoLoader()
    created = []
    for data in files if files is not None else read_plan_files():
        loader.load_directory(data)
        plan = loader.load_plan(data)
        if plan is not None:
            created.append(plan)
    return created
