from django.contrib import admin

from .models import Availability, Loan, Need


@admin.register(Availability, Need, Loan)
class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: posts and loans change through their pages, which check, audit and notify."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
