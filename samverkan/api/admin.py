from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samverkan.api.models import ApiToken
from samverkan.api.services import tokens_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py create_api_token` (the key is shown
    once); here they are listed and revoked."""

    list_display = ["name", "user", "organisation", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation"]
    readonly_fields = ["user", "organisation", "key_digest", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens_revoke(queryset)
