from django.contrib import admin

from samverkan.agreements.models import (
    Agreement,
    AgreementVersion,
    Annex,
    CouncilGoal,
    Goal,
    MandatoryCategory,
    PriorityArea,
    PriorityAreaLineage,
)


class AnnexInline(admin.TabularInline):
    model = Annex
    extra = 0


class CategoryInline(admin.TabularInline):
    model = MandatoryCategory
    extra = 0


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    list_display = ("agreement", "label", "case_number", "status", "valid_from", "valid_to")
    list_filter = ("agreement__scope", "status")
    filter_horizontal = ("parties",)
    inlines = [AnnexInline, CategoryInline]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(PriorityArea)
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "is_local_priority")
    list_filter = ("version__agreement__scope",)
    filter_horizontal = ("addresses", "categories")
    inlines = [GoalInline]


admin.site.register(Agreement)
admin.site.register(CouncilGoal)
admin.site.register(PriorityAreaLineage)
