"""Two-factor authentication with django-otp: TOTP apps and static backup codes.

Who must use it: users whose role is in ``settings.OTP_REQUIRED_ROLES``
(reviewers, who lead and sign; clerks, who issue; administrators) and every
superuser. Others may add a device; once they have one, they use it too.
"""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
# The demo accounts' TOTP secret (demo data only, see README): RFC 6238's test
# secret "12345678901234567890", base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_KEY = "3132333435363738393031323334353637383930"


def otp_required(user) -> bool:
    """Must this user pass a second factor (and enrol one at first login)?"""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def needs_second_factor(user) -> bool:
    return otp_required(user) or has_device(user)


def totp_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id")


def backup_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()


def clean_code(code: str) -> str:
    return "".join((code or "").split()).lower()


def check_code(user, code: str):
    """The confirmed device (TOTP app or backup codes) that accepts ``code``, or None.

    A TOTP code is accepted once (django-otp keeps the last time step used),
    a backup code is deleted when used, and failures are throttled per device."""
    code = clean_code(code)
    if not code or not user.is_authenticated:
        return None
    # Six digits: an app's code; anything else: a backup code. Only the devices
    # of that kind see (and are throttled by) the attempt.
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("id"):
            if device.verify_token(code):
                return device
    return None


def base32_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = b32encode(unhexlify(device.key.encode())).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def pending_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=settings.OTP_TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes by ten new ones (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def give_demo_device(user) -> TOTPDevice:
    """A confirmed TOTP device with the demo key (demo data and tests only)."""
    device = TOTPDevice.objects.filter(user=user, key=DEMO_KEY, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo", key=DEMO_KEY, confirmed=True)
    return device
