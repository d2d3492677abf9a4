"""Reply links: signed, bound to one invitation, expiring after the conference.

The token is ``django.core.signing`` data ``{"i": invitation id, "v": token
version}`` signed under its own salt (HMAC with ``SECRET_KEY``): the same
link is printed on the Giấy mời, in its mail and in the reminders. The URL
also carries the invitation id, which must match. It expires the day after
the conference (the plan's dates, read when the link is used); raising
``token_version`` revokes every link given out before.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.core import signing
from django.db import connection
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone

from conferences import frozen
from config.compiled import CompiledQuery

from .models import Delegate, Invitation
from .outbox import site_url

SALT = "invitations.reply"


class TokenError(Exception):
    """``kind``: ``invalid`` (tampered, or for another invitation), ``expired``, ``revoked``."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def make_token(invitation: Invitation) -> str:
    return signing.Signer(salt=SALT).sign_object({"i": invitation.pk, "v": invitation.token_version})


def reply_path(invitation: Invitation) -> str:
    return reverse("invitations:link_reply", args=[invitation.pk, make_token(invitation)])


def reply_url(invitation: Invitation) -> str:
    return site_url() + reply_path(invitation)


def expires_at(invitation: Invitation) -> datetime.datetime | None:
    """The end of the day after the conference (its last day when it is a range);
    30 days after the reply deadline when the plan gives no date."""
    conference = getattr(invitation.campaign.plan, "conference", None)
    day = None
    if conference is not None:
        moment = conference.ends_at or conference.starts_at
        day = timezone.localtime(moment).date() if moment else (conference.date_to or conference.date_from)
    if day is None:
        deadline = invitation.campaign.reply_deadline
        if deadline is None:
            return None
        day = timezone.localtime(deadline).date() + datetime.timedelta(days=30)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.max)
    return timezone.make_aware(end)


_link_queries: dict[tuple, CompiledQuery] = {}


def _link_query(related: tuple[str, ...], for_update: bool, delegates: bool) -> CompiledQuery:
    key = (related, for_update, delegates)
    query = _link_queries.get(key)
    if query is None:

        def build(pk):
            invitations = Invitation.objects.select_for_update(of=("self",)) if for_update else Invitation.objects
            invitations = invitations.select_related("campaign", *related)
            if delegates:
                rows = Delegate.objects.filter(invitation_id=OuterRef("pk")).order_by("order")
                invitations = invitations.annotate(
                    delegate_rows=ArraySubquery(rows.values(row=JSONObject(full_name="full_name", title="title")))
                )
            return invitations.filter(pk=pk).order_by("pk")[:1]

        query = _link_queries[key] = CompiledQuery(build)
    return query


def delegates_of(invitation: Invitation) -> list[Delegate] | None:
    """The delegates read with the link check (``with_delegates``), in order, with
    their names and titles; None when they were not (not PostgreSQL)."""
    rows = getattr(invitation, "delegate_rows", None)
    if rows is None:
        return None
    return [
        Delegate(invitation_id=invitation.pk, order=order, full_name=row["full_name"], title=row["title"])
        for order, row in enumerate(rows, start=1)
    ]


def check_token(
    pk: int, token: str, *, now=None, related: tuple[str, ...] = (), for_update: bool = False, with_delegates: bool = False
) -> Invitation:
    """The invitation the link is for, or :class:`TokenError` (``related``: more
    relations to load with it, e.g. its ``reply`` and ``inviter``; ``for_update``:
    its row locked, in the caller's transaction, as services.save_reply needs it;
    ``with_delegates``: on PostgreSQL, its delegates in the same query, see
    :func:`delegates_of`)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        raise TokenError("invalid") from None
    if not isinstance(data, dict) or data.get("i") != pk:
        raise TokenError("invalid")
    # Every request of a reply link runs this (benchmarks/replies_load.py). The
    # invitation with its campaign, and only what ``related`` asks: each joined
    # table costs as much again to compile and build. The issued plan, its
    # conference and the bridge point come from the process's copy
    # (conferences.frozen): joining those wide tables cost a third of a request.
    # The SQL is compiled once (config.compiled).
    delegates = with_delegates and connection.vendor == "postgresql"
    invitation = _link_query(related, for_update, delegates).first(pk)
    if invitation is None:
        raise TokenError("invalid")
    if data.get("v") != invitation.token_version:
        raise TokenError("revoked")
    frozen.attach_issued_plan(invitation)
    end = expires_at(invitation)
    if end is not None and (now or timezone.now()) > end:
        raise TokenError("expired")
    return invitation
