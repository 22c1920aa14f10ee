from django.contrib import admin

from samverkan.governance.models import Body, ReportingDuty, Seat


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0


class DutyInline(admin.TabularInline):
    model = ReportingDuty
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind",)
    inlines = [SeatInline, DutyInline]
