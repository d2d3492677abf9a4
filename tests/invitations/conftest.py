"""Fixtures of the invitations tests: a real SMTP server (aiosmtpd) on
loopback, a real Celery worker on the Redis of REDIS_URL, an issued plan."""

from __future__ import annotations

import datetime
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import redis_client, require_service

KOMBU_KEYS = ("celery", "documents", "unacked", "unacked_index", "unacked_mutex")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    def attachments(self) -> list[tuple[str, bytes]]:
        return [(part.get_filename(), part.get_payload(decode=True)) for part in self.message.iter_attachments()]


@dataclass
class SmtpServer:
    """An aiosmtpd server that keeps what it receives and refuses addresses starting with “refused”."""

    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: object = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd hook)
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        pytest.fail(f"the SMTP server received {len(self.received)} mails, not {count}, within {timeout} s")


@pytest.fixture
def smtp(settings):
    """A real SMTP server; the outbox sends to it (settings.MAILERS)."""
    server = SmtpServer(port=free_port())
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    yield server
    server.stop()


@pytest.fixture
def broker(monkeypatch):
    """Celery on the Redis of REDIS_URL (not eager), its queues emptied."""
    client = redis_client()
    require_service("Redis", client is not None, "set REDIS_URL=redis://127.0.0.1:6379/<db>")
    from config.celery import app

    client.delete(*KOMBU_KEYS)
    # Worker threads close their database connection after each task, so
    # that the test database can be dropped at the end of the run.
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 0)
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL)
    yield client
    app.conf.update(previous)
    client.delete(*KOMBU_KEYS)


@pytest.fixture
def worker(broker):
    """A real Celery worker (solo pool, in a thread) on the default and documents queues."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=["celery", "documents"]) as w:
        yield w


@pytest.fixture
def fast_retries(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.5
    settings.OUTBOX_RETRY_MAX_SECONDS = 1
    settings.OUTBOX_MAX_ATTEMPTS = 50


def wait_until(check, timeout: float = 60, message: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{message} did not happen within {timeout} s")


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def issue_plan(plan, number: int = 12, day: datetime.date | None = None):
    """Make a plan issued, as the signing workflow would."""
    from conferences.models import Plan, PlanState

    Plan.objects.filter(pk=plan.pk).update(state=PlanState.ISSUED, number=number, issue_date=day or timezone.localdate())
    plan.refresh_from_db()
    return plan


@dataclass
class ConferenceSetup:
    plan: object
    campaign: object
    issuer: object
    hall_units: list
    districts: list
    communes: dict  # district organisation pk → commune organisations
    hall: object
    district_point: object


def build_conference(
    *,
    hall_units: int = 3,
    districts: int = 1,
    communes: int = 3,
    days_ahead: int = 20,
    deadline_days: int = 10,
    post_reform=False,
    before_issue=None,
) -> ConferenceSetup:
    """An issued plan of a hybrid conference: a hall with ``hall_units`` invited
    units and a district bridge point (one per district, “do UBND cấp huyện
    mời”) whose districts each have ``communes`` communes in the directory.
    With ``post_reform`` the plan is two-tier: the per-unit point is at commune level.
    ``before_issue(plan, issuer)`` may complete the plan while it can still change."""
    from conferences.models import BridgePoint
    from invitations.models import Campaign
    from tests.factories import (
        AdministrativeUnitFactory,
        ConferenceFactory,
        DistributionLineFactory,
        OrganisationFactory,
        ParticipantGroupFactory,
        PlanFactory,
    )

    lower = "commune" if post_reform else "district"
    province_unit = AdministrativeUnitFactory(period="post_2025" if post_reform else "pre_2025")
    issuer = OrganisationFactory(
        name="Ủy ban nhân dân tỉnh Thử Nghiệm", admin_unit=province_unit, email="ubnd-tinh@example.org", phone="0235 3810 000"
    )
    year = (timezone.localdate() + datetime.timedelta(days=days_ahead)).year
    plan = PlanFactory(
        issuing_body=issuer,
        year=year,
        subject="Tổ chức Hội nghị trực tuyến phân tích Chỉ số PAPI",
        sign_on_behalf_of="ỦY BAN NHÂN DÂN",
        sign_for_mode="KT",
        sign_for_title="CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Trần Văn Ký",
    )
    starts = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0) + datetime.timedelta(days=days_ahead)
    ConferenceFactory(plan=plan, starts_at=starts, chair_text="Chủ tịch UBND tỉnh")
    DistributionLineFactory(plan=plan, text="Lưu: VT, NC.")
    hall = BridgePoint.objects.create(
        plan=plan,
        order=1,
        key="tinh",
        tier="province",
        heading="Tại Hội trường UBND tỉnh",
        host=issuer,
        place="tại Hội trường UBND tỉnh",
        mode="in_person",
        expected_delegates=90,
    )
    point = BridgePoint.objects.create(
        plan=plan,
        order=2,
        key="huyen",
        tier=lower,
        heading=f"Điểm cầu cấp {'xã' if post_reform else 'huyện'}",
        place="Phòng họp trực tuyến",
        mode="online",
        per_unit=True,
        invited_by_lower_tier=True,
    )
    units = [
        OrganisationFactory(
            name=f"Sở Thử Nghiệm {i}",
            kind="department",
            admin_unit=province_unit,
            email=f"so-{i}@example.org",
            phone=f"0235 38{i:02d} 111",
        )
        for i in range(1, hall_units + 1)
    ]
    group = ParticipantGroupFactory(plan=plan, bridge_point=hall, text="Lãnh đạo các Sở, ngành;")
    group.organisations.set(units)
    ParticipantGroupFactory(
        plan=plan, bridge_point=point, tier=lower, text="Các phòng, ban cấp dưới;", invited_by_lower_tier=True
    )
    district_orgs, commune_orgs = [], {}
    for d in range(1, districts + 1):
        unit = AdministrativeUnitFactory(level=lower, parent=province_unit, name=f"Huyện Thử {d}", short_name=f"Thử {d}")
        district = OrganisationFactory(
            name=f"Ủy ban nhân dân huyện Thử {d}",
            tier=lower,
            admin_unit=unit,
            email=f"huyen-{d}@example.org",
            phone=f"0235 36{d:02d} 222",
            letterhead_parent="",
            letterhead_name="",
            symbol="UBND",
        )
        district_orgs.append(district)
        below = []
        for c in range(1, communes + 1):
            if post_reform:
                below.append(
                    OrganisationFactory(
                        name=f"Phòng {c} xã Thử {d}",
                        kind="unit",
                        tier="commune",
                        admin_unit=unit,
                        parent=district,
                        email=f"phong-{d}-{c}@example.org",
                    )
                )
            else:
                commune_unit = AdministrativeUnitFactory(level="commune", parent=unit, name=f"Xã Thử {d}.{c}")
                below.append(
                    OrganisationFactory(
                        name=f"Ủy ban nhân dân xã Thử {d}.{c}",
                        tier="commune",
                        admin_unit=commune_unit,
                        email=f"xa-{d}-{c}@example.org",
                    )
                )
        commune_orgs[district.pk] = below
    if before_issue is not None:
        before_issue(plan, issuer)
    issue_plan(plan)
    campaign = Campaign.objects.create(
        plan=plan, reply_deadline=timezone.now() + datetime.timedelta(days=deadline_days), organiser_email="vanphong@example.org"
    )
    return ConferenceSetup(plan, campaign, issuer, units, district_orgs, commune_orgs, hall, point)


def qr_codes(pdf: bytes, page: int = 0) -> list[str]:
    """The QR codes printed on a PDF page, decoded (pypdfium2 + zxing-cpp)."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    image = document[page].render(scale=3).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_text(pdf: bytes) -> str:
    """Text of a PDF, whitespace collapsed (long links are wrapped across lines)."""
    from tests.documents.pdfutil import pdftotext

    return " ".join(pdftotext(pdf).split())


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
