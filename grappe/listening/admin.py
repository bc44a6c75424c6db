"""The back office for listening: reading, and answering needs through the same service as the pages.

Surveys are built on the staff's pages (their builder keeps answers readable and leaves an audit trail);
here they, their responses and themes are read only. Nothing is deleted from here: needs and answers are
members' words, kept whole.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, pgettext

from grappe.members.admin import StaffAdmin

from .services import needs
from .models import Answer, Need, Response, Survey, Theme, ThemeRun


class ReadOnlyAdmin(StaffAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(StaffAdmin):
    list_display = ("created_at", "organisation", "category", "urgency", "visibility", "status")
    list_filter = ("category", "urgency", "visibility", "status", "language")
    search_fields = ("text", "organisation__legal_name")
    date_hierarchy = "created_at"
    fields = ("organisation", "submitted_by", "created_at", "category", "language", "urgency", "visibility", "text",
              "status", "response", "responded_by", "responded_at")
    readonly_fields = ("organisation", "submitted_by", "created_at", "category", "language", "urgency",
                       "visibility", "text", "responded_by", "responded_at")

    def has_add_permission(self, request):
        return False  # a need is a member's own words: members submit them

    def save_model(self, request, obj, form, change):
        needs.respond_to_need(actor=request.user, need=obj, response=form.cleaned_data["response"],
                              status=form.cleaned_data["status"])


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("question", "value", "answered_by", "updated_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("survey", "organisation", "status", "submitted_at", "updated_at")
    list_filter = ("status", "survey")
    search_fields = ("organisation__legal_name",)
    inlines = [AnswerInline]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("title_fr", "status", "target_segment", "opens_at", "closes_at", "builder")
    list_filter = ("status",)

    @admin.display(description=_("Survey builder"))
    def builder(self, survey):
        return format_html('<a href="{}">{}</a>', reverse("listening:staff-survey-detail", args=[survey.pk]),
                           pgettext("action", "Open"))


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    list_display = ("name_fr", "name_en", "is_active", "named_by_staff", "created_at")


@admin.register(ThemeRun)
class ThemeRunAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "status", "processed", "total", "finished_at")
