"""load_demo issues and signs the seed plans that were signed (000 and 002)."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command

from conferences.models import Plan
from tests.conftest import collapse
from tests.documents.pdfutil import pdftotext
from workflow import signing
from workflow.models import IssuedDocument, ReviewStep, Transition


def test_demo_issues_and_signs_seeds_000_and_002(demo):
    seed_000, seed_002 = Plan.objects.get(key="seed-000"), Plan.objects.get(key="seed-002")
    assert (seed_000.state, seed_000.number, seed_000.issue_date) == ("issued", 1, datetime.date(2024, 5, 20))
    assert (seed_002.state, seed_002.number, seed_002.issue_date) == ("issued", 1, datetime.date(2022, 6, 15))
    for plan in (seed_000, seed_002):
        issued = IssuedDocument.objects.get(plan=plan)
        data = issued.read()
        result = signing.verify_pdf(data)
        assert result.ok and result.signer_name == "Hồ Quang Bửu"
        assert result.signer_title == "Phó Chủ tịch Ủy ban nhân dân tỉnh"
        assert "Số: 01/KH-UBND" in collapse(pdftotext(data))
        actions = list(Transition.objects.filter(plan=plan).values_list("action", "user__username"))
        assert actions == [
            ("submit", "soanthao"),
            ("forward", "giamdoc"),
            ("approve", "lanhdao"),
            ("sign", "lanhdao"),
            ("issue", "vanthu"),
        ]
    # The other Quảng Nam draft is ready to submit to the same chain; the others stay drafts.
    seed_001 = Plan.objects.get(key="seed-001")
    assert seed_001.state == "draft"
    assert [s.reviewer.username for s in ReviewStep.objects.filter(plan=seed_001).order_by("order")] == ["giamdoc", "lanhdao"]
    assert set(Plan.objects.filter(key__in=["seed-003", "seed-004"]).values_list("state", flat=True)) == {"draft"}


def test_demo_again_keeps_the_issued_files(demo):
    before = dict(IssuedDocument.objects.values_list("plan_id", "sha256"))
    transitions = Transition.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert dict(IssuedDocument.objects.values_list("plan_id", "sha256")) == before
    assert Transition.objects.count() == transitions
