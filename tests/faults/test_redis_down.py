"""Redis down while people submit, issue and send: the requests succeed, the
work waits in database rows, and once Redis is back the sweepers hand it to
a real worker: every mail arrives once, every job runs once, every file is
written once."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import PlanState
from config import jobs
from documents.models import RenderedFile, RenderState
from invitations import outbox
from invitations import services as invitation_services
from invitations.models import Invitation, IssueJob, JobState, MailState, OutgoingMail
from tests.conftest import otp_code
from tests.factories import UserFactory
from tests.invitations.conftest import build_conference
from tests.workflow.conftest import PASSWORD
from workflow import services as workflow_services

from .conftest import require_postgresql, start_worker, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUEST_BUDGET = 30.0  # seconds: a request must not hang on the dead broker (issuing renders and signs a PDF)


def timed_post(client, url, data):
    started = time.monotonic()
    response = client.post(url, data)
    return response, time.monotonic() - started


def mails_to(address: str) -> list[OutgoingMail]:
    return [m for m in OutgoingMail.objects.order_by("pk") if address in m.to]


def test_work_waits_in_rows_while_redis_is_down_and_is_done_once_after(
    world, smtp, private_redis, celery_on_private_redis, settings, client, tmp_path
):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path / "media"
    drafter, clerk = world.users["drafter"], world.users["clerk"]
    plan = world.with_chain(world.plan())
    setup = build_conference(hall_units=2, districts=1)
    invitation_services.build_recipients(setup.campaign)
    # The Giấy mời are sent by a clerk of the plan's issuing body.
    clerk_of_campaign = UserFactory(role="clerk", organisation=setup.issuer)

    private_redis.kill()

    # Submit: the reviewer's notification mail waits in the outbox.
    client.force_login(drafter)
    response, took = timed_post(client, reverse("workflow:transition", args=[plan.pk, "nop"]), {"nop-comment": ""})
    assert response.status_code == 302 and took < REQUEST_BUDGET, (response.status_code, took)
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED
    (reviewer_mail,) = mails_to("giamdoc@example.org")
    assert reviewer_mail.state == MailState.QUEUED and reviewer_mail.attempts == 0

    # Review and signature (services), then issue through the page.
    workflow_services.forward(plan, user=world.users["reviewer"])
    workflow_services.approve(plan, user=world.users["signer"])
    workflow_services.sign(plan, user=world.users["signer"], reauthenticate=False)
    client.force_login(clerk)
    # The clerk re-authenticates with the password and a code of the authenticator app.
    confirm = {"ban-hanh-comment": "", "ban-hanh-password": PASSWORD, "ban-hanh-otp_token": otp_code(clerk)}
    response, took = timed_post(client, reverse("workflow:transition", args=[plan.pk, "ban-hanh"]), confirm)
    assert response.status_code == 302 and took < REQUEST_BUDGET, (response.status_code, took)
    plan.refresh_from_db()
    assert plan.state == PlanState.ISSUED

    # A rendering asked for meanwhile: its job row waits.
    response, took = timed_post(client, reverse("documents:render", args=[plan.pk, "plan", "docx"]), {})
    assert response.status_code == 302 and took < REQUEST_BUDGET
    rendering = RenderedFile.objects.get(plan=plan, kind="plan", format="docx")
    assert rendering.state == RenderState.QUEUED

    # Send the Giấy mời from the invitations page: the issuance job waits.
    client.force_login(clerk_of_campaign)
    response, took = timed_post(client, reverse("invitations:send", args=[setup.plan.pk]), {})
    assert response.status_code == 302 and took < REQUEST_BUDGET, (response.status_code, took)
    (job,) = IssueJob.objects.filter(campaign=setup.campaign)
    assert job.state == JobState.QUEUED
    invitation_count = setup.campaign.invitations.count()
    assert invitation_count == 3
    assert not setup.campaign.invitations.filter(number__isnull=False).exists(), "nothing ran without the broker"

    waiting = OutgoingMail.objects.count()
    assert waiting >= 4 and set(OutgoingMail.objects.values_list("state", flat=True)) == {MailState.QUEUED}
    assert smtp.received == []

    # Redis is back: the sweepers (beat, every minute) find the waiting rows.
    private_redis.start()
    later = timezone.now() + timedelta(minutes=10)
    with start_worker(celery_on_private_redis):
        assert outbox.sweep(now=later)["requeued"] == waiting
        swept = jobs.sweep(now=later)
        assert swept["documents.RenderedFile"]["requeued"] == 1
        assert swept["invitations.IssueJob"]["requeued"] == 1
        wait_until(lambda: IssueJob.objects.get(pk=job.pk).state == JobState.DONE, timeout=120, message="the issuance job")
        wait_until(lambda: RenderedFile.objects.get(pk=rendering.pk).state == RenderState.DONE, message="the rendering")
        total = waiting + invitation_count  # the Giấy mời mails were queued by the job
        wait_until(lambda: OutgoingMail.objects.filter(state=MailState.SENT).count() == total, message="every mail sent")
        smtp.wait_for(total)
        # The sweepers run again (and a duplicate message arrives): nothing is done twice.
        even_later = later + timedelta(minutes=10)
        assert outbox.sweep(now=even_later)["requeued"] == 0
        again = jobs.sweep(now=even_later)
        assert all(counts == {"released": 0, "requeued": 0} for counts in again.values()), again
        from documents.tasks import render_file_task
        from invitations.tasks import issue_invitations_task

        render_file_task.delay(rendering.pk)
        issue_invitations_task.delay(job.pk)
        wait_until(lambda: not any(private_redis_queue_lengths(celery_on_private_redis)), message="the duplicate messages run")

    mails = list(OutgoingMail.objects.all())
    assert len(mails) == total
    assert all((m.state, m.attempts) == (MailState.SENT, 1) for m in mails)
    assert len(smtp.received) == total, [r.recipients for r in smtp.received]
    received_ids = [str(r.message["Message-ID"]) for r in smtp.received]
    assert sorted(received_ids) == sorted(m.message_id for m in mails), "each stored mail received exactly once"
    to_reviewer = [str(r.message["Message-ID"]) for r in smtp.to("giamdoc@example.org")]
    assert to_reviewer.count(reviewer_mail.message_id) == 1, "the submission's notification arrived once"

    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 1)
    assert job.result == {"numbered": 3, "rendered": 3, "queued": 3}
    issued = list(Invitation.objects.filter(campaign=setup.campaign))
    assert all(i.number and i.pdf and i.mail and i.mail.state == MailState.SENT for i in issued)
    pdfs = sorted(p.name for p in Path(settings.MEDIA_ROOT, "invitations").rglob("*.pdf"))
    assert len(pdfs) == invitation_count, pdfs

    rendering.refresh_from_db()
    assert (rendering.state, rendering.version) == (RenderState.DONE, 1)
    files = list(Path(settings.MEDIA_ROOT, "documents", f"plan-{plan.pk}").iterdir())
    assert [f.name for f in files] == [rendering.file.name.rsplit("/", 1)[-1]]


def private_redis_queue_lengths(app) -> list[int]:
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        return [client.llen("celery"), client.llen("documents"), client.hlen("unacked")]
