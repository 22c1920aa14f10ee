from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samverkan.audit.recorder import record_reads
from samverkan.datasources import services
from samverkan.datasources.models import (
    FetchLog,
    ImportBatch,
    Observation,
    ObservationCategory,
    PoliceEvent,
    RegionAlias,
    ReportedCrimeCount,
    SurveyResult,
)


@admin.register(RegionAlias)
class RegionAliasAdmin(admin.ModelAdmin):
    """A region name of a source and the area it is. Saving it here is a
    person's choice, kept over automatic matching; stored rows follow at once."""

    list_display = ("name", "area", "is_municipality", "automatic", "municipality")
    list_filter = ("automatic", "is_municipality")
    search_fields = ("name",)
    readonly_fields = ("automatic",)

    def save_model(self, request: HttpRequest, obj: RegionAlias, form: Any, change: bool) -> None:
        services.region_alias_choose(alias=obj, area=obj.area, is_municipality=obj.is_municipality)


@admin.register(ObservationCategory)
class ObservationCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active", "municipality")


class ReadOnly(admin.ModelAdmin):
    """Imported rows change only through imports, which keep the original file."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnly):
    list_display = ("filename", "kind", "status", "uploaded_at", "sha256")
    list_filter = ("kind", "status")

    def get_queryset(self, request):
        # A batch with restricted rows is its uploader's organisation's, here too.
        return super().get_queryset(request).visible_to(request.user)


@admin.register(ReportedCrimeCount)
class ReportedCrimeCountAdmin(ReadOnly):
    list_display = ("region", "crime", "year", "period_kind", "period", "count", "suppressed", "area")
    list_filter = ("year", "period_kind")


@admin.register(PoliceEvent)
class PoliceEventAdmin(ReadOnly):
    list_display = (
        "occurred_at",
        "event_type",
        "location_name",
        "precision",
        "named_area",
        "in_municipality",
    )


@admin.register(SurveyResult)
class SurveyResultAdmin(ReadOnly):
    list_display = ("region", "year", "question", "count", "respondents")


@admin.register(Observation)
class ObservationAdmin(ReadOnly):
    list_display = ("observed_at", "category", "area", "organisation", "classification")
    list_filter = ("classification",)

    def get_queryset(self, request):
        # The admin site is no way around a classification.
        return super().get_queryset(request).visible_to(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        observation = self.get_object(request, object_id)
        if observation is not None and observation.is_restricted:
            record_reads(request.user, [observation], why="admin")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(FetchLog)
class FetchLogAdmin(ReadOnly):
    list_display = ("called_at", "url", "status")
