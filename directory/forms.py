from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .importing import MAX_UPLOAD_BYTES, ImportFileError, Table, read_table
from .models import AdministrativeUnit, Organisation, OrganisationKind, Person, Tier, UnitLevel, UnitPeriod
from .widgets import PickerSelect

CHOOSE = _("— choose —")
NONE = _("(none)")
EMAIL_INVALID = _("Enter a valid e-mail address, e.g. van-thu@example.gov.vn.")


def filter_helper(*columns: Column) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "get"
    helper.disable_csrf = True
    helper.layout = Layout(Row(*columns), Submit("", _("Filter"), css_class="btn-primary"))
    return helper


def form_helper(layout: Layout, *, cancel_url: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = True
    # The server's messages are Vietnamese; the browser's own would follow its language.
    helper.attrs = {"novalidate": ""}
    helper.layout = layout
    helper.layout.append(
        HTML(
            format_html(
                '<div class="d-flex gap-2 mt-3"><button type="submit" class="btn btn-primary">{}</button>'
                '<a class="btn btn-outline-secondary" href="{}">{}</a></div>',
                _("Save"),
                cancel_url,
                _("Cancel"),
            )
        )
    )
    return helper


# Filters -----------------------------------------------------------------------


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("All tiers")), *Tier.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices])
    province = forms.TypedChoiceField(label=_("Province"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        self.provinces = {unit.pk: unit for unit in selectors.provinces()}
        for unit in self.provinces.values():
            groups.setdefault(unit.get_period_display(), []).append((unit.pk, unit.name))
        self.fields["province"].choices = [("", _("All provinces")), *groups.items()]
        self.fields["q"].widget.attrs["placeholder"] = _("e.g. so noi vu (accents optional)")
        self.helper = filter_helper(
            Column("q", css_class="col-md-3"),
            Column("tier", css_class="col-md-3"),
            Column("kind", css_class="col-md-3"),
            Column("province", css_class="col-md-3"),
        )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "tier": data.get("tier", ""),
            "kind": data.get("kind", ""),
            "province": self.provinces.get(data.get("province")),
        }


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=PickerSelect(url=reverse_lazy("directory:organisation_search")),
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("e.g. ho quang buu (accents optional)")
        self.helper = filter_helper(Column("q", css_class="col-md-6"), Column("organisation", css_class="col-md-6"))

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"query": data.get("q", ""), "organisation": data.get("organisation")}


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[("", _("Both periods")), *UnitPeriod.choices])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *UnitLevel.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("e.g. tam ky (accents optional)")
        self.helper = filter_helper(
            Column("q", css_class="col-md-5"), Column("period", css_class="col-md-4"), Column("level", css_class="col-md-3")
        )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"query": data.get("q", ""), "period": data.get("period", ""), "level": data.get("level", "")}


# Editing -----------------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return unit_label(obj)


def unit_label(unit: AdministrativeUnit) -> str:
    """“Thành phố Tam Kỳ, Tỉnh Quảng Nam (L-D502)”."""
    parent = f", {unit.parent.name}" if unit.parent_id else ""
    return f"{unit.name}{parent} ({unit.code})"


class OrganisationForm(forms.ModelForm):
    admin_unit = UnitChoiceField(
        label=_("Administrative unit"),
        queryset=AdministrativeUnit.objects.select_related("parent"),
        required=False,
        widget=PickerSelect(url=reverse_lazy("directory:unit_search")),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "tier",
            "code",
            "admin_unit",
            "parent",
            "email",
            "phone",
            "letterhead_parent",
            "letterhead_name",
            "symbol",
            "is_active",
        ]
        widgets = {"parent": PickerSelect(url=reverse_lazy("directory:organisation_search"))}
        error_messages = {
            "email": {"invalid": EMAIL_INVALID},
            "code": {"unique": _("Another organisation already has this code.")},
        }

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to make one from the name, e.g. quang-nam:so-noi-vu.")
        self.fields["kind"].choices = [("", CHOOSE), *OrganisationKind.choices]
        self.fields["tier"].choices = [("", CHOOSE), *Tier.choices]
        self.fields["admin_unit"].empty_label = self.fields["parent"].empty_label = NONE
        self.fields["admin_unit"].help_text = _("The province, district or commune the organisation belongs to.")
        self.helper = form_helper(
            Layout(
                Row(Column("name", css_class="col-md-8"), Column("short_name", css_class="col-md-4")),
                Row(
                    Column("kind", css_class="col-md-4"),
                    Column("tier", css_class="col-md-3"),
                    Column("code", css_class="col-md-5"),
                ),
                Row(Column("admin_unit", css_class="col-md-6"), Column("parent", css_class="col-md-6")),
                Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
                Fieldset(
                    _("Letterhead"),
                    Row(
                        Column("letterhead_parent", css_class="col-md-5"),
                        Column("letterhead_name", css_class="col-md-5"),
                        Column("symbol", css_class="col-md-2"),
                    ),
                ),
                "is_active",
            ),
            cancel_url=cancel_url,
        )

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk is not None:
            ancestor, seen = parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.instance.pk:
                    raise forms.ValidationError(
                        _("An organisation cannot be its own parent, nor the parent of one of its parents.")
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        return parent

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and cleaned.get("name") and not self.has_error("code"):
            cleaned["code"] = services.organisation_code_suggest(
                name=cleaned["name"],
                short_name=cleaned.get("short_name", ""),
                tier=cleaned.get("tier", ""),
                kind=cleaned.get("kind", ""),
                admin_unit=cleaned.get("admin_unit"),
                parent=cleaned.get("parent"),
            )
        return cleaned


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "title", "organisation", "code", "email", "phone", "is_active"]
        widgets = {"organisation": PickerSelect(url=reverse_lazy("directory:organisation_search"))}
        error_messages = {"email": {"invalid": EMAIL_INVALID}, "code": {"unique": _("Another person already has this code.")}}

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to make one from the name, e.g. quang-nam:ho-quang-buu.")
        self.fields["organisation"].empty_label = CHOOSE
        self.helper = form_helper(
            Layout(
                Row(Column("full_name", css_class="col-md-5"), Column("title", css_class="col-md-7")),
                Row(Column("organisation", css_class="col-md-7"), Column("code", css_class="col-md-5")),
                Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
                "is_active",
            ),
            cancel_url=cancel_url,
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and cleaned.get("full_name") and not self.has_error("code"):
            cleaned["code"] = services.person_code_suggest(
                full_name=cleaned["full_name"], organisation=cleaned.get("organisation")
            )
        return cleaned


# Importing ---------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("At most %(size)s MB; CSV files in UTF-8.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"
        self.helper = FormHelper()
        self.helper.layout = Layout("file", Submit("", _("Check the file"), css_class="btn-primary"))

    def clean_file(self) -> Table:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
        try:
            return read_table(upload.read(), self.columns)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
