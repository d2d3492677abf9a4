from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from config import uploads
from directory.models import Role, User

CHAIN_LENGTH = 4
MAX_UPLOAD = 30 * 1024 * 1024
SIGNATURE_IMAGE_MAX_BYTES = 2 * 1024 * 1024


class SignatureImageForm(forms.ModelForm):
    """Admin: a signature or seal image is a PNG (transparent ground) of at most 2 MB."""

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            uploads.check_size(image, SIGNATURE_IMAGE_MAX_BYTES)
            uploads.check_type(image, uploads.PNG, "PNG")
        return image


def _helper(action: str, label, css_class: str = "btn-primary") -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_action = action
    button = Submit("submit", label, css_class=css_class)
    button.field_classes = f"btn {css_class}"  # css_class alone, not btn-primary as well
    helper.add_input(button)
    return helper


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return reviewer_label(user)


def reviewer_label(user) -> str:
    """“Hồ Quang Bửu — Phó Chủ tịch Ủy ban nhân dân tỉnh”: the directory's name and title when known."""
    person = user.person
    if person is None:
        return str(user)
    return f"{person.full_name} — {person.title}" if person.title else person.full_name


class ReviewChainForm(forms.Form):
    """The ordered chain of reviewers: the first reviews first, the last approves."""

    def __init__(self, *args, action: str = "", initial_reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        reviewers = (
            User.objects.filter(role=Role.REVIEWER, is_active=True).select_related("person").order_by("last_name", "first_name")
        )
        initial_reviewers = list(initial_reviewers)
        for i in range(1, CHAIN_LENGTH + 1):
            self.fields[f"reviewer_{i}"] = ReviewerChoiceField(
                label=_("Reviewer %(n)d") % {"n": i},
                queryset=reviewers,
                required=i == 1,
                empty_label=_("(none)"),
                initial=initial_reviewers[i - 1].pk if len(initial_reviewers) >= i else None,
                help_text=_("Reviews first.") if i == 1 else "",
            )
        self.helper = _helper(action, _("Save the review chain"))

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"reviewer_{i}") for i in range(1, CHAIN_LENGTH + 1)]
        if any(later and not earlier for earlier, later in zip(chosen, chosen[1:], strict=False)):
            raise forms.ValidationError(_("Fill the reviewers in order, without gaps."))
        reviewers = [r for r in chosen if r]
        if len({r.pk for r in reviewers}) != len(reviewers):
            raise forms.ValidationError(_("A reviewer can appear only once in the chain."))
        cleaned["reviewers"] = reviewers
        return cleaned


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, comment_required: bool = False, action: str = "", label="", css_class="btn-primary", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = comment_required
        if comment_required:
            self.fields["comment"].help_text = _("Required: say what must change.")
        self.helper = _helper(action, label, css_class)


class ReauthenticatedForm(TransitionForm):
    """Signing and issuing: confirmed with the password and a current code."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off"}),
        help_text=_("The 6 digits the app shows now (or a backup code)."),
    )


class SignForm(ReauthenticatedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _("Signing is your decision: confirm it with your password and a code.")


class IssueForm(ReauthenticatedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _("Issuing signs the document digitally: confirm it with your password and a code.")


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("On"), required=False)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, sections=(), action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("The whole plan")), *((s["key"], s["title"]) for s in sections)]
        self.helper = _helper(action, _("Add the comment"), "btn-outline-primary")


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("PDF file"), help_text=_("An issued, digitally signed plan."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check_size(upload, MAX_UPLOAD)
        uploads.check_type(upload, uploads.PDF, "PDF")
        return upload

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(action, _("Check the signature"))
