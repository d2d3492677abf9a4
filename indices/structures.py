"""Component trees of each index, per year, shipped as data.

``indices/structures/<index>-<first year>.json`` holds the tree in force
from ``first_year`` (until ``last_year`` when a later file replaced it):
PAPI had six dimensions until 2017 and eight since 2018; PAR Index has
fields, criteria and sub-criteria with their maximum points; SIPAS five
elements. An administrator prepares a new year by copying the previous
year's tree (:func:`copy_tree`) and editing it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from .models import Component, ComponentLevel, Edition

STRUCTURES_DIR = Path(__file__).resolve().parent / "structures"
LEVELS = [ComponentLevel.DIMENSION, ComponentLevel.SUB_DIMENSION, ComponentLevel.INDICATOR]


@cache
def _specs() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(STRUCTURES_DIR.glob("*.json"))]


def structure_spec(index_code: str, year: int) -> dict | None:
    """The shipped tree in force for ``index_code`` in ``year``, if any."""
    candidates = [
        spec
        for spec in _specs()
        if spec["index"] == index_code and spec["first_year"] <= year and year <= spec.get("last_year", 9999)
    ]
    return max(candidates, key=lambda spec: spec["first_year"], default=None)


def flatten(components: list[dict], depth: int = 0):
    """(spec row, depth, parent code) in reading order."""
    for order, row in enumerate(components, start=1):
        yield row, depth, order
        yield from flatten(row.get("children") or [], depth + 1)


def parent_code(code: str) -> str:
    """“1.2” → “1”; “1” → “”."""
    return code.rpartition(".")[0]


def apply_spec(edition: Edition, spec: dict) -> int:
    """Create the components of ``spec`` that the edition lacks and fill the
    edition's grouping and maximum when empty. Existing components keep
    their values (an empty key or maximum is filled in). Returns how many
    components were created."""
    changed = []
    if edition.max_total is None:
        edition.max_total = Decimal(str(spec["max_total"]))
        changed.append("max_total")
    if not edition.grouping and spec.get("grouping"):
        edition.grouping = spec["grouping"]
        changed.append("grouping")
    if spec.get("sample") and not edition.structure_is_sample:
        edition.structure_is_sample = True
        changed.append("structure_is_sample")
    if changed:
        edition.save(update_fields=changed)
    existing = {component.code: component for component in edition.components.all()}
    created = 0
    for row, depth, order in flatten(spec["components"]):
        code = row["code"]
        max_score = Decimal(str(row["max"])) if row.get("max") is not None else None
        component = existing.get(code)
        if component is None:
            component = Component.objects.create(
                edition=edition,
                parent=existing.get(parent_code(code)),
                order=order,
                code=code,
                name=row["name"],
                level=LEVELS[min(depth, 2)],
                max_score=max_score,
                key=row.get("key", ""),
            )
            existing[code] = component
            created += 1
        elif (not component.key and row.get("key")) or (component.max_score is None and max_score is not None):
            component.key = component.key or row.get("key", "")
            component.max_score = component.max_score if component.max_score is not None else max_score
            component.save(update_fields=["key", "max_score"])
    return created


def copy_tree(source: Edition, target: Edition) -> int:
    """Copy every component of ``source`` into the empty ``target`` (parents
    kept), with the maximum total and grouping. Returns how many were copied."""
    target.max_total = source.max_total
    target.grouping = source.grouping
    target.structure_is_sample = source.structure_is_sample
    target.save(update_fields=["max_total", "grouping", "structure_is_sample"])
    copies: dict[int, Component] = {}
    for component in sorted(source.components.all(), key=lambda c: (c.code.count("."), c.pk)):
        copies[component.pk] = Component.objects.create(
            edition=target,
            parent=copies.get(component.parent_id),
            order=component.order,
            code=component.code,
            name=component.name,
            level=component.level,
            max_score=component.max_score,
            key=component.key,
        )
    return len(copies)
