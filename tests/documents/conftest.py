"""The five seed plans rendered once per test run (PDF and DOCX), with the
texts stored in the database to compare them with."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.db import transaction

SEEDS = ["000", "001", "002", "003", "004"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Rendered files go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class RenderedSeed:
    key: str
    official: object  # documents.content.OfficialDocument
    pdf: bytes
    docx: bytes
    stored: dict  # texts read from the database
    invitations: list = field(default_factory=list)  # (Recipient, OfficialDocument, pdf bytes, docx bytes)
    issued: dict = field(default_factory=dict)  # issue date ISO → (OfficialDocument, pdf bytes) of the plan issued as no. 5


def _stored_texts(plan) -> dict:
    from conferences import formatting
    from conferences.models import AgendaItem

    items = list(AgendaItem.objects.filter(plan=plan).order_by("parent_id", "order"))
    top = [i for i in items if i.parent_id is None]
    agenda = []
    for item in sorted(top, key=lambda i: i.order):
        agenda.append(item)
        agenda += sorted((c for c in items if c.parent_id == item.pk), key=lambda c: c.order)
    return {
        "letterhead": [plan.letterhead_parent, plan.letterhead_name],
        "subject": formatting.paragraphs(plan.subject),
        "legal_bases": [b.text for b in plan.legal_bases.order_by("order")],
        "headings": [s.heading for s in plan.sections.order_by("parent_id", "order")],
        "agenda_contents": [formatting.plain_text(i.content) for i in agenda],
        "agenda_performers": [line for i in agenda for line in formatting.paragraphs(i.performers)],
        "distribution": [line.text for line in plan.distribution_lines.order_by("order")],
        "signer_name": plan.signer_name,
        "place": plan.place,
    }


_rendered: dict[str, RenderedSeed] = {}


def load_seed_drafts() -> None:
    """The five seed plans as drafts, as transcribed (``load_demo`` would also
    issue seeds 000 and 002, numbering and signing them)."""
    from conferences.demo.loader import plans_load
    from conferences.management.commands.load_demo import SEED_PROVINCES
    from directory.services import units_load

    units_load(commune_provinces=SEED_PROVINCES)
    plans_load()


@pytest.fixture
def rendered_seeds(db) -> dict[str, RenderedSeed]:
    """Every seed rendered once per test run: the first test that asks loads
    the demo and renders inside its own transaction (rolled back after it);
    the bytes and texts are kept for the others."""
    if not _rendered:
        _rendered.update(_render_seeds())
    return _rendered


def _render_seeds() -> dict[str, RenderedSeed]:
    from conferences.models import Plan
    from conferences.selectors import plan_document_for_system
    from documents import services
    from documents.docx import render_docx
    from documents.rendering import render_pdf

    out: dict[str, RenderedSeed] = {}
    with transaction.atomic():
        load_seed_drafts()
        for seed in SEEDS:
            plan = Plan.objects.get(key=f"seed-{seed}")
            doc = plan_document_for_system(plan_id=plan.pk)
            official = services.plan_official_document(doc)
            rendered = RenderedSeed(seed, official, render_pdf(official), render_docx(official), _stored_texts(plan))
            district = [(r, d) for r, d in services.invitation_documents(doc) if r.hosts_point]
            for recipient, invitation in district[:1]:
                rendered.invitations.append((recipient, invitation, render_pdf(invitation), render_docx(invitation)))
            out[seed] = rendered
        plan = Plan.objects.get(key="seed-000")
        for day in (datetime.date(2024, 1, 5), datetime.date(2024, 2, 5), datetime.date(2024, 6, 29)):
            Plan.objects.filter(pk=plan.pk).update(number=5, issue_date=day)  # printed as issued (the state stays draft)
            official = services.plan_official_document(plan_document_for_system(plan_id=plan.pk))
            out["000"].issued[day.isoformat()] = (official, render_pdf(official))
        transaction.set_rollback(True)
    return out
