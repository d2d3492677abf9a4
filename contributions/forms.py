from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import filetypes, services


class UploadForm(forms.Form):
    """The unit's contribution: PDF or DOCX, checked by content and size."""

    file = forms.FileField(
        label=_("Contribution file (PDF or DOCX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(services.max_upload_bytes())
        self.fields["file"].help_text = _(
            "Up to %(limit)s. A new upload replaces the file shown (earlier versions are kept)."
        ) % {"limit": limit}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        data = services.read_upload(uploaded)
        self.cleaned_data["kind"] = filetypes.check(data)
        self.cleaned_data["data"] = data
        return uploaded


class LateForm(forms.Form):
    """The organiser lets a unit upload after the deadline."""

    until = forms.DateField(label=_("Allow uploads until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"until": timezone.localdate() + datetime.timedelta(days=3)})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise ValidationError(_("The date cannot be in the past."), code="past")
        return until
