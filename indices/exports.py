"""The Department of Home Affairs' progress report on improvement plans, as XLSX and PDF."""

from __future__ import annotations

import datetime
import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from conferences.models import Plan

from .selectors import TaskProgress


def _status(row: TaskProgress) -> str:
    if row.done:
        return _("done")
    if row.overdue:
        return _("overdue")
    if not row.reported_this_month:
        return _("not reported this month")
    return _("in progress")


def progress_table(rows: list[TaskProgress]) -> list[list[str]]:
    """One line per task: unit, task, deadline, last month reported, %, status, last report."""
    lines = []
    for number, row in enumerate(rows, start=1):
        latest = row.latest
        lines.append(
            [
                str(number),
                ", ".join(a.display_name for a in row.task.assignees.all()) or row.task.group.heading,
                row.task.text,
                row.task.deadline.strftime("%d/%m/%Y") if row.task.deadline else "",
                latest.period.strftime("%m/%Y") if latest else "",
                str(row.percent),
                _status(row),
                latest.text if latest else "",
            ]
        )
    return lines


def headers() -> list[str]:
    return [_("No."), _("Unit"), _("Task"), _("Deadline"), _("Last report"), _("Progress (%)"), _("Status"), _("What was done")]


def title(plan: Plan | None, today: datetime.date) -> str:
    subject = plan.subject_one_line if plan else _("every improvement plan")
    return _("Progress of the improvement tasks (%(subject)s) on %(day)s") % {
        "subject": subject,
        "day": today.strftime("%d/%m/%Y"),
    }


def progress_xlsx(rows: list[TaskProgress], *, plan: Plan | None, today: datetime.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Progress")[:31]
    sheet.append([title(plan, today)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(headers())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for line in progress_table(rows):
        line[5] = int(line[5])
        sheet.append(line)
    for letter, width in zip("ABCDEFGH", (6, 28, 70, 12, 12, 12, 22, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def progress_pdf(rows: list[TaskProgress], *, plan: Plan | None, today: datetime.date) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "indices/progress_pdf.html",
        {"title": title(plan, today), "headers": headers(), "lines": progress_table(rows), "plan": plan, "today": today},
    )
    return HTML(string=html).write_pdf()
