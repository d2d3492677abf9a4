from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.forms import CHOOSE
from directory.models import AdministrativeUnit, Organisation

from .models import Component, Edition, EditionScope, Index

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Accepted attachments, recognised by their first bytes.
ATTACHMENT_SIGNATURES = {
    b"%PDF": "pdf",
    b"PK\x03\x04": "docx/xlsx",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpg",
}
ATTACHMENT_EXTENSIONS = {".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg"}


def submit_helper(label, *fields, method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.attrs = {"novalidate": ""}
    if method == "get":
        helper.disable_csrf = True
    helper.layout = Layout(*fields, Submit("", label, css_class="btn-primary"))
    return helper


class EditionCreateForm(forms.Form):
    index = forms.ModelChoiceField(label=_("Index"), queryset=Index.objects.order_by("code"), empty_label=CHOOSE)
    year = forms.IntegerField(label=_("Year"), min_value=2006, max_value=2100)
    source = forms.CharField(
        label=_("Source"), required=False, max_length=400, help_text=_("Decision or report that published it.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(
            _("Create the edition"),
            Row(
                Column("index", css_class="col-md-4"),
                Column("year", css_class="col-md-2"),
                Column("source", css_class="col-md-6"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        index, year = cleaned.get("index"), cleaned.get("year")
        if index and year and Edition.objects.filter(index=index, year=year, scope=EditionScope.NATIONAL).exists():
            raise forms.ValidationError(_("This index already has an edition for %(year)s.") % {"year": year})
        return cleaned


class ComponentForm(forms.ModelForm):
    class Meta:
        model = Component
        fields = ["code", "name", "max_score", "key"]
        widgets = {"name": forms.TextInput(attrs={"size": 60})}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not all(part.isdigit() for part in code.split(".")):
            raise forms.ValidationError(_("Write the code as numbers separated by dots, e.g. 3.2."))
        return code


class BaseComponentFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        codes = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            code = form.cleaned_data.get("code")
            if code in codes:
                form.add_error("code", _("Two components cannot have the same code."))
            codes.add(code)
        for form in self.forms:
            code = (getattr(form, "cleaned_data", None) or {}).get("code")
            if code and "." in code and code.rpartition(".")[0] not in codes:
                form.add_error("code", _("No component has the code %(code)s to hold it.") % {"code": code.rpartition(".")[0]})


ComponentFormSet = forms.modelformset_factory(
    Component, form=ComponentForm, formset=BaseComponentFormSet, extra=3, can_delete=True
)


class ResponsibilityForm(forms.Form):
    """One select per field of each index: the department answering for it."""

    def __init__(self, *args, fields_by_index: list[tuple[Index, list[Component]]], organisations, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for index, components in fields_by_index:
            for component in components:
                if not component.key:
                    continue
                name = f"{index.code}__{component.key}"
                self.fields[name] = forms.ModelChoiceField(
                    label=f"{component.code}. {component.name}",
                    queryset=organisations,
                    required=False,
                    empty_label=_("(not assigned)"),
                    initial=current.get((index.pk, component.key)),
                )
                self.rows.append((index, component, name))
        self.helper = FormHelper()
        self.helper.form_tag = False

    def assignments(self) -> dict[Index, dict[str, Organisation | None]]:
        result: dict = {}
        for index, component, name in self.rows:
            result.setdefault(index, {})[component.key] = self.cleaned_data.get(name)
        return result

    def grouped(self):
        groups: dict = {}
        for index, _component, name in self.rows:
            groups.setdefault(index, []).append(self[name])
        return list(groups.items())


class ComparisonForm(forms.Form):
    index = forms.ModelChoiceField(label=_("Index"), queryset=Index.objects.order_by("code"), empty_label=CHOOSE)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    units = forms.ModelMultipleChoiceField(
        label=_("Units (two to five)"),
        queryset=AdministrativeUnit.objects.none(),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, years: list[int], units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["units"].queryset = units
        self.fields["units"].widget.attrs["size"] = 10
        self.helper = submit_helper(
            _("Compare"),
            Row(
                Column("index", css_class="col-md-3"), Column("year", css_class="col-md-2"), Column("units", css_class="col-md-7")
            ),
            method="get",
        )

    def clean_units(self):
        units = self.cleaned_data["units"]
        if not 2 <= len(units) <= 5:
            raise forms.ValidationError(_("Choose between two and five units."))
        return units


class ImprovementForm(forms.Form):
    components = forms.TypedMultipleChoiceField(
        label=_("Weak components to address (one task each)"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(
        label=_("Deadline of the tasks"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = choices
        self.helper = submit_helper(_("Create the draft improvement plan"), "components", "deadline")


class InsertSentencesForm(forms.Form):
    """Plan editor, sections part: append the sentences stating index results to a section's body."""

    ALL = "all"

    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    index = forms.ChoiceField(label=_("Index"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none(), empty_label=CHOOSE)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sections, indices, years, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections
        self.fields["index"].choices = [(self.ALL, _("Every index of that year")), *((i.code, i.name) for i in indices)]
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["unit"].queryset = units
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")


def check_attachment(upload):
    """A progress report's attachment: PDF, DOCX, XLSX, PNG or JPG, at most 10 MB (also in the admin)."""
    if not upload:
        return None
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(_("The file is larger than 10 MB."))
    name = upload.name.lower()
    head = upload.read(8)
    upload.seek(0)
    if not any(name.endswith(ext) for ext in ATTACHMENT_EXTENSIONS) or not any(
        head.startswith(sig) for sig in ATTACHMENT_SIGNATURES
    ):
        raise forms.ValidationError(_("Attach a PDF, DOCX, XLSX, PNG or JPG file."))
    return upload


class ProgressReportForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Month reported on"), coerce=datetime.date.fromisoformat)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, PNG or JPG; at most 10 MB."),
    )

    def __init__(self, *args, months: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(month.isoformat(), month.strftime("%m/%Y")) for month in months]
        self.fields["attachment"].widget.attrs["accept"] = ",".join(sorted(ATTACHMENT_EXTENSIONS))
        self.helper = submit_helper(
            _("Send the report"),
            Row(Column("period", css_class="col-md-4"), Column("percent", css_class="col-md-3")),
            "text",
            "attachment",
        )
        self.helper.form_tag = True
        self.helper.attrs["enctype"] = "multipart/form-data"

    def clean_attachment(self):
        return check_attachment(self.cleaned_data.get("attachment"))
