"""Who receives a Giấy mời, until the invitations app keeps its own list.

A recipient is an organisation the plan names (an organisation of a
participant line, or the host of a bridge point) with the bridge point it
attends. A bridge point held at every unit of its tier (“Điểm cầu trực tuyến
cấp huyện”) invites the People's Committee of each unit of that tier in the
issuing body's province, which runs the point and invites its own delegates.
"""

from __future__ import annotations

from conferences.selectors import PlanDocument
from directory.models import Organisation, OrganisationKind

from .content import Recipient


def _sentence_start(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def plan_recipients(doc: PlanDocument) -> list[Recipient]:
    plan = doc.plan
    if getattr(plan, "conference", None) is None:
        return []
    issuer = plan.issuing_body
    seen = {issuer.pk}
    recipients: list[Recipient] = []

    def add(organisation: Organisation, point, venue: str, hosts_point: bool = False) -> None:
        if organisation.pk in seen:
            return
        seen.add(organisation.pk)
        recipients.append(
            Recipient(
                name=organisation.name,
                bridge_point=point.heading if point else "",
                venue=venue,
                key=organisation.code,
                hosts_point=hosts_point,
                bridge_point_key=point.key if point else "",
            )
        )

    per_unit_points = []
    for block in doc.participant_blocks:
        point = block.bridge_point
        if point is not None and point.per_unit:
            per_unit_points.append(point)
            continue
        venue = _sentence_start(point.place or point.host_text or point.heading) if point else ""
        if point is not None and point.host_id:
            add(point.host, point, venue)
        for line in block.lines:
            for organisation in line.organisations.all():
                add(organisation, point, venue)

    if per_unit_points and issuer.admin_unit_id:
        units = (
            Organisation.objects.filter(
                kind=OrganisationKind.PEOPLE_COMMITTEE,
                tier__in=[point.tier for point in per_unit_points],
                admin_unit__parent_id=issuer.admin_unit_id,
                is_active=True,
            )
            .select_related("admin_unit")
            .order_by("admin_unit__code")
        )
        for point in per_unit_points:
            place = (point.place or point.host_text or point.heading).strip()
            for organisation in units:
                if organisation.tier == point.tier:
                    add(organisation, point, f"{_sentence_start(place)} (điểm cầu {organisation.name})", hosts_point=True)
    return recipients
