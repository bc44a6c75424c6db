from django.contrib import admin

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
