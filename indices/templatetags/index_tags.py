"""Template helpers of the index pages, and the plan editor's “insert index
sentences” form (sections part)."""

from __future__ import annotations

from django import template

from conferences.editing import tree_order
from conferences.models import Plan, Section
from directory.models import AdministrativeUnit, UnitLevel

from ..forms import InsertSentencesForm
from ..models import Edition, Index
from ..sentences import vn_number

register = template.Library()


@register.filter
def vn(value, decimals: int = 2):
    """Vietnamese number: 86,57."""
    if value is None or value == "":
        return ""
    return vn_number(value, min_decimals=int(decimals))


@register.filter
def signed(value):
    """+9 / −4 / 0 for changes of rank."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else (f"−{-value}" if value < 0 else "0")


@register.filter
def depth(code: str) -> int:
    """“3.2.1” → 2."""
    return min(str(code).count("."), 2)


@register.filter
def plain(value):
    """A machine-readable number for data-* attributes (dot decimal)."""
    return "" if value is None else str(value)


def insert_form(plan: Plan, data=None, version: int | None = None) -> InsertSentencesForm:
    sections = tree_order(Section.objects.filter(plan=plan))
    numbering, top, child = [], 0, 0
    for section in sections:
        if section.parent_id is None:
            top, child = top + 1, 0
            numbering.append((section.pk, f"{_roman(top)}. {section.heading}"[:80]))
        else:
            child += 1
            numbering.append((section.pk, f"    {top}.{child}. {section.heading}"[:80]))
    province = plan.issuing_body.admin_unit if plan.issuing_body_id else None
    while province is not None and province.level != UnitLevel.PROVINCE:
        province = province.parent
    units = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, index_results__isnull=False).distinct()
    years = sorted(set(Edition.objects.filter(results__isnull=False).values_list("year", flat=True)), reverse=True)
    initial = {
        "version": version,
        "unit": province.pk if province else None,
        "year": plan.year - 1 if plan.year - 1 in years else None,
    }
    return InsertSentencesForm(
        data,
        prefix="insert",
        initial=initial,
        sections=numbering,
        indices=Index.objects.order_by("code"),
        years=years,
        units=units.order_by("-period", "collation_key"),
    )


def _roman(number: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    text = ""
    for value, letters in numerals:
        while number >= value:
            text, number = text + letters, number - value
    return text


@register.inclusion_tag("indices/_insert_sentences.html", takes_context=True)
def insert_sentences_form(context, plan: Plan, version) -> dict:
    return {
        "csrf_token": context.get("csrf_token"),
        "plan": plan,
        "form": insert_form(plan, version=version),
        "has_sections": Section.objects.filter(plan=plan).exists(),
    }
