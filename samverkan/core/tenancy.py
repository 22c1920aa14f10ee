"""Which municipality a user works in. Every page is scoped to it."""

from django.conf import settings

from samverkan.organisations.models import Municipality


def municipality_for(user) -> Municipality | None:
    if getattr(user, "is_authenticated", False) and user.organisation_id:
        return user.organisation.municipality
    if getattr(user, "is_superuser", False):
        return Municipality.objects.filter(code=settings.SAMVERKAN_MUNICIPALITY).first()
    return None
