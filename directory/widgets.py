from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PickerSelect(forms.Select):
    """A select for a model choice among thousands of rows.

    It renders only the chosen option; ``static/js/select_search.js`` adds a search
    box above it that fills the options from a JSON search endpoint
    (``{"results": [{"id": …, "label" or "name": …}]}``). The form field
    still validates the chosen id against its whole queryset.
    """

    def __init__(self, url, attrs=None):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {"data-picker-url": str(self.url), "data-picker-placeholder": str(_("Type to search…"))}
        )
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if str(v).isdigit()]
        iterator = self.choices
        choices = [("", iterator.field.empty_label or "")]
        if chosen:
            rows = iterator.queryset.filter(pk__in=chosen)
            choices += [(str(row.pk), iterator.field.label_from_instance(row)) for row in rows]
        self.choices = choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator
