from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TaskFailure


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    list_display = ["failed_at", "task_name", "exception_line", "request_id", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "task_name"]
    search_fields = ["task_name", "exception", "task_id", "request_id", "args_summary"]
    date_hierarchy = "failed_at"
    readonly_fields = [
        "task_name",
        "task_id",
        "args_summary",
        "exception",
        "traceback",
        "request_id",
        "worker",
        "failed_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("exception"))
    def exception_line(self, failure):
        return failure.exception.splitlines()[0][:120] if failure.exception else ""

    @admin.action(description=_("Mark as resolved"))
    def mark_resolved(self, request, queryset):
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=request.user)
        self.message_user(request, _("%(count)s failures marked as resolved.") % {"count": count}, messages.SUCCESS)
