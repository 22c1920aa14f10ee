from django.contrib import admin
from django.http import HttpRequest

from samverkan.indicators.models import Indicator, IndicatorValue, Population


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "source", "denominator", "municipality")
    list_filter = ("source", "denominator")
    filter_horizontal = ("priority_areas",)


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ("municipality", "area", "year", "count", "source")
    list_filter = ("year",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "area", "label", "count", "value", "low", "high", "significant_change")
    list_filter = ("indicator", "period_kind")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # computed, never typed in

    def has_change_permission(self, request: HttpRequest, obj: IndicatorValue | None = None) -> bool:
        return False
