"""Forms and formsets of the plan editor, one group per part of the plan.

Lists (legal bases, sections, bridge points, participant lines, agenda rows,
tasks, distribution lines) are edited as *outlines*: a flat, ordered list of
rows where a row may be indented one level under the row above it (a
subsection under its section, a sub-item under its agenda item, a task under
its task group). The order is the ``ORDER`` field of the formset, which the
drag handles and the move buttons renumber; it can also be typed.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Person

from .models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    LegalBasis,
    ParticipantGroup,
    Plan,
    Section,
    TaskKind,
)
from .sanitise import clean_text
from .widgets import DirectoryPicker

LEVEL_CHOICES = [(0, _("Item")), (1, _("Sub-item"))]
MARKER_CHOICES = [("-", "-"), ("+", "+"), ("*", "*"), ("", _("(none)"))]

ROW_TOOLS = HTML('{% include "conferences/editor/_row_tools.html" %}')


def row_helper(*rows) -> FormHelper:
    """Crispy layout of one outline row: move tools, then the fields."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        ROW_TOOLS,
        *rows,
        Row(
            Column(Field("ORDER", css_class="form-control-sm row-order"), css_class="col-4 col-md-2"),
            Column(Field("DELETE", css_class="row-delete"), css_class="col-8 col-md-4 pt-md-4"),
        ),
    )
    return helper


def plain_helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if fields:
        helper.layout = Layout(*fields)
    return helper


def textarea(rows: int = 3, *, markdown: bool = False) -> forms.Textarea:
    attrs = {"rows": rows}
    if markdown:
        attrs["class"] = "markdown-input"
        attrs["data-markdown"] = "1"
    return forms.Textarea(attrs=attrs)


class CleanTextMixin:
    """Every text a drafter types is stored without markup (see sanitise)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and isinstance(self.fields[name], forms.CharField):
                cleaned[name] = clean_text(value)
        return cleaned


# --- Header ---------------------------------------------------------------


class HeaderForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "kind",
            "issuing_body",
            "letterhead_parent",
            "letterhead_name",
            "symbol",
            "place",
            "year",
            "month",
            "subject",
            "preamble",
        ]
        widgets = {"subject": textarea(3), "preamble": textarea(5, markdown=True)}
        help_texts = {
            "letterhead_parent": _(
                "Upper line of the letterhead, e.g. “ỦY BAN NHÂN DÂN”. Left empty: taken from the issuing body."
            ),
            "letterhead_name": _("Own line of the letterhead, e.g. “TỈNH QUẢNG NAM”. Left empty: taken from the issuing body."),
        }

    def __init__(self, *args, issuing_bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_body"].queryset = issuing_bodies
        self.fields["letterhead_name"].required = False
        self.fields["year"].widget.attrs.update(min=2000, max=2100)
        self.fields["month"].widget.attrs.update(min=1, max=12)
        self.helper = plain_helper(
            Row(Column("kind", css_class="col-md-6"), Column("issuing_body", css_class="col-md-6")),
            Row(
                Column("letterhead_parent", css_class="col-md-6"),
                Column("letterhead_name", css_class="col-md-6"),
            ),
            Row(
                Column("symbol", css_class="col-md-3"),
                Column("place", css_class="col-md-5"),
                Column("year", css_class="col-md-2"),
                Column("month", css_class="col-md-2"),
            ),
            "subject",
            "preamble",
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 2000 and 2100."))
        return year

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("issuing_body")
        if body is not None:
            if not cleaned.get("letterhead_name"):
                cleaned["letterhead_name"] = body.letterhead_name or body.name.upper()
                if not cleaned.get("letterhead_parent"):
                    cleaned["letterhead_parent"] = body.letterhead_parent
            if not cleaned.get("symbol") and body.symbol:
                cleaned["symbol"] = body.symbol
        if not cleaned.get("subject"):
            self.add_error("subject", _("Enter the subject of the plan."))
        return cleaned


class LegalBasisForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["text"]
        widgets = {"text": textarea(2)}
        labels = {"text": _("Legal basis")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = row_helper("text")


# --- Sections ---------------------------------------------------------------


class SectionForm(CleanTextMixin, forms.ModelForm):
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int, initial=0)

    class Meta:
        model = Section
        fields = ["heading", "run_in", "body", "content"]
        widgets = {"heading": forms.TextInput(), "body": textarea(6, markdown=True)}
        help_texts = {
            "body": _("One paragraph per line. **bold** and *italic* are printed as such; any HTML is removed."),
            "content": _("Where the participants, the tasks or the budget source are printed."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["level"] = 1 if self.instance.parent_id else 0
        self.helper = row_helper(
            Row(
                Column(Field("level", css_class="row-level"), css_class="col-md-3"),
                Column("heading", css_class="col-md-9"),
            ),
            Row(Column("content", css_class="col-md-6"), Column("run_in", css_class="col-md-6 pt-md-4")),
            "body",
        )


# --- Conference and bridge points -------------------------------------------


class ConferenceEditForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Conference
        fields = ["form", "starts_at", "ends_at", "date_from", "date_to", "time_text", "chair", "chair_text"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "date_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "chair": DirectoryPicker("person", multiple=False),
        }
        help_texts = {
            "time_text": _("As printed, e.g. “01 buổi sáng, lúc 08 giờ 00 phút, ngày 08 tháng 5 năm 2024”."),
            "date_from": _("For a conference held over several days, or a period instead of a time."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = plain_helper(
            Row(Column("form", css_class="col-md-4")),
            Row(Column("starts_at", css_class="col-md-6"), Column("ends_at", css_class="col-md-6")),
            Row(Column("date_from", css_class="col-md-6"), Column("date_to", css_class="col-md-6")),
            "time_text",
            Row(Column("chair", css_class="col-md-6"), Column("chair_text", css_class="col-md-6")),
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if ends and not starts:
            self.add_error("starts_at", _("Enter the start before the end."))
        if starts and (cleaned.get("date_from") or cleaned.get("date_to")):
            self.add_error("date_from", _("Give either a start time or a date range, not both."))
        if cleaned.get("date_to") and not cleaned.get("date_from"):
            self.add_error("date_from", _("Enter the first day of the range."))
        return cleaned


class BridgePointForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = BridgePoint
        fields = [
            "tier",
            "heading",
            "host",
            "host_text",
            "place",
            "mode",
            "expected_delegates",
            "per_unit",
            "invited_by_lower_tier",
        ]
        widgets = {"heading": forms.TextInput(), "host": DirectoryPicker("organisation", multiple=False)}
        labels = {"place": _("Venue"), "mode": _("Attendance mode")}
        help_texts = {"heading": _("As printed, e.g. “Trực tiếp tại Hội trường UBND Tỉnh: Khoảng 90 đại biểu, gồm:”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = row_helper(
            Row(
                Column("tier", css_class="col-md-3"),
                Column("mode", css_class="col-md-3"),
                Column("expected_delegates", css_class="col-md-3"),
            ),
            "heading",
            Row(Column("host", css_class="col-md-6"), Column("host_text", css_class="col-md-6")),
            "place",
            Row(Column("per_unit", css_class="col-md-6"), Column("invited_by_lower_tier", css_class="col-md-6")),
        )


# --- Participants -----------------------------------------------------------


class ParticipantsHeadingForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["participants_heading_marker"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = plain_helper()


class ParticipantForm(CleanTextMixin, forms.ModelForm):
    bridge_point = forms.TypedChoiceField(label=_("Bridge point"), coerce=int, empty_value=None, required=False)
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int, initial=0)
    marker = forms.ChoiceField(label=_("Marker"), choices=MARKER_CHOICES, required=False, initial="-")

    class Meta:
        model = ParticipantGroup
        fields = ["tier", "text", "organisations", "invited_by_lower_tier", "is_chair"]
        widgets = {"text": textarea(2), "organisations": DirectoryPicker("organisation")}
        help_texts = {
            "text": _("The line as printed, e.g. “Mời Thường trực Tỉnh ủy.”"),
            "organisations": _("The units this line invites (they receive the invitation)."),
        }

    def __init__(self, *args, bridge_point_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bridge_point"].choices = bridge_point_choices
        if self.instance.pk:
            self.initial.update(
                bridge_point=self.instance.bridge_point_id, level=self.instance.level, marker=self.instance.marker
            )
        self.helper = row_helper(
            Row(
                Column("bridge_point", css_class="col-md-5"),
                Column("tier", css_class="col-md-3"),
                Column(Field("level", css_class="row-level"), css_class="col-md-2"),
                Column("marker", css_class="col-md-2"),
            ),
            "text",
            "organisations",
            Row(Column("invited_by_lower_tier", css_class="col-md-6"), Column("is_chair", css_class="col-md-6")),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text"):
            self.add_error("text", _("Enter the line as it should be printed."))
        return cleaned


# --- Agenda -------------------------------------------------------------------


class AgendaSettingsForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["agenda_attached", "agenda_title", "agenda_subject"]
        widgets = {"agenda_subject": textarea(3)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = plain_helper(
            Row(Column("agenda_attached", css_class="col-md-4 pt-md-4"), Column("agenda_title", css_class="col-md-8")),
            "agenda_subject",
        )


class AgendaItemForm(CleanTextMixin, forms.ModelForm):
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int, initial=0)

    class Meta:
        model = AgendaItem
        fields = [
            "marker",
            "content",
            "performers",
            "performer_organisations",
            "performer_people",
            "kind",
            "duration_minutes",
            "speaking_limit_minutes",
        ]
        widgets = {
            "content": textarea(2),
            "performers": textarea(2),
            "performer_organisations": DirectoryPicker("organisation"),
            "performer_people": DirectoryPicker("person"),
        }
        help_texts = {"marker": _("Of a sub-item: “-”, “+” or none.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["level"] = 1 if self.instance.parent_id else 0
        for name in ("duration_minutes", "speaking_limit_minutes"):
            self.fields[name].widget.attrs.update(min=0, max=600)
        self.helper = row_helper(
            Row(
                Column(Field("level", css_class="row-level"), css_class="col-md-3"),
                Column("marker", css_class="col-md-2"),
                Column("kind", css_class="col-md-3"),
                Column("duration_minutes", css_class="col-md-2"),
                Column("speaking_limit_minutes", css_class="col-md-2"),
            ),
            "content",
            "performers",
            Row(Column("performer_organisations", css_class="col-md-6"), Column("performer_people", css_class="col-md-6")),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("content") and not cleaned.get("performers"):
            self.add_error("content", _("Enter the content or the performer of this row."))
        limit, duration = cleaned.get("speaking_limit_minutes"), cleaned.get("duration_minutes")
        if limit and duration and limit > duration:
            self.add_error("speaking_limit_minutes", _("The speaking limit cannot exceed the duration of the item."))
        return cleaned


# --- Tasks ----------------------------------------------------------------------


class TaskRowForm(CleanTextMixin, forms.Form):
    """One row of the task outline: a task group (a unit's heading) or a task."""

    GROUP, TASK = "group", "task"

    row_type = forms.ChoiceField(label=_("Row"), choices=[(GROUP, _("Group (unit heading)")), (TASK, _("Task"))], initial=TASK)
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    heading = forms.CharField(label=_("Heading"), max_length=400, required=False, help_text=_("For a group, e.g. “Sở Nội vụ”."))
    run_in = forms.BooleanField(label=_("Text starts on the heading line"), required=False)
    intro = forms.CharField(label=_("Introduction"), widget=textarea(2), required=False)
    note = forms.CharField(label=_("Note after the tasks"), widget=textarea(2), required=False)
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int, initial=0)
    marker = forms.ChoiceField(label=_("Marker"), choices=MARKER_CHOICES, required=False, initial="-")
    text = forms.CharField(label=_("Task"), widget=textarea(2), required=False)
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assigned units"), queryset=Organisation.objects.all(), required=False, widget=DirectoryPicker("organisation")
    )
    coordinators = forms.ModelMultipleChoiceField(
        label=_("Coordinating units"), queryset=Organisation.objects.all(), required=False, widget=DirectoryPicker("organisation")
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices, initial=TaskKind.PREPARATION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = row_helper(
            Row(Column(Field("row_type", css_class="row-type"), css_class="col-md-4")),
            Div(
                "heading",
                Row(Column("run_in", css_class="col-md-12")),
                "intro",
                "note",
                css_class="task-group-fields",
            ),
            Div(
                Row(
                    Column(Field("level", css_class="row-level"), css_class="col-md-3"),
                    Column("marker", css_class="col-md-2"),
                    Column("kind", css_class="col-md-4"),
                    Column("deadline", css_class="col-md-3"),
                ),
                "text",
                "coordinators",
                css_class="task-fields",
            ),
            "assignees",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("row_type") == self.GROUP and not cleaned.get("heading"):
            self.add_error("heading", _("Enter the heading of the group."))
        if cleaned.get("row_type") == self.TASK and not cleaned.get("text"):
            self.add_error("text", _("Enter the task."))
        return cleaned


# --- Closing, distribution and signature -----------------------------------------


class ClosingForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "budget_source",
            "closing",
            "sign_on_behalf_of",
            "sign_for_mode",
            "sign_for_title",
            "signer_title",
            "signer",
            "signer_name",
        ]
        widgets = {
            "budget_source": textarea(2, markdown=True),
            "closing": textarea(3, markdown=True),
            "signer": DirectoryPicker("person", multiple=False),
        }
        help_texts = {
            "sign_on_behalf_of": _("Without “TM.”, e.g. “ỦY BAN NHÂN DÂN”."),
            "sign_for_title": _("e.g. “CHỦ TỊCH” after “KT.”."),
            "signer_title": _("e.g. “PHÓ CHỦ TỊCH”."),
            "signer_name": _("Left empty: the name of the chosen signer."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = plain_helper(
            "budget_source",
            "closing",
            HTML('{% include "conferences/editor/_signature_heading.html" %}'),
            Row(
                Column("sign_on_behalf_of", css_class="col-md-5"),
                Column("sign_for_mode", css_class="col-md-2"),
                Column("sign_for_title", css_class="col-md-5"),
            ),
            Row(
                Column("signer_title", css_class="col-md-4"),
                Column("signer", css_class="col-md-4"),
                Column("signer_name", css_class="col-md-4"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        signer: Person | None = cleaned.get("signer")
        if signer and not cleaned.get("signer_name"):
            cleaned["signer_name"] = signer.full_name
        if cleaned.get("sign_for_mode") and not cleaned.get("sign_for_title"):
            self.add_error("sign_for_title", _("Enter the title signed for (e.g. “CHỦ TỊCH”)."))
        return cleaned


class DistributionLineForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = DistributionLine
        fields = ["text", "organisation"]
        widgets = {"text": forms.TextInput(), "organisation": DirectoryPicker("organisation", multiple=False)}
        help_texts = {"text": _("Without the leading “- ”, with its punctuation, e.g. “Như trên;”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = row_helper(Row(Column("text", css_class="col-md-7"), Column("organisation", css_class="col-md-5")))


# --- Formset classes --------------------------------------------------------------


class OutlineFormSet(forms.BaseModelFormSet):
    """Rows with an optional level: a sub-row must follow a top-level row.
    The rows may be given as a list already in reading order."""

    def get_queryset(self):
        if isinstance(self.queryset, list):
            return self.queryset
        return super().get_queryset()

    def clean(self):
        super().clean()
        if any(self.errors) or not self.management_form.is_valid():
            return
        rows = self.ordered_forms
        if rows and "level" in rows[0].fields and rows[0].cleaned_data.get("level"):
            raise forms.ValidationError(_("The first row cannot be a sub-item: it has no item above it."))


class TaskFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or not self.management_form.is_valid():
            return
        rows = self.ordered_forms
        if rows and rows[0].cleaned_data.get("row_type") != TaskRowForm.GROUP:
            raise forms.ValidationError(_("Start the tasks with a group (the unit they are assigned to)."))


def outline_formset(model, form, **kwargs):
    return forms.modelformset_factory(
        model, form=form, formset=OutlineFormSet, extra=0, can_order=True, can_delete=True, **kwargs
    )


LegalBasisFormSet = outline_formset(LegalBasis, LegalBasisForm)
SectionFormSet = outline_formset(Section, SectionForm)
BridgePointFormSet = outline_formset(BridgePoint, BridgePointForm)
ParticipantFormSet = outline_formset(ParticipantGroup, ParticipantForm)
AgendaFormSet = outline_formset(AgendaItem, AgendaItemForm)
DistributionFormSet = outline_formset(DistributionLine, DistributionLineForm)
TaskRowFormSet = forms.formset_factory(TaskRowForm, formset=TaskFormSet, extra=0, can_order=True, can_delete=True)
