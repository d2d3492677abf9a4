"""Demo data of the workflow: a second reviewer, review chains, and the seed
plans that were signed (000 and 002, Hồ Quang Bửu) issued and signed.

Run by ``load_demo`` after the plans and users; running it again changes nothing.
"""

from __future__ import annotations

import datetime

from conferences.models import Plan, PlanState
from directory.models import Organisation, Person, Role, User

from . import services, signing
from .certificates import write_demo_certificate

DIRECTOR = {
    "username": "giamdoc",
    "first_name": "Minh",
    "last_name": "Phạm Văn",
    "person": ("quang-nam:pham-van-minh", "Phạm Văn Minh", "Giám đốc Sở Nội vụ"),
    "organisation": "quang-nam:so-noi-vu",
}
# Seed plans issued by the demo: key → issue date (the month the seed names).
ISSUED_SEEDS = {"seed-002": datetime.date(2022, 6, 15), "seed-000": datetime.date(2024, 5, 20)}
CHAIN = ["giamdoc", "lanhdao"]  # the Director of Home Affairs, then the Vice-Chairman who signs
DRAFTS_WITH_CHAIN = ["seed-001"]


def director_load(*, password: str) -> tuple[User, bool] | None:
    """The Director of the Department of Home Affairs of Quảng Nam: a reviewer."""
    organisation = Organisation.objects.filter(code=DIRECTOR["organisation"]).first()
    if organisation is None:
        return None
    code, name, title = DIRECTOR["person"]
    person, _ = Person.objects.get_or_create(
        code=code, defaults={"full_name": name, "title": title, "organisation": organisation}
    )
    user, created = User.objects.get_or_create(
        username=DIRECTOR["username"],
        defaults={
            "role": Role.REVIEWER,
            "first_name": DIRECTOR["first_name"],
            "last_name": DIRECTOR["last_name"],
            "email": f"{DIRECTOR['username']}@example.org",
            "organisation": organisation,
            "person": person,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


def ensure_certificate() -> bool:
    """Write the self-signed demo certificate if none is configured yet."""
    path = signing.pkcs12_path()
    if path.exists():
        return False
    write_demo_certificate(path, passphrase=signing.passphrase())
    return True


def workflow_load() -> list[Plan]:
    """Review chains for the Quảng Nam seeds; seeds 000 and 002 submitted,
    approved, signed and issued by the demo users. Returns the plans issued now."""
    users = {u.username: u for u in User.objects.filter(username__in=[*CHAIN, "soanthao", "vanthu"])}
    if len(users) < len(CHAIN) + 2:
        return []
    chain = [users[name] for name in CHAIN]
    drafter, clerk, director, signer = users["soanthao"], users["vanthu"], chain[0], chain[-1]
    issued = []
    for key in DRAFTS_WITH_CHAIN:
        plan = Plan.objects.filter(key=key, state=PlanState.DRAFT).first()
        if plan is not None and not plan.review_steps.exists():
            services.set_review_chain(plan, chain, user=drafter)
    for key, day in ISSUED_SEEDS.items():
        plan = Plan.objects.filter(key=key).first()
        if plan is None or plan.state != PlanState.DRAFT or plan.signer_id != signer.person_id:
            continue
        services.set_review_chain(plan, chain, user=drafter)
        services.submit(plan, user=drafter)
        services.forward(plan, user=director, comment="Đồng ý, trình Lãnh đạo UBND tỉnh.")
        services.approve(plan, user=signer)
        services.sign(plan, user=signer, reauthenticate=False)
        services.issue(plan, user=clerk, on=day, reauthenticate=False)
        issued.append(plan)
    return issued
