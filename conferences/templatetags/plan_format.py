from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from conferences import formatting

register = template.Library()


@register.filter
def roman(value: int) -> str:
    return formatting.roman(int(value))


@register.filter
def inline(value: str) -> SafeString:
    """Escaped text with **bold** and *italic*."""
    return formatting.inline_markup(value)


@register.filter
def paragraphs(value: str) -> SafeString:
    """One <p> per line of the text, with inline emphasis."""
    return format_html_join("", "<p>{}</p>", ((formatting.inline_markup(line),) for line in formatting.paragraphs(value)))


@register.filter
def lines(value: str) -> list[str]:
    return formatting.paragraphs(value)


@register.simple_tag
def place_date(plan) -> str:
    return formatting.place_date_line(plan.place, date=plan.issue_date, month=plan.month, year=plan.year)


@register.simple_tag
def agenda_reference(plan) -> str:
    """“(Kèm theo Kế hoạch số …/KH-UBND ngày … của Ủy ban nhân dân tỉnh …)”."""
    return f"(Kèm theo {formatting.plan_reference(plan)})"
