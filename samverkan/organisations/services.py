"""Writes of areas and of the municipality's boundary. Configurations and
imports call these, never save an area themselves."""

from typing import Any

from django.db import transaction

from samverkan.organisations.models import Area, Municipality


@transaction.atomic
def area_boundary_set(*, area: Area, geometry: dict[str, Any], source: str) -> Area:
    """A new polygon for an area (GeoJSON in WGS84), with where it came from."""
    area.geometry = geometry
    area.geometry_source = source[:300]
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def municipality_boundary_set(
    *, municipality: Municipality, geometry: dict[str, Any], source: str
) -> Municipality:
    """The outline of the whole municipality (GeoJSON in WGS84), with where it came from."""
    municipality.geometry = geometry
    municipality.geometry_source = source[:300]
    municipality.full_clean()
    municipality.save()
    return municipality
