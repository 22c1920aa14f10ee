from django.core.exceptions import PermissionDenied

from samverkan.core.tenancy import municipality_for


def require_municipality(request):
    """The municipality the signed-in user works in, or 403."""
    municipality = municipality_for(request.user)
    if municipality is None:
        raise PermissionDenied
    return municipality
