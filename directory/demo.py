"""One demo user per role."""

from __future__ import annotations

from django.db import transaction

from .models import Organisation, Person, Role, User

DEMO_USERS = [
    # username, role, first name, last name, organisation code, person code
    ("soanthao", Role.DRAFTER, "Lan", "Nguyễn Thị", "quang-nam:so-noi-vu", None),
    ("lanhdao", Role.REVIEWER, "Bửu", "Hồ Quang", "quang-nam:ubnd-tinh", "quang-nam:ho-quang-buu"),
    ("vanthu", Role.CLERK, "Hùng", "Trần Văn", "quang-nam:van-phong-ubnd-tinh", None),
    ("donvi", Role.UNIT_OFFICE, "Mai", "Lê Thị", "quang-nam:ubnd-tp-tam-ky", None),
    ("quantri", Role.ADMIN, "Quản trị", "", None, None),
]


@transaction.atomic
def users_load(*, password: str) -> list[tuple[User, bool]]:
    """Create the demo users that do not exist yet; existing ones (and their
    passwords) are left as they are. Returns (user, created) pairs."""
    result = []
    for username, role, first, last, org_code, person_code in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "organisation": Organisation.objects.filter(code=org_code).first() if org_code else None,
                "person": Person.objects.filter(code=person_code).first() if person_code else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        result.append((user, created))
    return result
