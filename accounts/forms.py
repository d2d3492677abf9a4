from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import reauth
from .otp import check_code

CODE_LABEL = _("Verification code")
CODE_HELP = _("The 6 digits your authenticator app shows now, or one of your backup codes.")


def code_field(label=CODE_LABEL, help_text=CODE_HELP):
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"}),
    )


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or the password is not correct. After 5 failed attempts the account is locked for 30 minutes."
        ),
    }


class CodeForm(forms.Form):
    """The second step of the login: a TOTP or a backup code."""

    code = code_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        self.device = check_code(self.user, self.cleaned_data["code"])
        if self.device is None:
            raise ValidationError(_("The code is not correct, has expired or was already used."))
        return self.cleaned_data["code"]


class EnrolForm(forms.Form):
    code = code_field(help_text=_("The 6 digits the app shows after you added the account."))

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not self.device.verify_token(code):
            raise ValidationError(_("The code is not correct: check the time of your phone and try the next code."))
        return code


class ReauthForm(forms.Form):
    """Password and a current code: confirms a decisive act."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = code_field(label=_("Code from your authenticator app"))

    def __init__(self, *args, user, purpose: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.purpose = purpose
        self.device = None

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.device = reauth.confirm(self.user, password=cleaned["password"], code=cleaned["code"], purpose=self.purpose)
        return cleaned


class RemoveDeviceForm(ReauthForm):
    device = forms.ModelChoiceField(label=_("Device"), queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .otp import totp_devices

        self.fields["device"].queryset = totp_devices(self.user)
        self.fields["device"].label_from_instance = lambda device: device.name
        self.order_fields(["device", "password", "code"])
