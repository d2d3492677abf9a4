"""A worker killed in the middle of a rendering or of a Giấy mời batch: the
job row stays ``running`` without a heartbeat, the sweeper puts it back,
another worker completes it, and the work is done once (one file per
document, one mail per Giấy mời). Killed while sending:
tests/invitations/test_outbox_crash.py."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config import jobs
from documents import services as documents
from documents.models import RenderedFile, RenderState
from invitations import services as invitation_services
from invitations.models import IssueJob, JobState, MailState, OutgoingMail
from tests.invitations.conftest import build_conference
from tests.invitations.test_outbox_crash import _database_url as database_url

from .conftest import require_postgresql, start_worker, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def run_dying_worker(crash: str, broker_url: str) -> str:
    """Start the worker that dies, wait for its death; its output."""
    env = {
        **os.environ,
        "CRASH": crash,
        "DATABASE_URL": database_url(),  # the test database, shared with the dying worker
        "BROKER_URL": broker_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SIGNING_PKCS12": str(settings.SIGNING_PKCS12),
        "SIGNING_PKCS12_PASSPHRASE": settings.SIGNING_PKCS12_PASSPHRASE,
        "PYTHONPATH": str(ROOT),
    }
    dying = subprocess.Popen(  # noqa: S603
        [sys.executable, str(Path(__file__).with_name("crash_render_worker.py"))],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        code = dying.wait(timeout=180)
    finally:
        if dying.poll() is None:
            dying.kill()
    output = dying.stdout.read().decode(errors="replace")
    assert code == -9, output  # killed by SIGKILL inside the job
    return output


def files_under(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_worker_killed_while_rendering_the_job_is_swept_and_done_once(world, media, celery_on_private_redis, private_redis):
    require_postgresql()
    plan = world.plan()
    rendered = documents.request_rendering(plan=plan, kind="plan", file_format="docx", user=world.users["drafter"])
    run_dying_worker("render", private_redis.url)
    rendered.refresh_from_db()
    assert rendered.state == RenderState.RUNNING and rendered.version == 0, "claimed, then the worker died"
    assert files_under(media) == []

    assert jobs.sweep()["documents.RenderedFile"] == {"released": 0, "requeued": 0}, "not stale yet"
    later = timezone.now() + timedelta(seconds=settings.JOB_STALE_AFTER + 1)
    with start_worker(celery_on_private_redis):
        assert jobs.sweep(now=later)["documents.RenderedFile"] == {"released": 1, "requeued": 0}
        wait_until(lambda: RenderedFile.objects.get(pk=rendered.pk).state == RenderState.DONE, message="the rendering")
    rendered.refresh_from_db()
    assert (rendered.version, rendered.progress, rendered.error) == (1, 100, "")
    assert files_under(media) == [rendered.file.name.rsplit("/", 1)[-1]]
    assert rendered.file.read()[:2] == b"PK"  # a DOCX


def test_a_worker_killed_in_a_giay_moi_batch_the_job_completes_once(media, smtp, celery_on_private_redis, private_redis):
    require_postgresql()
    setup = build_conference(hall_units=2, districts=1)
    invitation_services.build_recipients(setup.campaign)
    with transaction.atomic():
        job = invitation_services.request_issue(setup.campaign)
    run_dying_worker("issue", private_redis.url)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)
    invitations = list(setup.campaign.invitations.order_by("pk"))
    assert all(i.number for i in invitations), "numbered before rendering"
    assert sum(bool(i.pdf) for i in invitations) == 1, "the first signed PDF was stored, then the worker died"
    assert OutgoingMail.objects.count() == 0

    later = timezone.now() + timedelta(seconds=settings.JOB_STALE_AFTER + 1)
    with start_worker(celery_on_private_redis):
        assert jobs.sweep(now=later)["invitations.IssueJob"] == {"released": 1, "requeued": 0}
        wait_until(lambda: IssueJob.objects.get(pk=job.pk).state == JobState.DONE, timeout=120, message="the job")
        smtp.wait_for(3)
        wait_until(lambda: OutgoingMail.objects.filter(state=MailState.SENT).count() == 3, message="the mails")
    job.refresh_from_db()
    assert job.attempts == 2 and job.result == {"numbered": 0, "rendered": 2, "queued": 3}
    numbers = sorted(i.number for i in setup.campaign.invitations.all())
    assert numbers == [1, 2, 3], "numbers given once"
    pdfs = files_under(Path(media, "invitations"))
    assert len(pdfs) == 3, pdfs
    assert sorted(r.recipients[0] for r in smtp.received) == sorted(i.email for i in invitations)
