from django.contrib import admin

from .models import Baseline, EmissionFactor, FactorSet


@admin.register(Baseline, FactorSet, EmissionFactor)
class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: figures and factors change through their pages, which check, compute, audit and notify."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
