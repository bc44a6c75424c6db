from django.contrib import admin

from grappe.core import feed_versions

from .models import Body, BodyMember


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    raw_id_fields = ("user", "organisation", "invited_by")


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "name_en", "kind", "parent", "archived_at")
    list_filter = ("kind",)
    inlines = [BodyMemberInline]

    def save_related(self, request, form, formsets, change):
        """A body's name and its members, edited here, show in members' feeds (the minutes of their bodies)."""
        super().save_related(request, form, formsets, change)
        feed_versions.bump_cluster()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        feed_versions.bump_cluster()
