from django.conf import settings
from django.http import HttpRequest

from samverkan.core.tenancy import municipality_for
from samverkan.organisations.models import Municipality


def municipality(request: HttpRequest) -> dict[str, Municipality | None]:
    return {"municipality": municipality_for(request.user) if hasattr(request, "user") else None}


def map_ground(request: HttpRequest) -> dict[str, str]:
    """The background map's tile server, for the maps' scripts."""
    return {"map_tiles": settings.SAMVERKAN_MAP_TILES, "map_attribution": settings.SAMVERKAN_MAP_ATTRIBUTION}
