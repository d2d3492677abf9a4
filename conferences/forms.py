from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit, Organisation

from .models import Conference, Plan, PlanKind, PlanState


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


class NewPlanForm(forms.Form):
    """Start a plan: blank, from a template, or as a copy of an earlier plan."""

    BLANK, TEMPLATE, CLONE = "blank", "template", "clone"

    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[(TEMPLATE, _("A template")), (CLONE, _("An earlier plan (copy)")), (BLANK, _("A blank plan"))],
        widget=forms.RadioSelect,
        initial=TEMPLATE,
    )
    template = forms.ChoiceField(label=_("Template"), required=False)
    source = forms.ModelChoiceField(label=_("Plan to copy"), queryset=Plan.objects.none(), required=False)
    # A conclusion notice starts from the plan it concludes (contributions app), not here.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in PlanKind.choices if c[0] != PlanKind.CONCLUSION], required=False
    )
    issuing_body = forms.ModelChoiceField(label=_("Issuing body"), queryset=Organisation.objects.none())
    year = forms.IntegerField(
        label=_("Year of the plan"),
        min_value=2000,
        max_value=2100,
        help_text=_("For a copy, dates and the years named in the text move by the difference."),
    )

    def __init__(self, *args, templates, sources, issuing_bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.key, t.label) for t in templates]
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda p: f"{p.year} · {p.issuing_body.name} · {p.subject_one_line[:110]}"
        self.fields["issuing_body"].queryset = issuing_bodies
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "start",
            "template",
            "source",
            "kind",
            Row(Column("issuing_body", css_class="col-md-8"), Column("year", css_class="col-md-4")),
            Submit("", _("Create the draft"), css_class="btn-primary"),
        )

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start")
        if start == self.TEMPLATE and not cleaned.get("template"):
            self.add_error("template", _("Choose a template."))
        if start == self.CLONE and not cleaned.get("source"):
            self.add_error("source", _("Choose the plan to copy."))
        if start == self.BLANK and not cleaned.get("kind"):
            self.add_error("kind", _("Choose the kind of plan."))
        return cleaned
