"""Demo data: the demo accounts of roles that require two-factor
authentication get a TOTP device with the fixed, documented demo key
(``accounts.otp.DEMO_KEY``); ``manage.py demo_otp_code <username>`` prints
the current code."""

from __future__ import annotations

from .otp import give_demo_device, otp_required


def devices_load(users) -> list:
    """A demo TOTP device for each of ``users`` whose role requires one (and who has no device yet)."""
    from django_otp import user_has_device

    given = []
    for user in users:
        if otp_required(user) and not user_has_device(user, confirmed=True):
            give_demo_device(user)
            given.append(user)
    return given
