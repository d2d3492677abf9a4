"""Reads for the organiser's dashboard, the unit office's list and check-in.
Each costs a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from directory.models import Tier
from directory.text import search_words

from .models import Campaign, Delegate, Invitation, MailState, OutgoingMail

SENT = Q(mail__state=MailState.SENT) | Q(delivered_by_hand_at__isnull=False)
FAILED = Q(mail__state=MailState.FAILED)
WAITING = Q(mail__state__in=[MailState.QUEUED, MailState.SENDING, MailState.RETRY])
YES = Q(reply__attending=True)
NO = Q(reply__attending=False)
NO_REPLY = Q(reply__isnull=True)


def _counts() -> dict:
    return {
        "total": Count("id"),
        "issued": Count("id", filter=Q(number__isnull=False)),
        "sent": Count("id", filter=SENT),
        "waiting": Count("id", filter=WAITING & Q(delivered_by_hand_at__isnull=True)),
        "failed": Count("id", filter=FAILED & Q(delivered_by_hand_at__isnull=True)),
        "no_address": Count("id", filter=Q(email="") & Q(delivered_by_hand_at__isnull=True)),
        "yes": Count("id", filter=YES),
        "no": Count("id", filter=NO),
        "no_reply": Count("id", filter=NO_REPLY & Q(number__isnull=False)),
        "delegates": Sum("reply__delegate_count", filter=YES, default=0),
    }


@dataclass
class PointRow:
    heading: str
    host: str
    expected: int | None
    counts: dict


@dataclass
class Dashboard:
    totals: dict
    by_tier: list[tuple[str, dict]]
    by_point: list[PointRow]
    mail_states: list[tuple[str, int]]
    checked_in: int = 0
    named_delegates: int = 0


def dashboard(campaign: Campaign) -> Dashboard:
    invitations = Invitation.objects.filter(campaign=campaign)
    totals = invitations.aggregate(**_counts())
    tier_labels = dict(Tier.choices)
    by_tier = [
        (str(tier_labels.get(row["tier"], row["tier"])), row)
        for row in invitations.values("tier").annotate(**_counts()).order_by("tier")
    ]
    # Bridge points: one row per physical point (a per-unit point counts once per host unit).
    rows = (
        invitations.values(
            "bridge_point_id",
            "bridge_point__order",
            "bridge_point__heading",
            "bridge_point__expected_delegates",
            "bridge_point__per_unit",
            "point_host__name",
        )
        .annotate(**_counts())
        .order_by("bridge_point__order", "point_host__name")
    )
    by_point = [
        PointRow(
            heading=row["bridge_point__heading"] or "—",
            host=(row["point_host__name"] or "") if row["bridge_point__per_unit"] else "",
            expected=None if row["bridge_point__per_unit"] else row["bridge_point__expected_delegates"],
            counts=row,
        )
        for row in rows
    ]
    states = dict(
        OutgoingMail.objects.filter(related_type__model="invitation", related_id__in=invitations.values("pk"))
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    mail_states = [(label, states.get(value, 0)) for value, label in MailState.choices]
    delegates = Delegate.objects.filter(invitation__campaign=campaign, invitation__reply__attending=True)
    summary = delegates.aggregate(named=Count("id"), present=Count("id", filter=Q(checked_in_at__isnull=False)))
    return Dashboard(
        totals=totals,
        by_tier=by_tier,
        by_point=by_point,
        mail_states=mail_states,
        checked_in=summary["present"],
        named_delegates=summary["named"],
    )


def invitation_rows(campaign: Campaign, *, state: str = "", query: str = "") -> QuerySet[Invitation]:
    """The recipients table (paginate it): mail, reply and delegate count joined."""
    rows = (
        Invitation.objects.filter(campaign=campaign)
        .select_related("organisation", "inviter", "bridge_point", "point_host", "mail", "reply", "parent__organisation")
        .annotate(named=Count("delegates"))
        .order_by("parent_id", "bridge_point__order", "tier", "id")
    )
    filters = {
        "sent": SENT,
        "failed": FAILED & Q(delivered_by_hand_at__isnull=True),
        "waiting": WAITING & Q(delivered_by_hand_at__isnull=True),
        "no_address": Q(email="") & Q(delivered_by_hand_at__isnull=True),
        "yes": YES,
        "no": NO,
        "no_reply": NO_REPLY & Q(number__isnull=False),
        "draft": Q(number__isnull=True),
    }
    if state in filters:
        rows = rows.filter(filters[state])
    for word in search_words(query):
        rows = rows.filter(Q(organisation__search_text__contains=word) | Q(email__icontains=word))
    return rows


def non_responders(campaign: Campaign) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(campaign=campaign, number__isnull=False, reply__isnull=True)
        .select_related("organisation", "inviter", "bridge_point", "point_host", "mail")
        .order_by("tier", "name")
    )


def missing_addresses(campaign: Campaign) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(campaign=campaign, email="", delivered_by_hand_at__isnull=True)
        .select_related("organisation")
        .order_by("name")
    )


def unit_invitations(user) -> QuerySet[Invitation]:
    """Invitations to the user's own unit (unit offices), newest plan first."""
    if not user.is_authenticated or user.organisation_id is None:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(organisation_id=user.organisation_id, number__isnull=False)
        .select_related("campaign__plan__conference", "campaign__plan__issuing_body", "inviter", "bridge_point", "reply")
        .annotate(
            named=Count("delegates", distinct=True),
            invited_below=Count("cascaded", distinct=True),
        )
        .order_by("-campaign__plan__year", "-id")
    )


def campaign_mails(campaign: Campaign, *, state: str = "") -> QuerySet[OutgoingMail]:
    """Every mail about the campaign's invitations (the outbox, for the organiser)."""
    ids = Invitation.objects.filter(campaign=campaign).values("pk")
    mails = OutgoingMail.objects.filter(
        related_type__app_label="invitations", related_type__model="invitation", related_id__in=ids
    )
    if state in MailState.values:
        mails = mails.filter(state=state)
    return mails.order_by("-created_at", "-id")


def attending_delegates(campaign: Campaign) -> QuerySet[Delegate]:
    return Delegate.objects.filter(invitation__campaign=campaign, invitation__reply__attending=True).select_related(
        "invitation__organisation", "invitation__bridge_point", "invitation__point_host"
    )


def sorted_delegates(campaign: Campaign) -> list[Delegate]:
    """Official order: given name, then full name (Vietnamese collation)."""
    return list(attending_delegates(campaign).order_by("collation_key", "id"))


def search_delegates(campaign: Campaign, query: str) -> QuerySet[Delegate]:
    delegates = attending_delegates(campaign)
    words = search_words(query)
    if not words:
        return delegates.none()
    for word in words:
        delegates = delegates.filter(Q(search_text__contains=word) | Q(invitation__organisation__search_text__contains=word))
    return delegates.order_by("collation_key", "id")


def checkin_counts(campaign: Campaign) -> dict:
    """Present / named delegates, in all and per bridge point (and host unit)."""
    delegates = attending_delegates(campaign)
    total = delegates.aggregate(named=Count("id"), present=Count("id", filter=Q(checked_in_at__isnull=False)))
    points = (
        delegates.values(
            "invitation__bridge_point__order",
            "invitation__bridge_point__heading",
            "invitation__bridge_point__per_unit",
            "invitation__point_host__name",
        )
        .annotate(named=Count("id"), present=Count("id", filter=Q(checked_in_at__isnull=False)))
        .order_by("invitation__bridge_point__order", "invitation__point_host__name")
    )
    return {
        "present": total["present"],
        "named": total["named"],
        "points": [
            {
                "heading": row["invitation__bridge_point__heading"] or "—",
                "host": (row["invitation__point_host__name"] or "") if row["invitation__bridge_point__per_unit"] else "",
                "present": row["present"],
                "named": row["named"],
            }
            for row in points
        ],
    }
