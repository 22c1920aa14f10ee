from django.contrib import admin

from samverkan.organisations.models import Area, AreaMembership, AreaSuccession, Municipality, Organisation


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "police_region")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "area", "valid_from", "valid_to", "is_example")
    list_filter = ("kind", "municipality", "is_example")
    search_fields = ("name",)


class MembershipInline(admin.TabularInline):
    model = AreaMembership
    fk_name = "district"
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "valid_from", "valid_to")
    list_filter = ("kind", "municipality")
    search_fields = ("name", "code")
    inlines = [MembershipInline]


@admin.register(AreaSuccession)
class AreaSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "date")
