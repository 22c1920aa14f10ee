"""Hotspots as a grid: points are counted in square cells of a metric grid
(SWEREF99 TM), and the cells are returned as WGS84 polygons for the map.
Pure functions, no ORM."""

from collections.abc import Sequence

import numpy as np
from pyproj import Transformer

_TO_METRES = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
_TO_DEGREES = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def grid_counts(
    lons: Sequence[float], lats: Sequence[float], *, cell_m: float = 250.0
) -> list[tuple[list[list[float]], int]]:
    """[(ring of (lon, lat), count)] for every cell holding at least one point."""
    if len(lons) == 0:
        return []
    x, y = _TO_METRES.transform(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    cx, cy = (
        np.floor(np.asarray(x) / cell_m).astype(np.int64),
        np.floor(np.asarray(y) / cell_m).astype(np.int64),
    )
    cells, counts = np.unique(np.stack([cx, cy], axis=1), axis=0, return_counts=True)
    result = []
    for (i, j), count in zip(cells, counts, strict=True):
        xs = np.array([i, i + 1, i + 1, i, i]) * cell_m
        ys = np.array([j, j, j + 1, j + 1, j]) * cell_m
        ring_lon, ring_lat = _TO_DEGREES.transform(xs, ys)
        result.append(
            ([[round(a, 6), round(b, 6)] for a, b in zip(ring_lon, ring_lat, strict=True)], int(count))
        )
    return result
