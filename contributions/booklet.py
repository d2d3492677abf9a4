"""The conference materials booklet: one PDF built in the worker.

Order: cover page, table of contents, the plan as issued (the signed PDF of
the workflow when there is one, else the plan rendered now, marked DỰ THẢO
until issued) with its attached agenda, the summary of the indices the
conference covers, then every contribution in agenda order, each after a
separator page naming the unit. DOCX contributions are converted with
LibreOffice (:mod:`contributions.convert`) once and the PDF kept.

Bookmarks (pypdf outline) point at the cover, the contents, the plan, the
agenda, the index summary and each contribution; the table of contents
gives the same page numbers (pages of the booklet, from 1). Cover,
contents, summary and separators are HTML pages rendered by
:func:`documents.rendering.render_markup`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from conferences.models import Plan
from documents.content import conference_name

from . import selectors, services
from .convert import ConversionError, docx_to_pdf
from .models import Booklet, BookletState, ContributionFile, FileType
from .summary import index_summary

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


@dataclass
class Part:
    """A run of pages of the booklet with its bookmark (``children``: bookmarks inside it)."""

    title: str
    pdf: bytes
    level: int = 0
    children: list[tuple[str, int]] = field(default_factory=list)  # (title, page offset in this part)
    pages: int = 0


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data), strict=False)


def page_count(data: bytes) -> int:
    return len(_pdf_reader(data).pages)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()


def agenda_page(plan_pdf: bytes, agenda_title: str, reference: str) -> int | None:
    """Index of the page where the attached agenda starts (its title and the
    “(Kèm theo Kế hoạch …)” line are on it), searched from the second page."""
    reader = _pdf_reader(plan_pdf)
    title, ref = _fold(agenda_title), _fold(reference)[:24]
    for index in range(1, len(reader.pages)):
        text = _fold(reader.pages[index].extract_text() or "")
        if title in text and ref in text:
            return index
    return None


def render(template: str, context: dict) -> bytes:
    from documents.rendering import render_markup

    return render_markup(render_to_string(f"contributions/booklet/{template}", context))


def contribution_pdf(stored: ContributionFile) -> bytes:
    """The PDF of a contribution; a DOCX is converted once and the result kept."""
    if stored.file_type == FileType.PDF:
        with stored.file.open("rb") as handle:
            return handle.read()
    if stored.pdf:
        with stored.pdf.open("rb") as handle:
            return handle.read()
    with stored.file.open("rb") as handle:
        data = docx_to_pdf(handle.read())
    stored.pdf.save(f"v{stored.version}-{stored.sha256[:12]}-docx.pdf", ContentFile(data), save=False)
    ContributionFile.objects.filter(pk=stored.pk).update(pdf=stored.pdf.name)
    return data


def _plan_title(plan: Plan) -> str:
    kind = plan.document_type_name.capitalize()
    return f"{kind} số {plan.number_display}" if plan.number is not None else f"{kind} (dự thảo)"


def assemble(plan: Plan, rows: list[selectors.RequestRow], progress: Progress | None = None) -> tuple[bytes, list[dict]]:
    """The booklet's bytes and its table of contents ``[{title, page, level}]``."""
    from pypdf import PdfWriter

    def step(percent: int, what: str) -> None:
        if progress:
            progress(percent, what)

    from conferences.selectors import plan_document_for_system
    from documents import services as documents

    step(5, "plan")
    _name, plan_pdf = services.issued_pdf(plan)
    parts = [Part(_plan_title(plan), plan_pdf)]
    official = documents.plan_official_document(plan_document_for_system(plan_id=plan.pk))
    if official.agenda is not None:
        found = agenda_page(plan_pdf, official.agenda.title, official.agenda.reference)
        if found is not None:
            parts[0].children.append(("Chương trình Hội nghị", found))

    step(15, "summary")
    summary = index_summary(plan)
    if summary:
        parts.append(Part("Tóm tắt kết quả các Chỉ số", render("summary.html", {"plan": plan, "entries": summary})))

    submitted = [row for row in rows if row.latest is not None]
    missing = [row for row in rows if row.latest is None]
    contributions = []
    for number, row in enumerate(submitted, start=1):
        step(20 + int(60 * (number - 1) / max(len(submitted), 1)), f"contribution {number}/{len(submitted)}")
        try:
            contributions.append(contribution_pdf(row.latest))
        except ConversionError:
            # One unreadable DOCX does not hold back the booklet: a page says so.
            logger.exception("Converting contribution file %s failed", row.latest.pk)
            contributions.append(render("unconverted.html", {"row": row}))
    if submitted:
        parts.append(Part("Tham luận", b""))
        separators = _separators(plan, submitted)
        for number, (row, separator, pdf) in enumerate(zip(submitted, separators, contributions, strict=True), start=1):
            parts.append(Part(f"{number}. {row.request.organisation.name}", _join([separator, pdf]), level=1))

    step(85, "contents")
    for part in parts:
        part.pages = page_count(part.pdf) if part.pdf else 0
    cover = render("cover.html", {"plan": plan, "conference": conference_name(plan), "place_year": _place_year(plan)})
    cover_pages = page_count(cover)
    contents_pages, toc, contents_pdf = 1, [], b""
    for _attempt in range(3):
        toc = _contents(parts, first_page=cover_pages + contents_pages + 1)
        contents_pdf = render("contents.html", {"plan": plan, "entries": toc, "missing": missing})
        pages = page_count(contents_pdf)
        if pages == contents_pages:
            break
        contents_pages = pages

    step(92, "merge")
    writer = PdfWriter()
    writer.append(io.BytesIO(cover), import_outline=False)
    writer.add_outline_item(title="Trang bìa", page_number=0)
    writer.append(io.BytesIO(contents_pdf), import_outline=False)
    writer.add_outline_item(title="Mục lục", page_number=cover_pages)
    parent = pending = None
    for part in parts:
        start = len(writer.pages)
        if not part.pdf:  # a heading only ("Tham luận"): its bookmark goes to its first child's page
            pending = part
            continue
        writer.append(io.BytesIO(part.pdf), import_outline=False)
        if part.level == 0:
            parent = item = writer.add_outline_item(title=part.title, page_number=start)
        else:
            if pending is not None:
                parent, pending = writer.add_outline_item(title=pending.title, page_number=start), None
            item = writer.add_outline_item(title=part.title, page_number=start, parent=parent)
        for title, offset in part.children:
            writer.add_outline_item(title=title, page_number=start + offset, parent=item)
    writer.add_metadata(
        {"/Title": f"Tài liệu {conference_name(plan)}", "/Author": plan.issuing_body.name, "/Producer": "Hội nghị CCHC"}
    )
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), [{"title": "Mục lục", "page": cover_pages + 1, "level": 0}, *toc]


def _join(pdfs: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in pdfs:
        writer.append(io.BytesIO(data), import_outline=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _separators(plan: Plan, rows: list[selectors.RequestRow]) -> list[bytes]:
    """One separator page per contribution, laid out in one rendering and split."""
    from pypdf import PdfWriter

    data = render("separators.html", {"plan": plan, "rows": rows})
    reader = _pdf_reader(data)
    if len(reader.pages) != len(rows):
        return [render("separators.html", {"plan": plan, "rows": [row]}) for row in rows]
    pages = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        pages.append(out.getvalue())
    return pages


def _contents(parts: list[Part], *, first_page: int) -> list[dict]:
    entries, page = [], first_page
    for part in parts:
        entries.append({"title": part.title, "page": page, "level": part.level})
        for title, offset in part.children:
            entries.append({"title": title, "page": page + offset, "level": part.level + 1})
        page += part.pages
    return entries


def _place_year(plan: Plan) -> str:
    from contributions.conclusions import conference_date

    day = conference_date(plan)
    return f"{plan.place}, tháng {day.month} năm {day.year}" if day else f"{plan.place}, năm {plan.year}"


# --- The job ------------------------------------------------------------------------------


def _update(booklet_id: int, **fields) -> None:
    Booklet.objects.filter(pk=booklet_id).update(updated_at=timezone.now(), **fields)


def build(booklet_id: int) -> dict:
    """Build (or, when nothing changed since, keep) the booklet of a plan."""
    from config import jobs

    if not jobs.claim(Booklet, booklet_id, progress=2, error="", step=""):  # another message has it, or it is done
        return {"id": booklet_id, "skipped": True}
    booklet = Booklet.objects.select_related("plan__issuing_body").get(pk=booklet_id)
    plan = booklet.plan

    def progress(percent: int, what: str) -> None:
        _update(booklet_id, progress=min(percent, 99), step=what[:200])

    try:
        rows = selectors.booklet_requests(plan)
        fingerprint = selectors.booklet_fingerprint(plan, rows)
        if fingerprint == booklet.source_hash and booklet.file and booklet.file.storage.exists(booklet.file.name):
            _update(booklet_id, state=BookletState.DONE, progress=100, step="")
            return {"id": booklet_id, "version": booklet.version, "rewritten": False}
        data, contents = assemble(plan, rows, progress)
    except Exception as error:
        logger.exception("Building the booklet of plan %s failed", plan.pk)
        message = f"{type(error).__name__}: {error}"[:2000]
        _update(booklet_id, state=BookletState.FAILED, error=message, step="")
        return {"id": booklet_id, "error": message}

    with transaction.atomic():
        booklet = Booklet.objects.select_for_update().get(pk=booklet_id)
        if booklet.state != BookletState.RUNNING:  # taken back by the sweeper meanwhile: its run writes the file
            return {"id": booklet_id, "skipped": True}
        old_name = booklet.file.name if booklet.file else ""
        booklet.version += 1
        booklet.file.save(f"tai-lieu-hoi-nghi-{plan.pk}-v{booklet.version}.pdf", ContentFile(data), save=False)
        booklet.sha256 = hashlib.sha256(data).hexdigest()
        booklet.source_hash = fingerprint
        booklet.page_count = page_count(data)
        booklet.contents = contents
        booklet.state, booklet.progress, booklet.error, booklet.step = BookletState.DONE, 100, "", ""
        booklet.built_at = timezone.now()
        booklet.save()
    if old_name and old_name != booklet.file.name:
        transaction.on_commit(lambda: booklet.file.storage.delete(old_name))
    return {"id": booklet_id, "version": booklet.version, "rewritten": True, "pages": booklet.page_count}
