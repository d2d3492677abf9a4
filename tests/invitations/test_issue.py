"""Recipients from the plan, then issuance: GM numbers, batch rendering with
the reply link and its QR code, signature, one mail per recipient."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.db import transaction

from invitations import services, tokens
from invitations.models import Invitation, MailState, OutgoingMail
from registers.models import RegisterCounter
from workflow.signing import verify_pdf

from .conftest import build_conference, pdf_text, qr_codes, wait_until


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    pass


def test_recipients_come_from_the_plan_with_directory_addresses(db):
    setup = build_conference(hall_units=3, districts=2)
    setup.districts[1].email = ""
    setup.districts[1].save()
    assert services.build_recipients(setup.campaign) == 5
    assert services.build_recipients(setup.campaign) == 0  # units already listed are kept
    rows = {i.organisation_id: i for i in setup.campaign.invitations.all()}
    for unit in setup.hall_units:
        invitation = rows[unit.pk]
        assert (invitation.bridge_point, invitation.point_host, invitation.email) == (setup.hall, setup.issuer, unit.email)
        assert not invitation.hosts_point and not invitation.invites_lower_tier
        assert invitation.venue == "Tại Hội trường UBND tỉnh"
    for district in setup.districts:
        invitation = rows[district.pk]
        assert invitation.hosts_point and invitation.invites_lower_tier and invitation.point_host == district
        assert invitation.tier == "district" and invitation.phone == district.phone
    from invitations.selectors import missing_addresses

    assert [i.organisation for i in missing_addresses(setup.campaign)] == [setup.districts[1]]


def test_issue_numbers_renders_signs_and_mails_once(db, django_capture_on_commit_callbacks):
    setup = build_conference(hall_units=2, districts=1)
    services.build_recipients(setup.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.issue_and_send(setup.campaign.pk)
    assert result == {"numbered": 3, "rendered": 3, "queued": 3}
    invitations = list(setup.campaign.invitations.order_by("number"))
    assert [i.number for i in invitations] == [1, 2, 3]
    assert RegisterCounter.objects.get(issuing_body=setup.issuer, type_code="GM").last_number == 3
    assert len(django_mail.outbox) == 3
    for invitation in invitations:
        assert invitation.mail.state == MailState.SENT
        message = next(m for m in django_mail.outbox if m.to == [invitation.email])
        assert tokens.reply_url(invitation) in message.body
        ((name, data, content_type),) = message.attachments
        assert content_type == "application/pdf" and name.startswith(f"giay-moi-{invitation.number:02d}-")
        text = pdf_text(data)
        assert f"Số: {invitation.number:02d}/GM-UBND" in text and invitation.name in text
        assert tokens.reply_url(invitation) in text.replace(" ", "")
        assert qr_codes(data) == [tokens.reply_url(invitation)]
        check = verify_pdf(data)
        assert check.ok, check
    # Running the job again numbers, renders and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.issue_and_send(setup.campaign.pk) == {"numbered": 0, "rendered": 0, "queued": 0}
    assert len(django_mail.outbox) == 3 and OutgoingMail.objects.count() == 3


def test_missing_address_is_issued_but_not_mailed_and_can_be_delivered_by_hand(db, django_capture_on_commit_callbacks):
    setup = build_conference(hall_units=1, districts=1)
    setup.hall_units[0].email = ""
    setup.hall_units[0].save()
    services.build_recipients(setup.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_and_send(setup.campaign.pk)
    without = Invitation.objects.get(organisation=setup.hall_units[0])
    assert without.number is not None and without.pdf and without.mail is None
    services.mark_delivered_by_hand(without, user=None)
    without.refresh_from_db()
    assert without.delivered_by_hand_at is not None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_and_smtp_server_one_signed_giay_moi_per_recipient(smtp, worker):
    setup = build_conference(hall_units=3, districts=2)
    services.build_recipients(setup.campaign)
    with transaction.atomic():
        services.request_issue(setup.campaign)
    received = smtp.wait_for(5, timeout=120)
    wait_until(lambda: OutgoingMail.objects.filter(state=MailState.SENT).count() == 5, message="five mails sent", timeout=60)
    invitations = list(Invitation.objects.filter(campaign=setup.campaign).order_by("number"))
    assert [i.number for i in invitations] == [1, 2, 3, 4, 5]
    assert sorted(r.recipients[0] for r in received) == sorted(i.email for i in invitations)
    for invitation in invitations:
        (mail,) = smtp.to(invitation.email)
        assert invitation.number_display in mail.subject
        ((filename, data),) = mail.attachments()
        assert filename.endswith(".pdf") and verify_pdf(data).ok
        assert invitation.name in pdf_text(data)
        assert qr_codes(data) == [tokens.reply_url(invitation)]
        assert tokens.reply_url(invitation) in mail.text()


def test_many_invitations_are_split_into_one_task_per_batch(db, monkeypatch, django_capture_on_commit_callbacks):
    setup = build_conference(hall_units=5, districts=0)
    services.build_recipients(setup.campaign)
    monkeypatch.setattr(services, "RENDER_BATCH", 2)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.issue_and_send(setup.campaign.pk)  # eager Celery: the batch tasks run here
    assert result == {"numbered": 5, "rendered": 0, "queued": 0, "batches": 3}
    invitations = setup.campaign.invitations.all()
    assert all(i.pdf and i.mail_id for i in invitations)
    assert sorted(i.number for i in invitations) == [1, 2, 3, 4, 5]
    assert len(django_mail.outbox) == 5
