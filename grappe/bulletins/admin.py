from django.contrib import admin

from .models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    """Read-only: bulletins are written, targeted and sent through their pages, which check, audit and notify."""

    list_display = ("title", "category", "status", "sent_at")
    list_filter = ("category", "status", "is_public")
    search_fields = ("title_fr", "title_en")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
