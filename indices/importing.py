"""Reading and checking index result files (CSV or XLSX), one edition at a time.

The generic pieces (reading the file, row numbers, the plan of changes, the
templates) are the directory's (:mod:`directory.importing`); this module
knows the columns of an edition and checks its rows. Pure functions: the
caller passes what exists and gets an :class:`ImportPlan`; a plan with any
error must import nothing (:func:`indices.services.results_import`).

Columns: ``unit`` (code such as L-P49, or the name, accents optional),
``total``, ``rank``, ``out_of``, ``group``, then one column per component,
``c`` and its code (``c1``, ``c3.2``). Rows are keyed on the unit: a unit
already in the edition is updated, a new one created. An optional column
left out of the file leaves that value alone; an empty cell clears it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.importing import CREATE, UNCHANGED, UPDATE, Column, ImportPlan, RowChange, Table
from directory.text import fold

from .models import threshold_group
from .sentences import vn_number

COMPONENT_PREFIX = "c"
BASE_COLUMNS = (
    Column(
        "unit",
        "",
        True,
        gettext_lazy("Code (e.g. L-P49) or name (e.g. Quảng Nam) of a unit of the edition's period; one row per unit."),
        gettext_lazy("Unit"),
    ),
    Column("total", "total", False, gettext_lazy("Score, with a decimal comma or point (86,57). Empty if not published.")),
    Column("rank", "rank", False, gettext_lazy("Rank, from 1 to the number of units ranked.")),
    Column("out_of", "out_of", False, gettext_lazy("Number of units ranked (e.g. 63); empty: the usual number.")),
    Column("group", "group", False, gettext_lazy("Group as published; empty: from the score when the index has thresholds.")),
)
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class ComponentInfo:
    code: str
    name: str
    max_score: Decimal | None

    @property
    def column(self) -> str:
        return f"{COMPONENT_PREFIX}{self.code}"


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str


@dataclass(frozen=True)
class EditionInfo:
    max_total: Decimal | None
    group_labels: tuple[str, ...]
    default_out_of: int | None
    grouping: Mapping


def columns_for(components: list[ComponentInfo]) -> list[Column]:
    return [
        *BASE_COLUMNS,
        *(
            Column(
                c.column,
                "",
                False,
                _("Maximum %(max)s.") % {"max": vn_number(c.max_score)} if c.max_score is not None else "",
                f"{c.code}. {c.name}",
            )
            for c in components
        ),
    ]


def parse_number(text: str) -> Decimal:
    """“86,57”, “86.57”, “86,57 %” → Decimal; raises ValueError."""
    text = text.replace("%", "").replace(" ", "").replace("\u00a0", "")
    if not NUMBER.match(text):
        raise ValueError(text)
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if value.as_tuple().exponent < -3:
        raise ValueError(text)
    return value


def unit_lookup(units: list[tuple[str, str, str]]) -> dict[str, UnitInfo | None]:
    """(code, name, short name) → lookup by code, folded name and folded
    short name; a name shared by two units maps to None (ambiguous)."""
    lookup: dict[str, UnitInfo | None] = {}
    for code, name, short_name in units:
        info = UnitInfo(code, name)
        lookup[code] = info
        for key in {fold(name), fold(short_name)} - {""}:
            lookup[key] = None if key in lookup and lookup[key] != info else info
    return lookup


def check_results(
    table: Table,
    *,
    edition: EditionInfo,
    components: list[ComponentInfo],
    units: Mapping[str, UnitInfo | None],
    existing: Mapping[str, Mapping],
) -> ImportPlan:
    """Check a result file of one edition.

    ``units``: see :func:`unit_lookup` (the units the edition may rank).
    ``existing``: unit code → {"total", "rank", "out_of", "group", "scores": {component code: Decimal}}.
    """
    plan = ImportPlan(ignored_columns=table.ignored_columns)
    by_column = {c.column: c for c in components}
    component_columns = [key for key in table.columns if key in by_column]
    seen: dict[str, int] = {}
    for row, values in table.rows:
        errors_before = len(plan.errors)
        unit_text = values.get("unit", "")
        unit = None
        if not unit_text:
            plan.error(row, "unit", _("This column is required."))
        elif unit_text in units or fold(unit_text) in units:
            unit = units.get(unit_text, units.get(fold(unit_text)))
            if unit is None:
                plan.error(row, "unit", _("Several units are named “%(name)s”: write the code.") % {"name": unit_text})
        else:
            plan.error(
                row, "unit", _("“%(unit)s” is not a unit this edition ranks (wrong name or period).") % {"unit": unit_text}
            )
        if unit is not None:
            if unit.code in seen:
                plan.error(
                    row, "unit", _("“%(unit)s” already appears on row %(row)s.") % {"unit": unit.name, "row": seen[unit.code]}
                )
            else:
                seen[unit.code] = row
        before = existing.get(unit.code) if unit is not None else None
        clean: dict = {}
        for key in ("total", "rank", "out_of"):
            if key in values:
                clean[key] = _number(plan, row, key, values[key], integer=key != "total")
        total = clean.get("total", before["total"] if before else None)
        if total is not None and total < 0:
            plan.error(row, "total", _("The score cannot be negative."))
        if total is not None and edition.max_total is not None and total > edition.max_total:
            plan.error(
                row,
                "total",
                _("%(value)s is above the maximum total of %(max)s.")
                % {"value": vn_number(total), "max": vn_number(edition.max_total)},
            )
        rank = clean.get("rank", before["rank"] if before else None)
        kept_out_of = before["out_of"] if before and "out_of" not in values else None
        out_of = clean.get("out_of") or kept_out_of or edition.default_out_of
        if "out_of" in values:
            clean["out_of"] = out_of
        if out_of is not None and out_of < 1:
            plan.error(row, "out_of", _("The number of units ranked must be at least 1."))
        if rank is not None and (rank < 1 or (out_of is not None and rank > out_of)):
            plan.error(
                row,
                "rank",
                _("Rank %(rank)s is out of range: it must be between 1 and %(out_of)s.")
                % {"rank": rank, "out_of": out_of or "…"},
            )
        group = values.get("group", "")
        if group and edition.group_labels and group not in edition.group_labels:
            plan.error(
                row,
                "group",
                _("“%(group)s” is not a group of this index (%(groups)s).")
                % {"group": group, "groups": ", ".join(edition.group_labels)},
            )
        if not group and edition.grouping.get("method") == "thresholds":
            group = threshold_group(edition.grouping, edition.max_total, total)
        if "group" in values or edition.grouping.get("method") == "thresholds":
            clean["group"] = group
        scores = dict(before["scores"]) if before else {}
        for key in component_columns:
            component = by_column[key]
            value = _number(plan, row, key, values[key], integer=False)
            if value is None:
                scores.pop(component.code, None)
            elif value < 0:
                plan.error(row, key, _("A score cannot be negative."))
            elif component.max_score is not None and value > component.max_score:
                plan.error(
                    row,
                    key,
                    _("%(value)s is above the maximum of %(max)s for “%(component)s”.")
                    % {"value": vn_number(value), "max": vn_number(component.max_score), "component": component.name},
                )
            else:
                scores[component.code] = value
        clean["scores"] = scores
        if len(plan.errors) == errors_before and unit is not None:
            _diff(plan, row, unit, clean, before)
    plan.errors.sort(key=lambda error: error.row)
    return plan


def _number(plan: ImportPlan, row: int, key: str, text: str, *, integer: bool):
    if not text:
        return None
    try:
        value = parse_number(text)
    except ValueError:
        plan.error(row, key, _("“%(value)s” is not a number.") % {"value": text})
        return None
    if integer:
        if value != value.to_integral_value():
            plan.error(row, key, _("“%(value)s” is not a whole number.") % {"value": text})
            return None
        return int(value)
    return value


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return vn_number(value)
    return str(value)


def _diff(plan: ImportPlan, row: int, unit: UnitInfo, clean: dict, before: Mapping | None) -> None:
    changes = []
    for key in ("total", "rank", "out_of", "group"):
        if key in clean and (before is None or before.get(key) != clean[key]) and (before or clean[key] not in (None, "")):
            changes.append((key, _shown(before.get(key)) if before else "", _shown(clean[key])))
    old_scores = before["scores"] if before else {}
    for code in sorted(set(old_scores) | set(clean["scores"]), key=_code_key):
        old, new = old_scores.get(code), clean["scores"].get(code)
        if old != new:
            changes.append((f"{COMPONENT_PREFIX}{code}", _shown(old), _shown(new)))
    action = CREATE if before is None else (UPDATE if changes else UNCHANGED)
    plan.changes.append(RowChange(row, unit.code, unit.name, action, clean, changes))


def _code_key(code: str) -> list[int]:
    return [int(part) if part.isdigit() else 0 for part in code.split(".")]
