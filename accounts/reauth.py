"""Re-authentication right before a decisive act (signing, issuing, changing
the second factor): the password and a current code, both checked here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.services import Kind, record

from .otp import check_code, has_device


def confirm(user, *, password: str, code: str, purpose: str):
    """Check the user's password and a code of one of their confirmed devices.

    Returns the device that accepted the code; raises ValidationError (and
    writes an audit row) otherwise. Call it outside the transaction of the act
    itself, so that the audit row of a failure stays."""
    if not password or not (code or "").strip():
        raise ValidationError(_("Enter your password and a current code from your authenticator app."))
    if not user.check_password(password):
        record(Kind.REAUTH_FAILED, actor=user, detail={"purpose": purpose})
        raise ValidationError(_("The password is not correct."))
    if not has_device(user):
        raise ValidationError(_("Set up two-factor authentication first (Account security)."))
    device = check_code(user, code)
    if device is None:
        record(Kind.OTP_FAILURE, actor=user, detail={"purpose": purpose})
        raise ValidationError(_("The code is not correct, has expired or was already used."))
    return device
