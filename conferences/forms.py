from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit

from .models import Conference, PlanKind, PlanState


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=AdministrativeUnit.objects.none(), required=False, empty_label=_("All provinces")
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, provinces, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        self.fields["kind"].choices = [("", _("All kinds")), *PlanKind.choices]
        self.fields["state"].choices = [("", _("All states")), *PlanState.choices]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-3"),
                Column("province", css_class="col-md-3"),
                Column("year", css_class="col-md-2"),
                Column("kind", css_class="col-md-2"),
                Column("state", css_class="col-md-2"),
            ),
            Submit("", _("Filter"), css_class="btn-primary"),
        )


class ConferenceForm(forms.ModelForm):
    """Time and form of a conference; the database constraints give the
    messages (end before start is refused)."""

    class Meta:
        model = Conference
        fields = ["form", "starts_at", "ends_at", "date_from", "date_to", "time_text", "chair_text"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "date_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
