"""Which municipality a user works in. Every page is scoped to it."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from samverkan.accounts.models import User
from samverkan.organisations.models import Municipality


def municipality_for(user: AbstractBaseUser | AnonymousUser) -> Municipality | None:
    if isinstance(user, User) and user.is_authenticated and user.organisation is not None:
        return user.organisation.municipality
    if getattr(user, "is_superuser", False):
        return Municipality.objects.filter(code=settings.SAMVERKAN_MUNICIPALITY).first()
    return None


def require_municipality(request: HttpRequest) -> Municipality:
    """The municipality the signed-in user works in, or 403."""
    municipality = municipality_for(request.user)
    if municipality is None:
        raise PermissionDenied
    return municipality
