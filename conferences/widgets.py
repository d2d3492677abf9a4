"""A searchable picker of organisations or people from the directory.

The selected values travel as hidden inputs; the search box is an ARIA
combobox (``static/js/picker.js``) that queries the directory's search
endpoint. Labels of the selected values are resolved for a whole page at once
with :func:`resolve_picker_labels`, so a formset of many rows costs one query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.urls import reverse

from directory.models import Organisation, Person

SOURCES = {
    "organisation": ("directory:organisation_search", Organisation),
    "person": ("directory:person_search", Person),
}


class DirectoryPicker(forms.Widget):
    template_name = "widgets/directory_picker.html"

    def __init__(self, source: str = "organisation", *, multiple: bool = True, attrs=None):
        super().__init__(attrs)
        self.source = source
        self.multiple = multiple
        self.labels: dict[int, str] = {}

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.labels = self.labels  # shared per page, filled once
        return copy

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else data.get(name) or []
        return data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty selection is a selection

    def selected_ids(self, value) -> list[int]:
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for v in values:
            v = getattr(v, "pk", v)
            try:
                ids.append(int(v))
            except (TypeError, ValueError):
                continue
        return ids

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url_name, _model = SOURCES[self.source]
        context["widget"].update(
            source=self.source,
            source_url=reverse(url_name),
            multiple=self.multiple,
            selected=[(pk, self.labels.get(pk, str(pk))) for pk in self.selected_ids(value)],
        )
        return context


def picker_fields(form: forms.BaseForm) -> Iterable[tuple[str, DirectoryPicker]]:
    for name, field in form.fields.items():
        if isinstance(field.widget, DirectoryPicker):
            yield name, field.widget


def resolve_picker_labels(forms_: Iterable[forms.BaseForm]) -> None:
    """Look up the names of every selected value of every picker in the given
    forms with one query per source, and hand them to the widgets."""
    forms_ = list(forms_)
    wanted: dict[str, set[int]] = {source: set() for source in SOURCES}
    widgets: list[DirectoryPicker] = []
    for form in forms_:
        for name, widget in picker_fields(form):
            widgets.append(widget)
            wanted[widget.source].update(widget.selected_ids(form[name].value()))
    labels: dict[str, dict[int, str]] = {}
    for source, ids in wanted.items():
        model = SOURCES[source][1]
        labels[source] = {obj.pk: picker_label(obj) for obj in model.objects.filter(pk__in=ids)} if ids else {}
    for widget in widgets:
        widget.labels = labels[widget.source]


def picker_label(obj) -> str:
    if isinstance(obj, Person):
        return f"{obj.full_name}, {obj.title}" if obj.title else obj.full_name
    return obj.name
