from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from .forms import check_attachment
from .models import Component, ComponentScore, Edition, FieldResponsibility, ImprovementTask, Index, ProgressReport, Result


class EditionInline(admin.TabularInline):
    model = Edition
    extra = 0
    fields = ["year", "scope", "owner_unit", "max_total", "source", "published_on"]
    autocomplete_fields = ["owner_unit"]
    show_change_link = True


@admin.register(Index)
class IndexAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "score_unit", "publisher"]
    search_fields = ["code", "name", "full_name"]
    inlines = [EditionInline]


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    fields = ["order", "code", "name", "level", "parent", "max_score", "key"]
    raw_id_fields = ["parent"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "index", "year", "scope", "owner_unit"]
    list_filter = ["index", "scope", "year"]
    search_fields = ["index__name", "source", "year"]
    autocomplete_fields = ["owner_unit"]
    list_select_related = ["index", "owner_unit"]
    inlines = [ComponentInline]


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "edition", "level", "max_score"]
    list_filter = ["level", "edition__index"]
    search_fields = ["code", "name"]
    raw_id_fields = ["edition", "parent"]
    list_select_related = ["edition__index"]


class ComponentScoreInline(admin.TabularInline):
    model = ComponentScore
    extra = 0
    raw_id_fields = ["component"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["unit_name", "edition", "total", "rank", "out_of", "group", "rank_change"]
    list_filter = ["edition__index", "edition__year", "group"]
    search_fields = ["admin_unit__name", "organisation__name"]
    autocomplete_fields = ["admin_unit", "organisation"]
    list_select_related = ["edition__index", "admin_unit", "organisation"]
    inlines = [ComponentScoreInline]


@admin.register(ComponentScore)
class ComponentScoreAdmin(admin.ModelAdmin):
    list_display = ["__str__", "result", "score"]
    search_fields = ["component__name", "result__admin_unit__name"]
    raw_id_fields = ["result", "component"]


@admin.register(FieldResponsibility)
class FieldResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["province", "index", "field_key", "organisation"]
    list_filter = ["index"]
    search_fields = ["field_key", "organisation__name", "province__name"]
    list_select_related = ["province", "index", "organisation"]
    raw_id_fields = ["province", "organisation"]


@admin.register(ImprovementTask)
class ImprovementTaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "task", "lost_points"]
    raw_id_fields = ["task", "result", "component"]
    list_select_related = ["component", "task"]


class ProgressReportAdminForm(forms.ModelForm):
    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if isinstance(attachment, UploadedFile):  # a new file, not the one stored
            check_attachment(attachment)
        return attachment


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    form = ProgressReportAdminForm
    list_display = ["task", "organisation", "period", "percent", "submitted_at"]
    list_filter = ["period"]
    search_fields = ["text", "organisation__name"]
    raw_id_fields = ["task", "organisation", "submitted_by"]
    list_select_related = ["task", "organisation"]
