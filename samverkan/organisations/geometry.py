"""Pure geometry helpers over GeoJSON dicts (WGS84), no ORM."""

from collections.abc import Iterable

import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry


def to_shape(geojson: dict) -> BaseGeometry:
    geometry = shape(geojson)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


def contains_point(geojson: dict, lon: float, lat: float) -> bool:
    return to_shape(geojson).covers(Point(lon, lat))


def union_geojson(geometries: Iterable[dict], *, tolerance: float = 0.0, precision: int = 5) -> dict:
    """Union of polygons, optionally simplified (tolerance in degrees),
    rounded to `precision` decimals (5 decimals ≈ 1 m)."""
    merged = shapely.union_all([to_shape(g) for g in geometries])
    if tolerance:
        merged = merged.simplify(tolerance, preserve_topology=True)
    merged = shapely.set_precision(merged, 10**-precision)
    return mapping(merged)


def bounds(geojson: dict) -> tuple[float, float, float, float]:
    return to_shape(geojson).bounds
