"""Demo invitations (``load_demo --invitations``): the Quảng Nam 2024 online
conference of seed 000 copied into the current year, issued, its conference
three weeks ahead, and its Giấy mời numbered, signed and sent (with the local
default, to ``var/mail/``). UBND thành phố Tam Kỳ (the ``donvi`` account)
has one to answer and communes of its own to invite. Idempotent."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conferences.cloning import clone_plan
from conferences.models import Conference, Plan, PlanState
from directory.models import AdministrativeUnit, Organisation, OrganisationKind, Tier
from registers.services import take_number

from . import services
from .models import Campaign

DEMO_KEY = "demo-invitations"
SOURCE_KEY = "seed-000"
TAM_KY = "quang-nam:ubnd-tp-tam-ky"
TAM_KY_WARDS = ["L-W20341", "L-W20347", "L-W20356"]  # Phường An Mỹ, An Xuân, An Phú


def _ward_committees() -> None:
    """People's Committees of three wards of Tam Kỳ (the lower tier it invites)."""
    for code in TAM_KY_WARDS:
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            continue
        slug = code.lower().replace("l-w", "ubnd-phuong-")
        Organisation.objects.get_or_create(
            code=f"quang-nam:{slug}",
            defaults={
                "name": f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]} thành phố Tam Kỳ",
                "short_name": f"UBND {unit.name}",
                "kind": OrganisationKind.PEOPLE_COMMITTEE,
                "tier": Tier.COMMUNE,
                "admin_unit": unit,
                "parent": Organisation.objects.get(code=TAM_KY),
                "email": f"{slug}.quang-nam@example.org",
                "phone": "0235 3851 000",
            },
        )


def _ensure_certificate() -> None:
    from workflow import certificates, signing

    path = signing.pkcs12_path()
    if not path.exists():
        certificates.write_demo_certificate(path, passphrase=signing.passphrase())


def invitations_load(*, today: datetime.date | None = None) -> int:
    """Create the demo plan and its invitations unless they exist; returns the number of invitations created."""
    if Plan.objects.filter(key=DEMO_KEY).exists() or not Plan.objects.filter(key=SOURCE_KEY).exists():
        return 0
    today = today or timezone.localdate()
    with transaction.atomic():
        _ward_committees()
        plan = clone_plan(Plan.objects.get(key=SOURCE_KEY), target_year=today.year, user=None).plan
        starts = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=21), datetime.time(8)))
        Conference.objects.filter(plan=plan).update(starts_at=starts, time_text="")
        plan.key, plan.state = DEMO_KEY, PlanState.ISSUED
        plan.number = take_number(issuing_body=plan.issuing_body, type_code=plan.type_code, year=today.year)
        plan.issue_date = today
        plan.save()
        deadline = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=14), datetime.time(17)))
        organiser = Organisation.objects.filter(code="quang-nam:van-phong-ubnd-tinh").first()
        campaign = Campaign.objects.create(
            plan=plan, reply_deadline=deadline, organiser_email=organiser.email if organiser else settings.DEFAULT_FROM_EMAIL
        )
        created = services.build_recipients(campaign)
    _ensure_certificate()
    services.issue_and_send(campaign.pk)
    return created
