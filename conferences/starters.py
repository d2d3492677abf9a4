"""Starting points for a new plan: blank, or from a template per plan kind.

A template pre-fills what the seed plans of its kind have in common: the
numbered sections and their headings, generic legal bases, the usual
participant lines, agenda rows and task groups, budget, closing, Nơi nhận and
signature block. Template texts live in ``conferences/starter_templates/*.json``
(the plan part of the demo data format, ``docs/demo-data.md``, without
organisation codes) with placeholders filled for the issuing body and year:

``{year}``, ``{prev_year}`` — the plan's year and the year before (the
index results a conference analyses); ``{province}`` — “tỉnh Quảng Nam”;
``{place}`` — “Quảng Nam”; ``{issuer}`` — the issuing body as it names itself
in the text (“Ủy ban nhân dân tỉnh”, “Sở Nội vụ tỉnh Quảng Nam”);
``{committee}`` — the provincial People's Committee (“Ủy ban nhân dân tỉnh”);
``{lower}`` — “cấp huyện” (until 2025) or “cấp xã” (from 2026, after the
district tier was abolished); ``{lower_units}`` — “các huyện, thị xã, thành
phố” or “các xã, phường, đặc khu”; ``{lower_units_short}`` — the same as
written in Nơi nhận. A bridge point of tier ``"lower"`` is a district or a
commune point accordingly.

Document texts are Vietnamese content, not interface: they are not translated.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit, Organisation, OrganisationKind, Tier, UnitLevel

from .models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    LegalBasis,
    ParticipantGroup,
    Plan,
    PlanKind,
    PlanState,
    Section,
    SigningMode,
    Task,
    TaskGroup,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "starter_templates"
LAST_YEAR_WITH_DISTRICTS = 2025


@dataclass(frozen=True)
class StarterTemplate:
    key: str
    kind: str
    label: str
    description: str

    @property
    def path(self) -> Path:
        return TEMPLATES_DIR / f"{self.key}.json"


TEMPLATES: list[StarterTemplate] = [
    StarterTemplate(
        key="index-conference",
        kind=PlanKind.CONFERENCE,
        label=_("Index-analysis conference (PAPI, PAR Index, SIPAS)"),
        description=_("Purpose, content, time, place, participants per bridge point, attached agenda, budget and tasks."),
    ),
    StarterTemplate(
        key="summary-conference",
        kind=PlanKind.SUMMARY_CONFERENCE,
        label=_("Conference summing up the year of administrative reform"),
        description=_("Purpose, content, participants, form, time, budget and tasks; no attached agenda."),
    ),
    StarterTemplate(
        key="improvement",
        kind=PlanKind.IMPROVEMENT,
        label=_("Plan to improve the indices"),
        description=_("Purpose and requirements, content, budget and the tasks of each unit; no conference."),
    ),
]

# Subjects of a blank plan, to be edited by the drafter.
BLANK_SUBJECTS = {
    PlanKind.CONFERENCE: "Tổ chức Hội nghị phân tích, đánh giá kết quả các Chỉ số năm {prev_year} {province}",
    PlanKind.SUMMARY_CONFERENCE: (
        "Tổ chức Hội nghị tổng kết công tác cải cách hành chính năm {prev_year},\ntriển khai nhiệm vụ trọng tâm năm {year}"
    ),
    PlanKind.IMPROVEMENT: "Cải thiện và nâng cao các Chỉ số cải cách hành chính năm {year} {province}",
    # Usually drafted from the plan it concludes (contributions.conclusions), which fills the rest.
    PlanKind.CONCLUSION: "Kết luận tại Hội nghị phân tích, đánh giá kết quả các Chỉ số năm {prev_year} {province}",
}
# Type code of the document per kind (KH: kế hoạch; TB: thông báo).
TYPE_CODES = {PlanKind.CONCLUSION: "TB"}


def template(key: str) -> StarterTemplate:
    for candidate in TEMPLATES:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


# ---------------------------------------------------------------------------
# Header and signature from the issuing body
# ---------------------------------------------------------------------------


def _units_up(organisation: Organisation):
    """The organisation's administrative unit, or its nearest parent's."""
    current = organisation
    while current is not None:
        if current.admin_unit_id:
            return current.admin_unit
        current = current.parent
    return None


def _province(unit: AdministrativeUnit | None) -> AdministrativeUnit | None:
    while unit is not None and unit.level != UnitLevel.PROVINCE:
        unit = unit.parent
    return unit


def _division(unit: AdministrativeUnit | None) -> str:
    """“tỉnh”, “thành phố”, “huyện”… as written after “Ủy ban nhân dân”."""
    if unit is None or not unit.division_type:
        return "tỉnh"
    return unit.division_type.replace("thành phố trung ương", "thành phố")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _letterhead_of_parent(parent: Organisation) -> str:
    """“UBND TỈNH QUẢNG NAM” for a department of the provincial People's Committee."""
    if parent.letterhead_name:
        prefix = "UBND" if parent.letterhead_parent.upper() == "ỦY BAN NHÂN DÂN" else parent.letterhead_parent
        return " ".join(part for part in (prefix.upper(), parent.letterhead_name.upper()) if part)
    return parent.name.upper()


def header_fields(organisation: Organisation) -> dict[str, str]:
    """Letterhead lines, symbol and place of a document issued by ``organisation``.

    The letterhead is the organisation's own when set; otherwise its name in
    capitals under its parent's. The place is the short name of the
    administrative unit where the body sits (“Quảng Nam” for the provincial
    bodies, “Tam Kỳ” for the city's), as Decree 30/2020 writes it.
    """
    if organisation.letterhead_name:
        parent_line, own_line = organisation.letterhead_parent, organisation.letterhead_name
    else:
        own_line = (organisation.short_name or organisation.name).upper()
        parent_line = _letterhead_of_parent(organisation.parent) if organisation.parent_id else ""
    unit = _units_up(organisation)
    if unit is not None:
        place = unit.short_name
    elif organisation.tier == Tier.CENTRAL:
        place = "Hà Nội"
    else:
        place = organisation.short_name or organisation.name
    return {
        "letterhead_parent": parent_line,
        "letterhead_name": own_line,
        "symbol": organisation.symbol,
        "place": place,
    }


def signature_fields(organisation: Organisation) -> dict[str, str]:
    """The usual signature block: “TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH” for a People's
    Committee, “KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC” for a department; empty otherwise."""
    if organisation.kind == OrganisationKind.PEOPLE_COMMITTEE:
        return {
            "sign_on_behalf_of": "ỦY BAN NHÂN DÂN",
            "sign_for_mode": SigningMode.KT,
            "sign_for_title": "CHỦ TỊCH",
            "signer_title": "PHÓ CHỦ TỊCH",
        }
    if organisation.kind == OrganisationKind.DEPARTMENT:
        return {
            "sign_on_behalf_of": "",
            "sign_for_mode": SigningMode.KT,
            "sign_for_title": "GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
        }
    return {"sign_on_behalf_of": "", "sign_for_mode": SigningMode.NONE, "sign_for_title": "", "signer_title": ""}


def placeholders(organisation: Organisation, year: int) -> dict[str, str]:
    unit = _units_up(organisation)
    province = _province(unit)
    committee = f"Ủy ban nhân dân {_division(province)}"
    if organisation.kind == OrganisationKind.PEOPLE_COMMITTEE and unit is not None:
        issuer = f"Ủy ban nhân dân {_division(unit)}"
    else:
        issuer = organisation.name
    with_districts = year <= LAST_YEAR_WITH_DISTRICTS
    return {
        "year": str(year),
        "prev_year": str(year - 1),
        "province": _lower_first(province.name) if province else "",
        "place": province.short_name if province else "",
        "issuer": issuer,
        "committee": committee,
        "lower": "cấp huyện" if with_districts else "cấp xã",
        "lower_units": "các huyện, thị xã, thành phố" if with_districts else "các xã, phường, đặc khu",
        "lower_units_short": "UBND các huyện, TX, TP" if with_districts else "UBND các xã, phường, đặc khu",
    }


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(value, values: dict[str, str]):
    """Replace ``{name}`` placeholders in every string of ``value`` (unknown names stay as written)."""
    if isinstance(value, str):
        text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), value)
        # An empty placeholder leaves no double or trailing space behind.
        text = re.sub(r" +(?=\n|$)", "", re.sub(r" {2,}", " ", text))
        return unicodedata.normalize("NFC", text)
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    return value


@cache
def _template_data(key: str) -> dict:
    return json.loads(template(key).path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Creating plans
# ---------------------------------------------------------------------------


def _new_plan(*, issuing_body: Organisation, user, year: int, kind: str, subject: str, **fields) -> Plan:
    return Plan.objects.create(
        kind=kind,
        state=PlanState.DRAFT,
        issuing_body=issuing_body,
        year=year,
        subject=subject,
        created_by=user if getattr(user, "pk", None) else None,
        **header_fields(issuing_body),
        **signature_fields(issuing_body),
        **fields,
    )


@transaction.atomic
def create_blank_plan(*, issuing_body: Organisation, user, year: int, kind: str) -> Plan:
    """A draft with the header of ``issuing_body``, the usual signature block and a default subject, nothing else."""
    subject = fill(BLANK_SUBJECTS[PlanKind(kind)], placeholders(issuing_body, year))
    type_code = TYPE_CODES.get(PlanKind(kind), "KH")
    return _new_plan(issuing_body=issuing_body, user=user, year=year, kind=kind, subject=subject, type_code=type_code)


def _build(model: type[models.Model], row: dict, **fixed) -> models.Model:
    """An unsaved ``model`` from the keys of a template row that name its fields; ``fixed`` wins.
    Fields the row leaves out take the model's defaults."""
    names = {f.name for f in model._meta.concrete_fields}
    return model(**{name: value for name, value in row.items() if name in names and name not in fixed}, **fixed)


def _bulk_tree(model: type[models.Model], rows: list[dict], make: Callable[[dict, int, models.Model | None], models.Model]):
    """Create nested rows (``children``) level by level, one insert per level."""
    level = [(row, None) for row in rows]
    while level:
        siblings: dict[int | None, int] = {}
        objects = []
        for row, parent in level:
            key = id(parent)
            siblings[key] = siblings.get(key, 0) + 1
            objects.append(make(row, siblings[key], parent))
        model.objects.bulk_create(objects)
        level = [(child, obj) for (row, _parent), obj in zip(level, objects, strict=True) for child in row.get("children") or []]


@transaction.atomic
def create_from_template(*, template_key: str, issuing_body: Organisation, user, year: int) -> Plan:
    """A draft pre-filled from the template ``template_key`` (see ``TEMPLATES``) for ``issuing_body`` and ``year``."""
    starter = template(template_key)
    data = fill(_template_data(template_key), placeholders(issuing_body, year))
    agenda = data.get("agenda") or {}
    plan = _new_plan(
        issuing_body=issuing_body,
        user=user,
        year=year,
        kind=starter.kind,
        subject=data["subject"],
        agenda_attached=bool(agenda.get("attached")),
        agenda_title=agenda.get("title") or "CHƯƠNG TRÌNH",
        agenda_subject=agenda.get("subject", ""),
        **{name: data[name] for name in ("preamble", "closing", "budget_source", "participants_heading_marker") if name in data},
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(plan=plan, order=i, text=text) for i, text in enumerate(data.get("legal_bases") or [], start=1)
    )
    _bulk_tree(
        Section,
        data.get("sections") or [],
        lambda row, order, parent: _build(Section, row, plan=plan, parent=parent, order=order),
    )
    if data.get("conference") is not None:
        Conference.objects.create(**data["conference"], plan=plan)
    lower_tier = Tier.DISTRICT if year <= LAST_YEAR_WITH_DISTRICTS else Tier.COMMUNE
    points = {
        row["key"]: _build(BridgePoint, row, plan=plan, order=i, tier=lower_tier if row["tier"] == "lower" else row["tier"])
        for i, row in enumerate(data.get("bridge_points") or [], start=1)
    }
    BridgePoint.objects.bulk_create(points.values())
    ParticipantGroup.objects.bulk_create(
        _build(
            ParticipantGroup,
            row,
            plan=plan,
            order=i,
            bridge_point=points[row["bridge_point"]],
            tier=points[row["bridge_point"]].tier,
        )
        for i, row in enumerate(data.get("participants") or [], start=1)
    )
    _bulk_tree(
        AgendaItem,
        agenda.get("items") or [],
        lambda row, order, parent: _build(AgendaItem, row, plan=plan, parent=parent, order=order),
    )
    group_rows = data.get("task_groups") or []
    groups = [_build(TaskGroup, row, plan=plan, order=i) for i, row in enumerate(group_rows, start=1)]
    TaskGroup.objects.bulk_create(groups)
    Task.objects.bulk_create(
        _build(Task, task, group=group, order=j)
        for group, row in zip(groups, group_rows, strict=True)
        for j, task in enumerate(row.get("tasks") or [], start=1)
    )
    DistributionLine.objects.bulk_create(
        DistributionLine(plan=plan, order=i, text=text) for i, text in enumerate(data.get("distribution") or [], start=1)
    )
    return plan
