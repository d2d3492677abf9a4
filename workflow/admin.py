from django.contrib import admin

from .forms import SignatureImageForm
from .models import IssuedDocument, Notification, ReviewComment, ReviewStep, SignatureImage, SubmittedVersion, Transition


@admin.register(SignatureImage)
class SignatureImageAdmin(admin.ModelAdmin):
    form = SignatureImageForm
    list_display = ["organisation", "kind", "person", "uploaded_at"]
    list_filter = ["kind"]
    autocomplete_fields = ["organisation", "person"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and issued records: written by the workflow services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "action", "from_state", "to_state", "user", "at"]
    list_filter = ["action"]
    list_select_related = ["plan", "user"]


@admin.register(SubmittedVersion)
class SubmittedVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "submitted_by", "submitted_at", "outcome"]
    list_select_related = ["plan", "submitted_by"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number_display", "issue_date", "plan", "signer_name", "issued_by", "sha256"]
    list_select_related = ["plan", "issued_by"]


@admin.register(ReviewStep)
class ReviewStepAdmin(admin.ModelAdmin):
    list_display = ["plan", "order", "reviewer"]
    list_select_related = ["plan", "reviewer"]
    autocomplete_fields = ["reviewer"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "version", "section_title", "author", "created_at"]
    list_select_related = ["plan", "version", "author"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "plan", "transition", "created_at", "read_at"]
    list_select_related = ["recipient", "plan", "transition"]
