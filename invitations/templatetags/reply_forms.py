import functools

from django import template
from django.template.loader import get_template
from django.utils import timezone, translation

from invitations.reply_form import reply_form_html

register = template.Library()


@register.simple_tag
def reply_form(form, formset):
    """The reply form's fields and delegate rows (invitations.reply_form)."""
    return reply_form_html(form, formset)


@register.simple_tag
def invitation_summary(invitation, conference_name="", conference_time="", deadline=None):
    """The Giấy mời's number, date and addressee, the conference, venue, bridge point,
    quota and reply deadline (``invitations/_invitation_summary.html``).

    The template sees only these plain values, so what it renders for the same
    values in the same language and time zone is kept (a thousand at most) and
    not rendered again."""
    values = {
        "number": invitation.number_display,
        "issue_date": invitation.issue_date,
        "inviter": invitation.inviter.name if invitation.inviter_id else "",
        "name": invitation.name,
        "conference_name": conference_name or "",
        "conference_time": conference_time or "",
        "venue": invitation.venue,
        "bridge_point": invitation.bridge_point.heading if invitation.bridge_point_id else "",
        "quota": invitation.quota,
        "deadline": deadline,
    }
    return _summary(translation.get_language(), timezone.get_current_timezone_name(), tuple(values.items()))


@functools.lru_cache(maxsize=1024)
def _summary(language: str, zone: str, values: tuple) -> str:
    """The summary rendered from ``values`` in the active language and time zone
    (both part of the key): the reply link's page shows one on every request."""
    return get_template("invitations/_invitation_summary.html").render(dict(values))
