"""Frozen submitted versions and their section-by-section differences.

A submission stores the plan as it prints (:func:`documents.content.plan_content`),
cut into sections: the opening (subject, legal bases, preamble), each
Roman-numbered section with its subsections and structured content, the
closing (closing paragraph, Nơi nhận, signature) and the attached agenda.
The reviewer compares two submissions section by section; inside a changed
paragraph the changed words are marked.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from conferences import formatting
from conferences.selectors import plan_document_for_system
from documents.content import plan_content

OPENING, CLOSING, AGENDA = "opening", "closing", "agenda"


def _section(key: str, title: str, paragraphs: list[str]) -> dict:
    return {"key": key, "title": title, "paragraphs": [p for p in paragraphs if p]}


def plan_sections(plan_id: int) -> list[dict]:
    """The plan as printed, in sections: ``[{"key", "title", "paragraphs"}]``.

    Section keys are stable while the heading stays the same (``s:`` and the
    heading without its number), so a moved section is compared with itself."""
    doc = plan_document_for_system(plan_id=plan_id)
    document = plan_content(doc)
    closing_count = len(formatting.paragraphs(doc.plan.closing))
    body = list(document.body)
    closing = body[len(body) - closing_count :] if closing_count else []
    body = body[: len(body) - closing_count] if closing_count else body

    opening = [*document.subject_lines, *(formatting.plain_text(b) for b in document.legal_bases)]
    sections = []
    current = None
    for paragraph in body:
        if paragraph.style == "heading":
            heading = re.sub(r"^[IVXLC]+\.\s*", "", paragraph.lead).rstrip(":")
            current = _section(f"s:{heading}"[:40], paragraph.lead.rstrip(":"), [])
            sections.append(current)
            if paragraph.text:
                current["paragraphs"].append(formatting.plain_text(paragraph.text))
            continue
        target = current["paragraphs"] if current else opening
        target.append(paragraph.printed)
    closing_texts = [p.printed for p in closing]
    closing_texts += ["Nơi nhận:", *(f"- {line}" for line in document.distribution)]
    if document.signature:
        closing_texts += [*document.signature.titles, document.signature.name]
    result = [_section(OPENING, "KẾ HOẠCH", opening), *sections, _section(CLOSING, "Nơi nhận, chữ ký", closing_texts)]
    if document.agenda:
        rows = [
            " ".join(part for part in (row.number, row.content, "—", "; ".join(row.performers)) if part)
            for row in document.agenda.rows
        ]
        result.append(_section(AGENDA, document.agenda.title, [*document.agenda.subject_lines, *rows]))
    return _unique_keys(result)


def _unique_keys(sections: list[dict]) -> list[dict]:
    seen: dict[str, int] = {}
    for section in sections:
        key = section["key"]
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            section["key"] = f"{key[:36]}#{seen[key]}"
    return sections


# --- Differences ------------------------------------------------------------------


@dataclass
class ParagraphDiff:
    kind: str  # "same", "added", "removed", "changed"
    html: SafeString


@dataclass
class SectionDiff:
    key: str
    title: str
    status: str  # "same", "added", "removed", "changed"
    paragraphs: list[ParagraphDiff] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.status != "same"


_TOKEN = re.compile(r"\s+|[^\s]+")


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def inline_diff(old: str, new: str) -> SafeString:
    """``new`` with the words that differ from ``old`` marked: ``<del>`` removed, ``<ins>`` added."""
    a, b = _words(old), _words(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def _paragraph_diffs(old: list[str], new: list[str]) -> list[ParagraphDiff]:
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out += [ParagraphDiff("same", escape(text)) for text in new[j1:j2]]
        elif op == "replace":
            pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
            out += [ParagraphDiff("changed", inline_diff(a, b)) for a, b in pairs]
            out += [ParagraphDiff("removed", mark_safe(f"<del>{escape(t)}</del>")) for t in old[i1 + len(pairs) : i2]]  # noqa: S308
            out += [ParagraphDiff("added", mark_safe(f"<ins>{escape(t)}</ins>")) for t in new[j1 + len(pairs) : j2]]  # noqa: S308
        elif op == "delete":
            out += [ParagraphDiff("removed", mark_safe(f"<del>{escape(t)}</del>")) for t in old[i1:i2]]  # noqa: S308
        else:
            out += [ParagraphDiff("added", mark_safe(f"<ins>{escape(t)}</ins>")) for t in new[j1:j2]]  # noqa: S308
    return out


def section_diffs(old: list[dict] | None, new: list[dict]) -> list[SectionDiff]:
    """Every section of ``new`` (and those of ``old`` it dropped), in order,
    with what changed. Without ``old`` (the first submission) all are new."""
    if old is None:
        return [
            SectionDiff(s["key"], s["title"], "same", [ParagraphDiff("same", escape(p)) for p in s["paragraphs"]]) for s in new
        ]
    old_keys, new_keys = [s["key"] for s in old], [s["key"] for s in new]
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes():
        if op == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                paragraphs = _paragraph_diffs(a["paragraphs"], b["paragraphs"])
                status = "same" if all(p.kind == "same" for p in paragraphs) and a["title"] == b["title"] else "changed"
                out.append(SectionDiff(b["key"], b["title"], status, paragraphs))
            continue
        for a in old[i1:i2]:
            out.append(SectionDiff(a["key"], a["title"], "removed", _paragraph_diffs(a["paragraphs"], [])))
        for b in new[j1:j2]:
            out.append(SectionDiff(b["key"], b["title"], "added", _paragraph_diffs([], b["paragraphs"])))
    return out
