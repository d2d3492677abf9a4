"""Reminders before the reply deadline (Celery beat, every 15 minutes).

From ``reminder_days`` before a campaign's deadline, every unit whose Giấy
mời went out (mailed, or delivered by hand) and that has not replied gets one
reminder, and the organiser one summary of the units without a reply. The
rule is the number of days and the deadline: each recipient gets at most one
reminder per rule (the outbox idempotency key), however often beat runs.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents import content

from . import outbox, tokens
from .models import Campaign, Invitation, MailState, OutgoingMail


def rule_of(campaign: Campaign) -> str:
    return f"{campaign.reminder_days}d-{timezone.localtime(campaign.reply_deadline):%Y%m%d%H%M}"


def non_responders(campaign: Campaign):
    """Issued invitations that went out and have no reply."""
    return (
        Invitation.objects.filter(campaign=campaign, number__isnull=False, reply__isnull=True)
        .filter(Q(mail__state=MailState.SENT) | Q(delivered_by_hand_at__isnull=False))
        .select_related("organisation", "bridge_point", "point_host", "inviter")
        .order_by("tier", "name")
    )


def send_due_reminders(now=None) -> dict[str, int]:
    now = now or timezone.now()
    reminders = summaries = 0
    campaigns = Campaign.objects.filter(reply_deadline__gt=now, reminder_days__gt=0).select_related(
        "plan__conference", "plan__issuing_body"
    )
    for campaign in campaigns:
        if now < campaign.reply_deadline - timedelta(days=campaign.reminder_days):
            continue
        rule = rule_of(campaign)
        waiting = list(non_responders(campaign))
        keys = {invitation.pk: f"reminder:{invitation.pk}:{rule}" for invitation in waiting}
        done = set(OutgoingMail.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True))
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "conference": content.conference_name(campaign.plan),
                "deadline": timezone.localtime(campaign.reply_deadline),
            }
            for invitation in waiting:
                if keys[invitation.pk] in done or not invitation.email:
                    continue
                body = render_to_string(
                    "invitations/mail/reminder.txt",
                    {**context, "invitation": invitation, "reply_url": tokens.reply_url(invitation)},
                )
                subject = _("Reminder: please reply to invitation no. %(number)s") % {"number": invitation.number_display}
                outbox.queue_mail(invitation.email, subject, body, related=invitation, idempotency_key=keys[invitation.pk])
                reminders += 1
            if campaign.organiser_email and waiting:
                key = f"reminder-summary:{campaign.pk}:{rule}"
                if not OutgoingMail.objects.filter(idempotency_key=key).exists():
                    body = render_to_string("invitations/mail/summary.txt", {**context, "waiting": waiting})
                    subject = _("%(count)s units have not replied: %(conference)s") % {
                        "count": len(waiting),
                        "conference": context["conference"],
                    }
                    outbox.queue_mail(campaign.organiser_email, subject, body, related=campaign, idempotency_key=key)
                    summaries += 1
    return {"reminders": reminders, "summaries": summaries}
