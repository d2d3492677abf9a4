from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Organisation, Person, User


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "division_type", "period", "parent"]
    list_filter = ["level", "period"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["successors"]
    list_select_related = ["parent"]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["code", "full_name", "title", "email", "phone", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "tier", "admin_unit", "email", "is_active"]
    list_filter = ["tier", "kind", "is_active"]
    search_fields = ["code", "name", "short_name", "email"]
    autocomplete_fields = ["admin_unit", "parent"]
    list_select_related = ["admin_unit"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "title", "organisation", "email", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["full_name", "title", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "person"]
    list_select_related = ["organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role in the conference system"), {"fields": ["role", "organisation", "person"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role in the conference system"), {"fields": ["role", "organisation", "person"]}),
    ]
