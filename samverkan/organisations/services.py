"""Writes of areas. Configurations and imports call these, never save an
area themselves."""

from typing import Any

from django.db import transaction

from samverkan.organisations.models import Area


@transaction.atomic
def area_boundary_set(*, area: Area, geometry: dict[str, Any], source: str) -> Area:
    """A new polygon for an area (GeoJSON in WGS84), with where it came from."""
    area.geometry = geometry
    area.geometry_source = source[:300]
    area.full_clean()
    area.save()
    return area
