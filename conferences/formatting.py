"""Formatting rules of Decree 30/2020/NĐ-CP used by pages and documents."""

from __future__ import annotations

import datetime
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def roman(number: int) -> str:
    result = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        result.append(letters * count)
    return "".join(result)


def decree_day(day: int) -> str:
    """Days below 10 get a leading zero: “05”."""
    return f"{day:02d}"


def decree_month(month: int) -> str:
    """Months 1 and 2 get a leading zero (“01”, “02”), the others do not."""
    return f"{month:02d}" if month in (1, 2) else str(month)


def date_phrase(*, date: datetime.date | None = None, month: int | None = None, year: int | None = None) -> str:
    """“ngày 05 tháng 01 năm 2024”; blanks left for a draft (“ngày      tháng 5 năm 2024”)."""
    if date is not None:
        return f"ngày {decree_day(date.day)} tháng {decree_month(date.month)} năm {date.year}"
    month_text = decree_month(month) if month else "\u2003\u2003"
    year_text = str(year) if year else "\u2003\u2003\u2003"
    return f"ngày \u2003\u2003 tháng {month_text} năm {year_text}"


def place_date_line(place: str, **kwargs) -> str:
    return f"{place}, {date_phrase(**kwargs)}"


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", re.S)


def inline_markup(text: str) -> SafeString:
    """Escape ``text`` and turn ``**bold**`` and ``*italic*`` into HTML."""
    html = escape(text or "")
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    return mark_safe(html)  # noqa: S308 - built from escaped text


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def inline_runs(text: str) -> list[tuple[str, bool, bool]]:
    """The same emphasis as :func:`inline_markup`, as ``(text, bold, italic)``
    runs for writers that do not take HTML (DOCX)."""

    def italic_runs(part: str, bold: bool) -> list[tuple[str, bool, bool]]:
        runs, position = [], 0
        for match in _ITALIC.finditer(part):
            runs += [(part[position : match.start()], bold, False), (match.group(1), bold, True)]
            position = match.end()
        runs.append((part[position:], bold, False))
        return runs

    runs, position = [], 0
    for match in _BOLD.finditer(text or ""):
        runs += italic_runs(text[position : match.start()], False) + italic_runs(match.group(1), True)
        position = match.end()
    runs += italic_runs((text or "")[position:], False)
    return [run for run in runs if run[0]]


def plain_text(text: str) -> str:
    """``text`` without its emphasis markers, as printed."""
    return "".join(run[0] for run in inline_runs(text))


def plan_reference(plan) -> str:
    """“Kế hoạch số 05/KH-UBND ngày 05 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh …”; blanks before issuance."""
    number = f"{plan.number:02d}" if plan.number is not None else "\u2003\u2003"
    date = date_phrase(date=plan.issue_date, month=plan.month, year=plan.year)
    return f"Kế hoạch số {number}/{plan.document_symbol} {date} của {plan.issuing_body.name}"
