from django.contrib import admin

from .models import SignatureImage


@admin.register(SignatureImage)
class SignatureImageAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "person", "uploaded_at"]
    list_filter = ["kind"]
    autocomplete_fields = ["organisation", "person"]
