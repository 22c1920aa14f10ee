"""Assigning many points to non-overlapping polygons, fast.

A regular grid is laid over the polygons once. Every cell that a polygon
boundary passes near is "mixed" and remembers the polygons whose boundaries
pass there; every other cell lies wholly inside one polygon (or outside all
of them), which is found once per connected block of such cells. A point in
a whole cell is answered by a table lookup; only points in mixed cells are
tested exactly, against the few polygons of their cell (shapely's vectorised
contains_xy). The index is built once per set of boundaries and reused for
every import.

Pure NumPy, SciPy and shapely: no ORM.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

OUTSIDE = -1
_MIXED = -2
CHUNK = 500_000  # points per thread task


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sorting beats hashing for large integer arrays)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


@dataclass
class PolygonIndex:
    polygons: np.ndarray  # shapely geometries
    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    owner: np.ndarray  # per cell: polygon index, OUTSIDE, or _MIXED
    starts: np.ndarray  # CSR offsets into `candidates`, per cell
    candidates: np.ndarray  # polygon indices whose boundaries pass near each mixed cell

    @classmethod
    def build(cls, polygons: list[BaseGeometry], *, cells_per_polygon: float = 1024.0) -> "PolygonIndex":
        geoms = np.asarray(polygons, dtype=object)
        shapely.prepare(geoms)
        bounds = shapely.bounds(geoms)
        width = max(bounds[:, 2].max() - bounds[:, 0].min(), 1e-12)
        height = max(bounds[:, 3].max() - bounds[:, 1].min(), 1e-12)
        cell = float(np.sqrt(width * height / (cells_per_polygon * len(geoms))))
        # One spare cell on every side keeps the 3×3 neighbourhood inside the grid.
        x0, y0 = bounds[:, 0].min() - cell, bounds[:, 1].min() - cell
        nx, ny = int(np.ceil(width / cell)) + 3, int(np.ceil(height / cell)) + 3

        # Sample every boundary segment at half-cell steps; a segment passes
        # only through cells within one cell of its samples.
        parts, part_of = shapely.get_parts(geoms, return_index=True)
        rings, ring_of = shapely.get_rings(parts, return_index=True)
        ring_polygon = part_of[ring_of]
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same_ring = coord_ring[1:] == coord_ring[:-1]
        start, end = coords[:-1][same_ring], coords[1:][same_ring]
        segment_polygon = ring_polygon[coord_ring[:-1][same_ring]]
        steps = np.ceil(np.hypot(*(end - start).T) / (0.5 * cell)).astype(np.int64) + 1
        seg = np.repeat(np.arange(len(start)), steps)
        t = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(
            steps - 1, steps
        ).clip(1)
        samples = start[seg] + (end[seg] - start[seg]) * t[:, None]
        sx = np.floor((samples[:, 0] - x0) / cell).astype(np.int64)
        sy = np.floor((samples[:, 1] - y0) / cell).astype(np.int64)
        sample_polygon = segment_polygon[seg]
        del samples, seg, t

        npoly = len(geoms)
        # Neighbouring samples mostly share a cell: deduplicate before the 3×3 spread.
        base = _unique((sy * nx + sx) * npoly + sample_polygon)
        cell_of, polygon_of = base // npoly, base % npoly
        keys = _unique(
            np.concatenate(
                [(cell_of + dy * nx + dx) * npoly + polygon_of for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
            )
        )
        mixed_cells, mixed_polygons = keys // npoly, (keys % npoly).astype(np.int32)
        starts = np.zeros(nx * ny + 1, dtype=np.int64)
        np.add.at(starts, mixed_cells + 1, 1)
        starts = np.cumsum(starts)

        owner = np.full(nx * ny, OUTSIDE, dtype=np.int32)
        owner[mixed_cells] = _MIXED
        # Each connected block of whole cells lies in one polygon or outside all.
        labels, count = ndimage.label((owner != _MIXED).reshape(ny, nx))
        labels = labels.ravel()
        first = np.unique(labels, return_index=True)[1][1:]  # one cell per block (label 0 is mixed)
        centre_x = x0 + (first % nx + 0.5) * cell
        centre_y = y0 + (first // nx + 0.5) * cell
        point_idx, polygon_idx = shapely.STRtree(geoms).query(
            shapely.points(centre_x, centre_y), predicate="within"
        )
        block_owner = np.full(count + 1, OUTSIDE, dtype=np.int32)
        block_owner[labels[first[point_idx]]] = polygon_idx
        whole = owner != _MIXED
        owner[whole] = block_owner[labels[whole]]
        return cls(geoms, x0, y0, cell, nx, ny, owner, starts, mixed_polygons)

    def assign(self, x: np.ndarray, y: np.ndarray, *, workers: int | None = None) -> np.ndarray:
        """The index of the polygon each point lies in, or OUTSIDE (-1).

        Large inputs are split into chunks handled by threads: NumPy and
        shapely release the GIL in the heavy loops, so the cores share the work.
        GEOS geometries are not safe to test from several threads at once (their
        prepared state is built lazily), so each thread works on its own copy.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        workers = workers or min(os.cpu_count() or 1, 8)
        if workers == 1 or x.size < 2 * CHUNK:
            return self._assign(x, y, self.polygons)
        bounds = list(range(0, x.size, CHUNK)) + [x.size]
        chunks = len(bounds) - 1
        workers = min(workers, chunks)
        parts: list[np.ndarray] = [np.empty(0, dtype=np.int32)] * chunks

        def work(first: int) -> None:
            polygons = shapely.from_wkb(shapely.to_wkb(self.polygons))
            shapely.prepare(polygons)
            for i in range(first, chunks, workers):
                parts[i] = self._assign(x[bounds[i] : bounds[i + 1]], y[bounds[i] : bounds[i + 1]], polygons)

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, range(workers)))
        return np.concatenate(parts)

    def _assign(self, x: np.ndarray, y: np.ndarray, polygons: np.ndarray) -> np.ndarray:
        cx = np.floor((x - self.x0) / self.cell).astype(np.int64)
        cy = np.floor((y - self.y0) / self.cell).astype(np.int64)
        in_grid = (cx >= 0) & (cx < self.nx) & (cy >= 0) & (cy < self.ny)
        flat = np.where(in_grid, cy * self.nx + cx, 0)
        result = np.where(in_grid, self.owner[flat], OUTSIDE).astype(np.int32)

        points = np.flatnonzero(result == _MIXED)
        result[points] = OUTSIDE
        if points.size:
            cells = flat[points]
            first, count = self.starts[cells], self.starts[cells + 1] - self.starts[cells]
            point_of = np.repeat(points, count)
            slot = np.repeat(first, count) + (
                np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
            )
            polygon = self.candidates[slot]
            hit = shapely.contains_xy(polygons[polygon], x[point_of], y[point_of])
            # Polygons do not overlap: at most one hit per point.
            result[point_of[hit]] = polygon[hit]
        return result
