from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AgendaItem,
    BridgePoint,
    Conference,
    DistributionLine,
    FrozenWhenIssued,
    LegalBasis,
    ParticipantGroup,
    Plan,
    PlanActivity,
    PlanState,
    Section,
    Task,
    TaskGroup,
)


class FrozenWhenIssuedAdmin:
    """Issued plans and their parts are read-only here too (the models and
    the database refuse any change anyway)."""

    @staticmethod
    def _issued(obj) -> bool:
        if isinstance(obj, Plan):
            return obj.state == PlanState.ISSUED
        return isinstance(obj, FrozenWhenIssued) and obj.pk is not None and obj._plan_state() == PlanState.ISSUED

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._issued(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._issued(obj)


class FrozenWhenIssuedInline(FrozenWhenIssuedAdmin):
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._issued(obj)


class LegalBasisInline(FrozenWhenIssuedInline, admin.TabularInline):
    model = LegalBasis
    extra = 0


class SectionInline(FrozenWhenIssuedInline, admin.StackedInline):
    model = Section
    extra = 0
    fields = ["parent", "order", "heading", "run_in", "content", "body"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and request.resolver_match and request.resolver_match.kwargs.get("object_id"):
            field.queryset = field.queryset.filter(plan_id=request.resolver_match.kwargs["object_id"])
        return field


class ConferenceInline(FrozenWhenIssuedInline, admin.StackedInline):
    model = Conference
    extra = 0
    max_num = 1
    autocomplete_fields = ["chair"]


class BridgePointInline(FrozenWhenIssuedInline, admin.TabularInline):
    model = BridgePoint
    extra = 0
    autocomplete_fields = ["host"]
    fields = [
        "order",
        "key",
        "tier",
        "heading",
        "host",
        "place",
        "mode",
        "expected_delegates",
        "per_unit",
        "invited_by_lower_tier",
    ]


class DistributionLineInline(FrozenWhenIssuedInline, admin.TabularInline):
    model = DistributionLine
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Plan)
class PlanAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["subject_one_line", "kind", "state", "issuing_body", "year", "number", "issue_date"]
    list_filter = ["kind", "state", "year", "issuing_body__admin_unit"]
    search_fields = ["subject", "key", "issuing_body__name", "signer_name"]
    autocomplete_fields = ["issuing_body", "signer", "created_by"]
    list_select_related = ["issuing_body"]
    inlines = [LegalBasisInline, ConferenceInline, BridgePointInline, SectionInline, DistributionLineInline]


@admin.register(Section)
class SectionAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["heading", "plan", "parent", "order", "content"]
    search_fields = ["heading", "body", "plan__subject"]
    list_select_related = ["plan", "parent"]
    raw_id_fields = ["plan", "parent"]


@admin.register(Conference)
class ConferenceAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["plan", "form", "starts_at", "date_from", "date_to"]
    list_filter = ["form"]
    search_fields = ["plan__subject", "time_text", "chair_text"]
    autocomplete_fields = ["chair"]
    raw_id_fields = ["plan"]
    list_select_related = ["plan"]


class ParticipantGroupInline(FrozenWhenIssuedInline, admin.TabularInline):
    model = ParticipantGroup
    extra = 0
    fields = ["order", "tier", "level", "marker", "text", "invited_by_lower_tier", "is_chair"]


@admin.register(BridgePoint)
class BridgePointAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["heading", "plan", "tier", "mode", "expected_delegates", "per_unit"]
    list_filter = ["tier", "mode"]
    search_fields = ["heading", "place", "host_text", "plan__subject"]
    autocomplete_fields = ["host"]
    raw_id_fields = ["plan"]
    list_select_related = ["plan"]
    inlines = [ParticipantGroupInline]


@admin.register(ParticipantGroup)
class ParticipantGroupAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["text", "plan", "tier", "bridge_point", "invited_by_lower_tier"]
    list_filter = ["tier", "invited_by_lower_tier", "is_chair"]
    search_fields = ["text", "plan__subject", "organisations__name"]
    autocomplete_fields = ["organisations"]
    raw_id_fields = ["plan", "bridge_point"]
    list_select_related = ["plan", "bridge_point"]


class AgendaChildInline(FrozenWhenIssuedInline, admin.TabularInline):
    model = AgendaItem
    fk_name = "parent"
    extra = 0
    fields = ["order", "marker", "content", "performers", "kind", "duration_minutes", "speaking_limit_minutes"]
    verbose_name_plural = _("Sub-items")


@admin.register(AgendaItem)
class AgendaItemAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "plan", "parent", "order", "kind", "speaking_limit_minutes"]
    list_filter = ["kind"]
    search_fields = ["content", "performers", "plan__subject"]
    autocomplete_fields = ["performer_organisations", "performer_people"]
    raw_id_fields = ["plan", "parent"]
    list_select_related = ["plan", "parent"]
    inlines = [AgendaChildInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.plan = form.instance.plan
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class TaskInline(FrozenWhenIssuedInline, admin.StackedInline):
    model = Task
    extra = 0
    fields = ["order", "level", "marker", "text", "kind", "deadline", "assignees", "coordinators"]
    autocomplete_fields = ["assignees", "coordinators"]


@admin.register(TaskGroup)
class TaskGroupAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["heading", "plan", "order"]
    search_fields = ["heading", "intro", "plan__subject"]
    autocomplete_fields = ["assignees"]
    raw_id_fields = ["plan"]
    list_select_related = ["plan"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "group", "kind", "deadline"]
    list_filter = ["kind"]
    search_fields = ["text", "group__heading", "group__plan__subject"]
    autocomplete_fields = ["assignees", "coordinators"]
    raw_id_fields = ["group"]
    list_select_related = ["group"]


@admin.register(LegalBasis)
class LegalBasisAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "plan", "order"]
    search_fields = ["text", "plan__subject"]
    raw_id_fields = ["plan"]
    list_select_related = ["plan"]


@admin.register(DistributionLine)
class DistributionLineAdmin(FrozenWhenIssuedAdmin, admin.ModelAdmin):
    list_display = ["text", "plan", "order"]
    search_fields = ["text", "plan__subject"]
    raw_id_fields = ["plan"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["plan"]


@admin.register(PlanActivity)
class PlanActivityAdmin(admin.ModelAdmin):
    list_display = ["at", "plan", "version", "user", "action", "part"]
    list_filter = ["action", "part"]
    list_select_related = ["plan", "user"]
    readonly_fields = ["plan", "version", "user", "at", "action", "part", "changes"]
    search_fields = ["plan__subject", "user__username"]

    def has_add_permission(self, request):
        return False
