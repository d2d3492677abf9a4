from django.contrib import admin

from workflow.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Append-only: nobody adds, changes or deletes audit rows here."""

    list_display = ["at", "kind", "username", "ip", "object_repr"]
    list_filter = ["kind"]
    search_fields = ["username", "object_repr", "ip"]
    date_hierarchy = "at"
