"""Pure geometry helpers over GeoJSON dicts (WGS84), no ORM."""

from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry

GeoJSON = dict[str, Any]


def to_shape(geojson: GeoJSON) -> BaseGeometry:
    geometry = shape(geojson)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


def contains_point(geojson: GeoJSON, lon: float, lat: float) -> bool:
    return bool(to_shape(geojson).covers(Point(lon, lat)))


def union_geojson(geometries: Iterable[GeoJSON], *, tolerance: float = 0.0, precision: int = 5) -> GeoJSON:
    """Union of polygons, optionally simplified (tolerance in degrees),
    rounded to `precision` decimals (5 decimals ≈ 1 m)."""
    merged = shapely.union_all([to_shape(g) for g in geometries])
    if tolerance:
        merged = merged.simplify(tolerance, preserve_topology=True)
    merged = shapely.set_precision(merged, 10**-precision)
    result: GeoJSON = mapping(merged)
    return result


def bounds(geojson: GeoJSON) -> tuple[float, float, float, float]:
    west, south, east, north = to_shape(geojson).bounds
    return float(west), float(south), float(east), float(north)
