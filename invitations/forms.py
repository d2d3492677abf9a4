"""Forms of the invitations pages (crispy-forms, Bootstrap 5)."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conferences.models import BridgePoint
from conferences.widgets import DirectoryPicker
from directory.models import Organisation

from .models import Campaign, Invitation, ReplyChannel

MAX_DELEGATE_ROWS = 60


def _helper(submit: str, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit:
        helper.add_input(Submit("submit", submit, css_class="btn-primary"))
    return helper


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["reply_deadline", "reminder_days", "default_quota", "organiser_email"]
        widgets = {"reply_deadline": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_deadline"].required = True
        self.fields["reply_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.helper = _helper(_("Save settings"))
        self.helper.layout = Layout(
            Row(
                Column("reply_deadline", css_class="col-md-3"),
                Column("reminder_days", css_class="col-md-3"),
                Column("default_quota", css_class="col-md-3"),
                Column("organiser_email", css_class="col-md-3"),
            )
        )


class AddRecipientForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Organisation.objects.filter(is_active=True),
        widget=DirectoryPicker("organisation", multiple=False),
    )
    bridge_point = forms.ModelChoiceField(label=_("Bridge point"), queryset=BridgePoint.objects.none(), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, help_text=_("Empty: the address in the directory."))
    quota = forms.IntegerField(label=_("Delegate quota"), min_value=1, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, prefix="add", **kwargs)
        self.fields["bridge_point"].queryset = plan.bridge_points.order_by("order")
        self.fields["bridge_point"].empty_label = _("(none)")
        self.helper = _helper(_("Add to the list"))
        self.helper.layout = Layout(
            Row(
                Column("organisation", css_class="col-md-4"),
                Column("bridge_point", css_class="col-md-3"),
                Column("email", css_class="col-md-3"),
                Column("quota", css_class="col-md-2"),
            )
        )


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["name", "venue", "email", "phone", "quota"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_issued:
            for name in ("name", "venue"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Printed on the issued Giấy mời.")
        self.helper = _helper(_("Save"))


class ReplyForm(forms.Form):
    attending = forms.TypedChoiceField(
        label=_("Will your unit attend?"),
        choices=[("yes", _("Yes, we will attend")), ("no", _("No, we cannot attend"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    delegate_count = forms.IntegerField(label=_("Number of delegates"), min_value=0, max_value=999, required=False)
    over_quota_reason = forms.CharField(
        label=_("Reason for more delegates than the quota"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    connection_tested = forms.BooleanField(label=_("The connection test of our bridge point is done"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    channel = forms.ChoiceField(label=_("Reply received"), choices=ReplyChannel.choices[1:], required=False)

    def __init__(self, *args, invitation: Invitation, organiser: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if not invitation.hosts_point:
            del self.fields["connection_tested"]
        if organiser:
            self.fields["channel"].required = True
            self.fields["contact_name"].required = False
            self.fields["contact_phone"].required = False
        else:
            del self.fields["channel"]
        if invitation.quota:
            self.fields["delegate_count"].help_text = _("Quota: %(quota)s delegates.") % {"quota": invitation.quota}

    def clean(self):
        data = super().clean()
        attending = data.get("attending")
        count = data.get("delegate_count")
        if attending:
            if not count:
                self.add_error("delegate_count", _("Give the number of delegates."))
            elif self.invitation.quota and count > self.invitation.quota and not (data.get("over_quota_reason") or "").strip():
                self.add_error(
                    "over_quota_reason",
                    _("More delegates than the quota (%(quota)s) need a reason.") % {"quota": self.invitation.quota},
                )
        return data


class DelegateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("full_name"):
            self.add_error("full_name", _("Give the delegate's name."))
        return data


@dataclass(frozen=True)
class DelegateRow:
    """One delegate row as the reply form shows it."""

    index: int
    full_name: str
    title: str
    errors: list
    name_label: str
    title_label: str


class BaseDelegateFormSet(forms.BaseFormSet):
    def named(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("full_name")]

    def rows(self) -> list[DelegateRow]:
        """The rows to show: unbound, straight from the initial names (no form is
        built for them: the reply link's page shows a row per delegate and a few
        empty ones, and building a form per row cost more than the rest of it);
        bound, each posted row with its errors."""
        if self.is_bound:
            values = [
                (form["full_name"].value() or "", form["title"].value() or "", form.errors.get("full_name", []))
                for form in self.forms
            ]
        else:
            values = [(row.get("full_name", ""), row.get("title", ""), []) for row in self.initial or ()]
        return [
            DelegateRow(
                index,
                full_name,
                title,
                errors,
                gettext("Full name of delegate %(n)s") % {"n": index + 1},
                gettext("Title of delegate %(n)s") % {"n": index + 1},
            )
            for index, (full_name, title, errors) in enumerate(values)
        ]

    def management_values(self) -> dict[str, int]:
        """The management form's values, without building it."""
        if self.is_bound:
            form = self.management_form
            return {name: form[name].value() for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")}
        return {
            "TOTAL_FORMS": self.total_form_count(),
            "INITIAL_FORMS": self.initial_form_count(),
            "MIN_NUM_FORMS": self.min_num,
            "MAX_NUM_FORMS": self.max_num,
        }


DelegateFormSet = forms.formset_factory(
    DelegateForm, formset=BaseDelegateFormSet, extra=0, max_num=MAX_DELEGATE_ROWS, validate_max=True
)


def delegate_formset(data=None, *, invitation: Invitation, initial=None):
    """Posted rows as they are (all extra rows: an unchanged row still counts);
    unbound, the current delegates and a few empty rows."""
    if data is not None:
        return DelegateFormSet(data, prefix="delegates")
    initial = initial or []
    rows = max(len(initial) + 2, min(invitation.quota or 3, 10), 3)
    return DelegateFormSet(prefix="delegates", initial=initial + [{}] * (rows - len(initial)))


class CascadeForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units to invite"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=120, initial="CHỦ TỊCH")
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
    on_behalf_of = forms.CharField(label=_("On behalf of (TM.)"), max_length=120, required=False, initial="ỦY BAN NHÂN DÂN")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = candidates
        self.fields["units"].label_from_instance = lambda org: f"{org.name} — {org.email or _('no e-mail')}"
        self.helper = _helper(_("Send the invitations"))
        self.helper.layout = Layout(
            "units",
            Row(
                Column("on_behalf_of", css_class="col-md-4"),
                Column("signer_title", css_class="col-md-4"),
                Column("signer_name", css_class="col-md-4"),
            ),
        )


class CheckinSearchForm(forms.Form):
    q = forms.CharField(label=_("Delegate or unit name"), max_length=100, required=False)


class WalkInForm(forms.Form):
    invitation = forms.ModelChoiceField(label=_("Unit"), queryset=Invitation.objects.none())
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, prefix="walkin", **kwargs)
        self.fields["invitation"].queryset = campaign.invitations.filter(number__isnull=False).order_by("name")
        self.fields["invitation"].label_from_instance = lambda invitation: invitation.name
        self.helper = _helper(_("Add and check in"))
        self.helper.layout = Layout(
            Row(
                Column("invitation", css_class="col-md-5"),
                Column("full_name", css_class="col-md-4"),
                Column("title", css_class="col-md-3"),
            )
        )
