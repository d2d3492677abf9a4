from django.contrib import admin

from .models import RegisterCounter


@admin.register(RegisterCounter)
class RegisterCounterAdmin(admin.ModelAdmin):
    list_display = ["issuing_body", "type_code", "year", "last_number"]
    list_filter = ["type_code", "year"]
    list_select_related = ["issuing_body"]
    readonly_fields = ["issuing_body", "type_code", "year", "last_number"]

    def has_add_permission(self, request):
        return False
