from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from samverkan.accounts.tenancy import municipality_for
from samverkan.audit.stamps import kept
from samverkan.organisations.selectors import boundary_sources


def map_ground(request: HttpRequest) -> dict[str, Any]:
    """The background map's tile server, for the maps' scripts, and where the
    municipality's boundaries come from (read only when a page shows it)."""

    def sources() -> str:
        place = municipality_for(request.user) if hasattr(request, "user") else None
        if place is None:
            return ""
        return kept(f"boundary-sources:{place.pk}", ("organisations.Area",), lambda: boundary_sources(place))

    return {
        "map_tiles": settings.SAMVERKAN_MAP_TILES,
        "map_attribution": settings.SAMVERKAN_MAP_ATTRIBUTION,
        "boundary_sources": SimpleLazyObject(sources),
    }
