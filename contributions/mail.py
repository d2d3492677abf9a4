"""E-mails of the contributions app, all through the invitations outbox
(:func:`invitations.outbox.queue_mail`): the request to a unit, the reminder
before the deadline, and the issued conclusion notice. Idempotency keys make
each of them go out at most once however often the caller runs."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from directory.models import Organisation, Role, User
from documents.content import conference_name
from invitations import outbox

from .models import ContributionRequest


def unit_addresses(organisation_ids) -> dict[int, list[str]]:
    """The contact address of each organisation and those of its unit-office users, without duplicates."""
    addresses: dict[int, list[str]] = defaultdict(list)
    for pk, email in Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "email"):
        if email:
            addresses[pk].append(email)
    users = User.objects.filter(organisation_id__in=organisation_ids, role=Role.UNIT_OFFICE, is_active=True).exclude(email="")
    for pk, email in users.values_list("organisation_id", "email"):
        if email.casefold() not in {a.casefold() for a in addresses[pk]}:
            addresses[pk].append(email)
    return dict(addresses)


def _link(name: str, *args) -> str:
    return outbox.site_url() + reverse(name, args=args)


def _context(request: ContributionRequest) -> dict:
    return {
        "request": request,
        "unit": request.organisation.name,
        "conference": conference_name(request.plan),
        "plan": request.plan,
        "url": _link("contributions:request_detail", request.pk),
    }


def queue_request(request: ContributionRequest, addresses: list[str], *, user=None) -> bool:
    if not addresses:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("contributions/mail/request.txt", _context(request))
        subject = _("Contribution requested: %(conference)s") % {"conference": conference_name(request.plan)}
    outbox.queue_mail(
        addresses, subject, body, related=request, idempotency_key=f"contribution-request:{request.pk}", created_by=user
    )
    return True


def queue_reminder(request: ContributionRequest, addresses: list[str]) -> bool:
    if not addresses or request.deadline is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("contributions/mail/reminder.txt", _context(request))
        subject = _("Reminder: your contribution is due on %(day)s") % {"day": request.deadline.strftime("%d/%m/%Y")}
    key = f"contribution-reminder:{request.pk}:{request.deadline.isoformat()}"
    outbox.queue_mail(addresses, subject, body, related=request, idempotency_key=key)
    return True


def queue_conclusion(conclusion, organisation: Organisation, addresses: list[str], attachment, *, user=None) -> bool:
    """The issued notice (``attachment``: an :class:`invitations.outbox.Attachment`) to one unit."""
    if not addresses:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "unit": organisation.name,
            "conclusion": conclusion,
            "plan": conclusion.concludes,
            "conference": conference_name(conclusion.concludes) if conclusion.concludes_id else "",
            "dashboard_url": _link("dashboard"),
        }
        body = render_to_string("contributions/mail/conclusion.txt", context)
        subject = _("Conclusion notice %(number)s") % {"number": conclusion.number_display}
    outbox.queue_mail(
        addresses,
        subject,
        body,
        attachments=[attachment] if attachment else (),
        related=conclusion,
        idempotency_key=f"conclusion:{conclusion.pk}:{organisation.pk}",
        created_by=user,
    )
    return True
