from django.contrib import admin

from .models import RenderedFile


@admin.register(RenderedFile)
class RenderedFileAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "format", "version", "state", "progress", "rendered_at"]
    list_filter = ["kind", "format", "state"]
    list_select_related = ["plan"]
    readonly_fields = [
        "version",
        "source_hash",
        "sha256",
        "file",
        "state",
        "progress",
        "error",
        "requested_by",
        "requested_at",
        "rendered_at",
    ]
    search_fields = ["plan__subject"]
