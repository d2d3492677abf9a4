from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Booklet, ConclusionSending, ContributionFile, ContributionRequest


class ContributionFileInline(admin.TabularInline):
    model = ContributionFile
    extra = 0
    can_delete = False
    fields = ["version", "original_name", "file_type", "size", "uploaded_by", "uploaded_at", "late"]
    readonly_fields = fields


@admin.register(ContributionRequest)
class ContributionRequestAdmin(admin.ModelAdmin):
    list_display = ["organisation", "plan", "deadline", "late_until", "cancelled_at"]
    list_filter = ["deadline"]
    list_select_related = ["organisation", "plan"]
    search_fields = ["organisation__name", "topic", "plan__subject"]
    raw_id_fields = ["plan", "organisation", "agenda_item", "task", "late_allowed_by"]
    inlines = [ContributionFileInline]


@admin.register(Booklet)
class BookletAdmin(admin.ModelAdmin):
    list_display = ["plan", "version", "state", "progress", "page_count", "built_at"]
    list_select_related = ["plan"]
    # The file is private (no URL): its name only; the organisers download it from the board.
    exclude = ["file"]
    readonly_fields = [
        "version",
        "sha256",
        "source_hash",
        "file_name",
        "state",
        "progress",
        "step",
        "error",
        "page_count",
        "built_at",
    ]
    raw_id_fields = ["plan", "requested_by"]

    @admin.display(description=_("file"))
    def file_name(self, booklet: Booklet) -> str:
        return booklet.file.name


@admin.register(ConclusionSending)
class ConclusionSendingAdmin(admin.ModelAdmin):
    list_display = ["plan", "sent_by", "sent_at"]
    list_select_related = ["plan", "sent_by"]
    raw_id_fields = ["plan", "sent_by"]
