"""Sending N Giấy mời end to end: number, render, sign, queue, deliver.

    DATABASE_URL=postgres://… REDIS_URL=redis://127.0.0.1:6379/<db> \
    .venv/bin/python benchmarks/invitations_send.py --n 500

One issued plan with N invited units (distinct addresses). The issuance job
and the mails run on a real Celery worker (solo pool, in this process) on
the Redis of REDIS_URL; the mails go over SMTP to an aiosmtpd server on
loopback. Needs PostgreSQL: a throwaway database (``test_<name>``) is
created, migrated and dropped. Prints the time per invitation (from the
click to the last mail received) and, last, ``sent: <n> duplicates: <d> lost: <l>``
as counted by the SMTP server.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402


class Counter:
    """aiosmtpd handler: counts the messages per recipient."""

    def __init__(self):
        self.by_address = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        with self.lock:
            self.by_address.update(envelope.rcpt_tos)
        return "250 Message accepted"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.by_address.values())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(n: int):
    from conferences.models import BridgePoint, Conference, DistributionLine, ParticipantGroup, Plan, PlanState
    from directory.models import AdministrativeUnit, Organisation
    from invitations.models import Campaign

    province = AdministrativeUnit.objects.create(
        code="B-P1", name="Tỉnh Quảng Nam", short_name="Quảng Nam", level="province", period="pre_2025"
    )
    issuer = Organisation.objects.create(
        code="bench:ubnd-tinh",
        name="Ủy ban nhân dân tỉnh Quảng Nam",
        kind="people_committee",
        tier="province",
        admin_unit=province,
    )
    today = timezone.localdate()
    plan = Plan.objects.create(
        issuing_body=issuer,
        letterhead_parent="ỦY BAN NHÂN DÂN",
        letterhead_name="TỈNH QUẢNG NAM",
        place="Quảng Nam",
        year=today.year,
        subject="Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả Chỉ số SIPAS, Chỉ số PAPI",
        sign_on_behalf_of="ỦY BAN NHÂN DÂN",
        sign_for_mode="KT",
        sign_for_title="CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Hồ Quang Bửu",
        state=PlanState.ISSUED,
        number=145,
        issue_date=today,
    )
    Conference.objects.create(
        plan=plan, form="online", starts_at=timezone.now() + datetime.timedelta(days=20), chair_text="Thường trực UBND tỉnh"
    )
    DistributionLine.objects.create(plan=plan, order=1, text="Lưu: VT, TH, NCKS.")
    hall = BridgePoint.objects.create(
        plan=plan,
        order=1,
        key="tinh",
        tier="province",
        heading="Điểm cầu trực tuyến tỉnh",
        host=issuer,
        place="tại Hội trường số 2 (tầng 2), Văn phòng Ủy ban nhân dân tỉnh",
    )
    units = Organisation.objects.bulk_create(
        Organisation(
            code=f"bench:don-vi-{i}",
            name=f"Sở, ban, ngành số {i} tỉnh Quảng Nam",
            kind="department",
            tier="province",
            admin_unit=province,
            email=f"don-vi-{i}@example.org",
        )
        for i in range(1, n + 1)
    )
    group = ParticipantGroup.objects.create(plan=plan, bridge_point=hall, order=1, tier="province", text="Các Sở, ban, ngành;")
    group.organisations.set(units)
    return Campaign.objects.create(plan=plan, reply_deadline=timezone.now() + datetime.timedelta(days=10))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="number of invitations")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the last mail")
    n = parser.parse_args().n
    timeout = parser.parse_args().timeout
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit(
            "Set DATABASE_URL=postgres://… and REDIS_URL=redis://…: the benchmark runs on PostgreSQL, Redis and a Celery worker."
        )

    import redis
    from aiosmtpd.controller import Controller
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from invitations import services
    from invitations.models import MailState, OutgoingMail
    from workflow.certificates import write_demo_certificate

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    database = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    folder = Path(tempfile.mkdtemp(prefix="invitations-send-"))
    settings.MEDIA_ROOT = folder / "media"
    settings.SIGNING_PKCS12 = write_demo_certificate(folder / "organisation.p12", passphrase=None)
    settings.SIGNING_PKCS12_PASSPHRASE = ""
    counter = Counter()
    port = free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.delete("celery", "documents", "unacked", "unacked_index")
    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL)
    try:
        campaign = build(n)
        services.build_recipients(campaign)
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=60, queues=["celery", "documents"], loglevel="WARNING"
        ):
            started = time.perf_counter()
            with transaction.atomic():
                services.request_issue(campaign)
            deadline = started + timeout
            while time.perf_counter() < deadline:
                if counter.total >= n and OutgoingMail.objects.filter(state=MailState.SENT).count() >= n:
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            time.sleep(1)  # anything sent twice would arrive now
        sent = OutgoingMail.objects.filter(state=MailState.SENT).count()
        expected = {f"don-vi-{i}@example.org" for i in range(1, n + 1)}
        received = set(counter.by_address)
        duplicates = sum(count - 1 for count in counter.by_address.values() if count > 1)
        lost = len(expected - received)
        print(f"invitations: {n}; total {elapsed:.1f} s; per invitation {1000 * elapsed / n:.1f} ms")
        print(f"sent: {sent} duplicates: {duplicates} lost: {lost}")
    finally:
        smtp.stop()
        broker.delete("celery", "documents", "unacked", "unacked_index")
        connection.close()
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
