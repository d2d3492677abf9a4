"""What an official document says, in document order, whatever the format.

The PDF (templates under ``templates/documents/`` through
:mod:`documents.rendering`) and the DOCX (:mod:`documents.docx`) are both
written from an :class:`OfficialDocument`, so the two hold the same
paragraphs in the same order. Texts keep the inline ``**bold**`` /
``*italic*`` markup of the plan; ``printed`` gives what ends up on paper.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone

from conferences import formatting
from conferences.selectors import PlanDocument, SectionNode

NATIONAL_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DRAFT_MARK = "DỰ THẢO"
BLANK = "\u2003\u2003\u2003"  # room for the number written at issuance
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the body.

    ``style``: ``body`` (justified, first-line indent), ``legal`` (italic legal
    basis), ``heading`` (I. …, bold), ``subheading`` (1. …, bold), ``group``
    (bold heading of a participant or task group), ``line`` (a ``-``/``+``
    line). ``lead`` is a bold run-in start (“3. Hình thức tổ chức:”).
    """

    text: str
    style: str = "body"
    lead: str = ""
    level: int = 0
    qr: str = ""  # data of a QR code printed beside the text (the reply link of a Giấy mời)

    @property
    def printed(self) -> str:
        return " ".join(part for part in (self.lead, formatting.plain_text(self.text)) if part)

    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.style}\0{self.level}\0{self.lead}\0{self.text}\0{self.qr}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Letterhead:
    parent: str
    name: str
    number: str
    place_date: str


@dataclass(frozen=True)
class Signature:
    titles: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class AgendaRow:
    number: str
    content: str
    performers: tuple[str, ...]
    sub: bool = False


@dataclass(frozen=True)
class Agenda:
    title: str
    subject_lines: tuple[str, ...]
    reference: str
    rows: tuple[AgendaRow, ...]


@dataclass(frozen=True)
class OfficialDocument:
    kind: str  # "plan" or "invitation"
    title: str  # PDF title
    subject: str  # PDF subject: the trích yếu on one line
    author: str  # PDF author: the issuing body
    draft: bool
    letterhead: Letterhead
    doc_type: str
    subject_lines: tuple[str, ...]
    legal_bases: tuple[str, ...] = ()
    body: tuple[Paragraph, ...] = ()
    distribution: tuple[str, ...] = ()
    signature: Signature | None = None
    agenda: Agenda | None = None
    created: str = ""  # ISO date of issue, for the PDF metadata
    motto: tuple[str, str] = NATIONAL_MOTTO
    lang: str = "vi"
    draft_mark: str = DRAFT_MARK

    def fingerprint(self) -> str:
        """SHA-256 of everything printed: equal fingerprints give equal documents."""
        data = json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()

    def paragraphs(self) -> list[str]:
        """Every printed paragraph of the main document in order (no letterhead, no agenda)."""
        texts = [self.doc_type, *self.subject_lines, *(formatting.plain_text(b) for b in self.legal_bases)]
        texts += [p.printed for p in self.body]
        texts += ["Nơi nhận:", *(f"- {line}" for line in self.distribution)]
        if self.signature:
            texts += [*self.signature.titles, self.signature.name]
        return [t for t in texts if t]


@dataclass(frozen=True)
class Recipient:
    """Who one Giấy mời is for, and where they attend.

    Built from the plan by :func:`documents.recipients.plan_recipients` until
    the invitations app has its own rows; it can build these itself.
    """

    name: str  # printed after “trân trọng kính mời:”
    bridge_point: str  # heading of the bridge point attended
    venue: str  # printed after “Địa điểm:”
    key: str = ""  # stable identifier (organisation code) for file names
    hosts_point: bool = False  # the recipient runs its own bridge point and invites its lower tier
    notes: tuple[str, ...] = field(default_factory=tuple)
    bridge_point_key: str = ""  # key of the plan's bridge point attended


@dataclass(frozen=True)
class Issuer:
    """Who issues a Giấy mời when it is not the plan's issuing body: a district
    that invites its own communes to its bridge point (the tier cascade)."""

    name: str  # “Ủy ban nhân dân thành phố Tam Kỳ”, printed before “trân trọng kính mời”
    letterhead_parent: str
    letterhead_name: str
    symbol: str  # “UBND” → “GM-UBND”
    place: str
    signature: Signature | None
    save_line: str = "Lưu: VT."  # last line of Nơi nhận


# --- Shared parts ------------------------------------------------------------


def _number(number: int | None, symbol: str) -> str:
    return f"Số: {number:02d}/{symbol}" if number is not None else f"Số: {BLANK}/{symbol}"


def _signature(plan) -> Signature | None:
    titles = []
    if plan.sign_on_behalf_of:
        titles.append(f"TM. {plan.sign_on_behalf_of}")
    if plan.sign_for_mode:
        titles.append(f"{plan.sign_for_mode}. {plan.sign_for_title}")
    elif plan.sign_for_title:
        titles.append(plan.sign_for_title)
    if plan.signer_title:
        titles.append(plan.signer_title)
    if not titles and not plan.signer_name:
        return None
    return Signature(titles=tuple(titles), name=plan.signer_name)


def _lines(text: str) -> list[str]:
    return formatting.paragraphs(text)


# --- The plan (KẾ HOẠCH) with its attached agenda -------------------------------


def _section_paragraphs(doc: PlanDocument, node: SectionNode, depth: int) -> list[Paragraph]:
    section = node.section
    number = formatting.roman(node.number) if depth == 1 else str(node.number)
    style = "heading" if depth == 1 else "subheading"
    body = _lines(doc.plan.budget_source if section.content == "budget" else section.body)
    if section.run_in and body:
        out = [Paragraph(body[0], style=style, lead=f"{number}. {section.heading}:")]
        body = body[1:]
    else:
        out = [Paragraph("", style=style, lead=f"{number}. {section.heading}")]
    out += [Paragraph(line) for line in body]
    if section.content == "participants":
        out += _participant_paragraphs(doc)
    if section.content == "tasks":
        out += _task_paragraphs(doc)
    for child in node.children:
        out += _section_paragraphs(doc, child, depth + 1)
    return out


def _marked(text: str, marker: str) -> str:
    return f"{marker} {text}" if marker else text


def _participant_paragraphs(doc: PlanDocument) -> list[Paragraph]:
    out = []
    for block in doc.participant_blocks:
        if block.bridge_point:
            marker = "*" if doc.plan.participants_heading_marker == "star" else f"{block.number}."
            out.append(Paragraph(block.bridge_point.heading, style="group", lead=marker))
        out += [Paragraph(_marked(line.text, line.marker), style="line", level=line.level) for line in block.lines]
    return out


def _task_paragraphs(doc: PlanDocument) -> list[Paragraph]:
    out = []
    for number, group in enumerate(doc.task_groups, start=1):
        tasks = list(group.tasks.all())
        lines = [Paragraph(_marked(t.text, t.marker), style="line", level=t.level) for t in tasks]
        if group.run_in and group.intro:
            out.append(Paragraph(group.intro, style="body", lead=f"{number}. {group.heading}:"))
        elif group.run_in and tasks:
            out.append(Paragraph(tasks[0].text, style="body", lead=f"{number}. {group.heading}:"))
            lines = lines[1:]
        else:
            out.append(Paragraph("", style="group", lead=f"{number}. {group.heading}"))
            out += [Paragraph(line) for line in _lines(group.intro)]
        out += lines
        out += [Paragraph(line) for line in _lines(group.note)]
    return out


def _agenda(doc: PlanDocument) -> Agenda | None:
    if not doc.agenda:
        return None
    plan = doc.plan
    rows = []
    for number, (item, children) in enumerate(doc.agenda, start=1):
        rows.append(AgendaRow(str(number), item.content, tuple(_lines(item.performers))))
        rows += [AgendaRow(child.marker, child.content, tuple(_lines(child.performers)), sub=True) for child in children]
    return Agenda(
        title=plan.agenda_title or "CHƯƠNG TRÌNH",
        subject_lines=tuple(_lines(plan.agenda_subject)),
        reference=f"(Kèm theo {formatting.plan_reference(plan)})",
        rows=tuple(rows),
    )


def _date_line(plan) -> str:
    return formatting.place_date_line(plan.place, date=plan.issue_date, month=plan.month, year=plan.year)


def plan_content(doc: PlanDocument) -> OfficialDocument:
    plan = doc.plan
    body = [Paragraph(line) for line in _lines(plan.preamble)]
    for node in doc.sections:
        body += _section_paragraphs(doc, node, 1)
    if doc.unplaced_participants:
        body += _participant_paragraphs(doc)
    if doc.unplaced_tasks:
        body += _task_paragraphs(doc)
    body += [Paragraph(line) for line in _lines(plan.closing)]
    number = plan.number_display if plan.number is not None else None
    return _nfc_document(
        OfficialDocument(
            kind="plan",
            title=f"Kế hoạch số {number or '/' + plan.document_symbol}: {plan.subject_one_line}",
            subject=plan.subject_one_line,
            author=plan.issuing_body.name,
            draft=plan.number is None,
            letterhead=Letterhead(
                parent=plan.letterhead_parent,
                name=plan.letterhead_name,
                number=f"Số: {number}" if number else _number(None, plan.document_symbol),
                place_date=_date_line(plan),
            ),
            doc_type="KẾ HOẠCH",
            subject_lines=tuple(_lines(plan.subject)),
            legal_bases=tuple(basis.text for basis in doc.legal_bases),
            body=tuple(body),
            distribution=tuple(line.text for line in doc.distribution),
            signature=_signature(plan),
            agenda=_agenda(doc),
            created=plan.issue_date.isoformat() if plan.issue_date else "",
        )
    )


# --- The Giấy mời ---------------------------------------------------------------


def conference_name(plan) -> str:
    """“Hội nghị …” from the subject “Tổ chức Hội nghị …”."""
    subject = plan.subject_one_line
    return subject.removeprefix("Tổ chức ").strip() if subject.startswith("Tổ chức ") else subject


def conference_time(conference) -> str:
    """“08 giờ 00 phút, Thứ Sáu, ngày 31 tháng 5 năm 2024”, or the time as written."""
    if conference.starts_at:
        start = timezone.localtime(conference.starts_at)
        day = formatting.date_phrase(date=start.date())
        return f"{start.hour:02d} giờ {start.minute:02d} phút, {WEEKDAYS[start.weekday()]}, {day}."
    return conference.time_text


def invitation_content(
    doc: PlanDocument,
    recipient: Recipient,
    *,
    number: int | None = None,
    issue_date=None,
    issuer: Issuer | None = None,
    reply_url: str = "",
) -> OfficialDocument:
    """The Giấy mời of the plan's conference for one recipient; unnumbered
    (a draft) until the invitations app issues it with a number and date.
    ``issuer`` replaces the plan's issuing body (tier cascade); ``reply_url``
    is printed with its QR code."""
    plan = doc.plan
    conference = getattr(plan, "conference", None)
    if conference is None:
        raise ValueError("This plan has no conference to invite to.")
    if issuer is None:
        issuer = Issuer(
            name=plan.issuing_body.name,
            letterhead_parent=plan.letterhead_parent,
            letterhead_name=plan.letterhead_name,
            symbol=plan.symbol,
            place=plan.place,
            signature=_signature(plan),
            save_line=next((line.text for line in reversed(doc.distribution) if line.text.startswith("Lưu")), "Lưu: VT."),
        )
    symbol = f"GM-{issuer.symbol}" if issuer.symbol else "GM"
    name = conference_name(plan)
    chair = f"{conference.chair.full_name}, {conference.chair.title}" if conference.chair else conference.chair_text
    body = [
        Paragraph(f"{issuer.name} trân trọng kính mời: **{recipient.name}**", style="plain"),
        Paragraph(f"Tới dự {name}.", style="plain"),
    ]
    if chair:
        body.append(Paragraph(chair, style="plain", lead="Chủ trì:"))
    body.append(Paragraph(conference_time(conference), style="plain", lead="Thời gian:"))
    body.append(Paragraph(recipient.venue, style="plain", lead="Địa điểm:"))
    reference = formatting.plan_reference(plan)
    notes = list(recipient.notes)
    if recipient.hosts_point:
        notes.append(
            "Đề nghị Quý cơ quan chuẩn bị các điều kiện cần thiết tại điểm cầu và mời thành phần dự "
            f"Hội nghị tại điểm cầu theo {reference}."
        )
    else:
        notes.append(f"Thành phần dự Hội nghị theo {reference}.")
    body += [Paragraph(note, style="body") for note in notes]
    if reply_url:
        body.append(
            Paragraph(f"Xác nhận tham dự và đăng ký đại biểu: quét mã QR hoặc truy cập {reply_url}", style="reply", qr=reply_url)
        )
    year = timezone.localtime(conference.starts_at).year if conference.starts_at else plan.year
    place_date = formatting.place_date_line(issuer.place, date=issue_date, year=year)
    title_number = f"{number:02d}/{symbol}" if number is not None else f"/{symbol}"
    return _nfc_document(
        OfficialDocument(
            kind="invitation",
            title=f"Giấy mời số {title_number}: {recipient.name}",
            subject=f"Dự {name}",
            author=issuer.name,
            draft=number is None,
            letterhead=Letterhead(issuer.letterhead_parent, issuer.letterhead_name, _number(number, symbol), place_date),
            doc_type="GIẤY MỜI",
            subject_lines=(f"Dự {name}",),
            body=tuple(body),
            distribution=("Như trên;", issuer.save_line),
            signature=issuer.signature,
            created=issue_date.isoformat() if issue_date else "",
        )
    )


def _nfc_document(document: OfficialDocument) -> OfficialDocument:
    """Every text in NFC, whatever the keyboard that typed it."""

    def walk(value):
        if isinstance(value, str):
            return nfc(value)
        if isinstance(value, tuple):
            return tuple(walk(v) for v in value)
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(value, **{f.name: walk(getattr(value, f.name)) for f in dataclasses.fields(value)})
        return value

    return walk(document)
