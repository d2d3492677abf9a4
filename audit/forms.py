from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Kind


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All events")), *Kind.choices])
    user = forms.CharField(label=_("User"), required=False, max_length=150, help_text=_("Username, exactly."))
    date_from = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["q"]:
            text = data["q"].strip()
            queryset = queryset.filter(text_query(text))
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["user"]:
            queryset = queryset.filter(username__iexact=data["user"].strip())
        if data["date_from"]:
            queryset = queryset.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(at__date__lte=data["date_to"])
        return queryset


def text_query(text: str) -> Q:
    return (
        Q(username__icontains=text)
        | Q(object_repr__icontains=text)
        | Q(ip__startswith=text)
        | Q(user_agent__icontains=text)
        | Q(detail__icontains=text)
        | Q(actor__first_name__icontains=text)
        | Q(actor__last_name__icontains=text)
    )
