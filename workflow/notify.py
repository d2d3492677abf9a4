"""Telling people that a plan waits for them: a notification in the app and an e-mail.

Everything the workflow sends goes through :func:`notify`. The e-mail goes
through the mail outbox (:func:`invitations.outbox.queue_mail`) in the
transaction of the transition: it is stored with it, sent by a worker after
the commit, retried while the mail server is down and swept again when the
broker was down, and never undoes the transition.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Notification, Transition

logger = logging.getLogger(__name__)


def notify(recipients: Iterable, *, transition: Transition, action_needed: bool = True) -> list[Notification]:
    """One notification per recipient (never the user who acted), and an e-mail to those with an address."""
    users = {user.pk: user for user in recipients if user is not None and user.pk != transition.user_id and user.is_active}
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, plan_id=transition.plan_id, transition=transition, action_needed=action_needed)
            for user in users.values()
        ]
    )
    for user in users.values():
        if user.email:
            send_email(user, transition, action_needed=action_needed)
    return notifications


def send_email(user, transition: Transition, *, action_needed: bool = True) -> None:
    plan = transition.plan
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "transition": transition,
            "plan": plan,
            "action_needed": action_needed,
            "url": site_url(reverse("conferences:plan_detail", args=[plan.pk])),
        }
        subject = " ".join(render_to_string("workflow/email_subject.txt", context).split())
        body = render_to_string("workflow/email_body.txt", context)
    from invitations.outbox import queue_mail

    queue_mail(user.email, subject, body, related=transition, idempotency_key=f"workflow:{transition.pk}:{user.pk}")


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
