"""Assigning many points to non-overlapping polygons, fast and exact, with
no GEOS in the hot path.

The index is an adaptive grid (a quadtree with BRANCH × BRANCH children): a
coarse grid over the polygons, and every cell that more than LEAF_EDGES
boundary edges pass through is split, again and again, so cells are fine
where boundaries are dense (cities, where the points are) and coarse where
they are not. A leaf that no edge passes through lies wholly inside one
polygon or outside all: a point there is answered by a table look-up. A leaf
with edges keeps them as flat arrays, and a reference point of the leaf whose
polygon is known. A point in such a leaf is decided exactly by counting, per
polygon, the edges that the straight segment from the point to the reference
point crosses (that segment stays inside the leaf, so only the leaf's edges
can cross it): an odd count means the point is on the other side of that
polygon's boundary from the reference point.

Crossings are counted with half-open rules (a vertex on the segment's line
belongs to one side only), as the classic crossing-number test does, so an
edge through a shared vertex is counted once. A point exactly on a boundary
is outside, as shapely's contains_xy has it.

Every cell has a reference point off every boundary whose polygon is known.
GEOS (shapely) finds it only for the coarse cells, while building, in one
thread; a finer cell's is found the same way points are, by the crossings of
the segment to its parent's reference point with the parent's edges.

The query is pure NumPy on arrays no thread writes: threads share the index
safely. Build an index once per set of boundaries and reuse it (placement.py
caches them).
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

OUTSIDE = -1
_MIXED = -2  # a leaf that boundary edges pass through
_SPLIT = -3  # a cell divided into BRANCH × BRANCH children
BRANCH = 4
LEAF_EDGES = 10  # a cell with more edges than this is split ...
MAX_DEPTH = 10  # ... down to this many levels below the coarse grid
MIXED_DEPTH = 1  # and a cell with any edge is split at least once: fewer points need the exact test
CHUNK = 500_000  # points per thread task
_PAIR_CHUNK = 4_000_000  # (point, edge) pairs tested at once: bounds memory
# Where in a leaf its reference point is tried (from the centre, in leaf sizes), until one is off every boundary.
_REFERENCE_OFFSETS = [(0.0, 0.0), (0.137, 0.071), (-0.213, 0.169), (0.291, -0.233), (-0.113, -0.317), (0.371, 0.193),
                      (-0.353, 0.283), (0.059, -0.397), (0.223, 0.389), (-0.397, -0.061)]  # fmt: skip


@dataclass
class _Edges:
    ax: np.ndarray
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    polygon: np.ndarray


def _edges(geoms: np.ndarray) -> _Edges:
    """Every ring segment of every polygon (exteriors, holes, every part), with its polygon."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = coord_ring[1:] == coord_ring[:-1]
    start, end = coords[:-1][same_ring], coords[1:][same_ring]
    polygon = part_of[ring_of][coord_ring[:-1][same_ring]].astype(np.int32)
    keep = np.any(start != end, axis=1)  # a repeated vertex is no edge
    return _Edges(start[keep, 0], start[keep, 1], end[keep, 0], end[keep, 1], polygon[keep])


def _touches(e: _Edges, edge: np.ndarray, x0: np.ndarray, y0: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Whether each edge may meet its square cell (conservative: a hair's margin)."""
    pad = size * 1e-9
    left, right = x0 - pad, x0 + size + pad
    bottom, top = y0 - pad, y0 + size + pad
    ax, ay, bx, by = e.ax[edge], e.ay[edge], e.bx[edge], e.by[edge]
    boxes = (
        (np.minimum(ax, bx) <= right)
        & (np.maximum(ax, bx) >= left)
        & (np.minimum(ay, by) <= top)
        & (np.maximum(ay, by) >= bottom)
    )
    dx, dy = bx - ax, by - ay
    sides = [
        dx * (cy - ay) - dy * (cx - ax)
        for cx, cy in ((left, bottom), (right, bottom), (left, top), (right, top))
    ]
    above = (sides[0] > 0) & (sides[1] > 0) & (sides[2] > 0) & (sides[3] > 0)
    below = (sides[0] < 0) & (sides[1] < 0) & (sides[2] < 0) & (sides[3] < 0)
    touching: np.ndarray = boxes & ~above & ~below
    return touching


def _expand(first: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs first[i], first[i] + 1, … of count[i] integers: (which run, value) for every value in them."""
    which = np.repeat(np.arange(len(first)), count)
    value = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    return which, value


def _cells_under(
    e: _Edges, edge: np.ndarray, x0: np.ndarray | float, y0: np.ndarray | float, size: np.ndarray | float,
    last: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """The cells of a grid (per edge: its origin and cell size; `last` column and row) that each
    edge's bounding box covers: (which edge, column, row) for every such cell."""
    columns = [
        np.clip(np.floor((bound(e.ax[edge], e.bx[edge]) - x0) / size), 0, last[0]).astype(np.int64)
        for bound in (np.minimum, np.maximum)
    ]
    rows = [
        np.clip(np.floor((bound(e.ay[edge], e.by[edge]) - y0) / size), 0, last[1]).astype(np.int64)
        for bound in (np.minimum, np.maximum)
    ]
    which, row = _expand(rows[0], rows[1] - rows[0] + 1)
    along, column = _expand(columns[0][which], columns[1][which] - columns[0][which] + 1)
    return which[along], column, row[along]


def _references(
    x0: np.ndarray, y0: np.ndarray, size: np.ndarray, locate: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """A reference point off every boundary in each cell, and its polygon: the centre, or
    where _REFERENCE_OFFSETS try next while the point lies on a boundary. `locate(cells, x, y)`
    tells the polygon of each point and whether it lies on a boundary."""
    ref_x, ref_y = x0 + size / 2, y0 + size / 2
    polygon_of = np.full(len(x0), OUTSIDE, dtype=np.int32)
    pending = np.arange(len(x0))
    for dx, dy in _REFERENCE_OFFSETS:
        ref_x[pending] = x0[pending] + size[pending] * (0.5 + dx)
        ref_y[pending] = y0[pending] + size[pending] * (0.5 + dy)
        found, boundary = locate(pending, ref_x[pending], ref_y[pending])
        polygon_of[pending] = found
        pending = pending[boundary]
        if not len(pending):
            return ref_x, ref_y, polygon_of
    raise ValueError("A cell of the index has no point off the boundaries (overlapping polygons?)")


def _geos_references(
    geoms: np.ndarray, x0: np.ndarray, y0: np.ndarray, size: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The coarse cells' reference points, their polygons found with GEOS."""
    tree = shapely.STRtree(geoms)

    def locate(cells: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Candidates by bounding box, then the exact tests.
        point, polygon = tree.query(shapely.points(x, y))
        inside = shapely.contains_xy(geoms[polygon], x[point], y[point])
        found = np.full(len(cells), OUTSIDE, dtype=np.int32)
        found[point[inside]] = polygon[inside]
        boundary = np.zeros(len(cells), dtype=bool)
        boundary[point[shapely.intersects_xy(geoms[polygon], x[point], y[point]) & ~inside]] = True
        return found, boundary

    return _references(x0, y0, size, locate)


def _child_references(
    e: _Edges,
    polygons: int,
    parents: tuple[np.ndarray, np.ndarray, np.ndarray],
    split_ids: np.ndarray,
    pair_parent: np.ndarray,
    pair_edge: np.ndarray,
    x0: np.ndarray,
    y0: np.ndarray,
    size: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The child cells' reference points, their polygons from the crossings of the segment
    to the parent's reference point with the parent's edges (the segment stays inside the
    parent, so no other edge can cross it)."""
    order = np.argsort(pair_parent, kind="stable")
    by_parent, edge = pair_parent[order], pair_edge[order]
    edge_first = np.searchsorted(by_parent, split_ids, side="left")
    edge_count = np.searchsorted(by_parent, split_ids, side="right") - edge_first
    edges = (e.ax[edge], e.ay[edge], e.bx[edge], e.by[edge], e.polygon[edge])
    parent_x, parent_y, parent_polygon = (a[split_ids] for a in parents)

    def locate(cells: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parent = cells // (BRANCH * BRANCH)
        return _locate(
            x, y, parent_x[parent], parent_y[parent], parent_polygon[parent],
            edge_first[parent], edge_count[parent], edges, polygons,
        )  # fmt: skip

    return _references(x0, y0, size, locate)


def _locate(
    px: np.ndarray,
    py: np.ndarray,
    rx: np.ndarray,
    ry: np.ndarray,
    reference: np.ndarray,
    first: np.ndarray,
    count: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    polygons: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The polygon of each point, and whether it lies on a boundary, from the crossings of
    the segment from the point to a reference point off every boundary (whose polygon
    is `reference`) with the edges edges[first:first + count] of that point."""
    found = np.empty(px.size, dtype=np.int32)
    boundary = np.empty(px.size, dtype=bool)
    ends = np.cumsum(count)
    start = 0
    while start < px.size:
        # As many points as keep the (point, edge) pairs within bounds.
        stop = int(np.searchsorted(ends, (ends[start - 1] if start else 0) + _PAIR_CHUNK, side="right"))
        stop = max(stop, start + 1)
        part = slice(start, stop)
        found[part], boundary[part] = _locate_some(
            px[part], py[part], rx[part], ry[part], reference[part], first[part], count[part], edges, polygons
        )
        start = stop
    return found, boundary


def _locate_some(
    px: np.ndarray,
    py: np.ndarray,
    rx: np.ndarray,
    ry: np.ndarray,
    reference: np.ndarray,
    first: np.ndarray,
    count: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    polygons: int,
) -> tuple[np.ndarray, np.ndarray]:
    point, slot = _expand(first, count)
    x, y, qx, qy = px[point], py[point], rx[point], ry[point]
    ax, ay, bx, by = (a[slot] for a in edges[:4])
    dx, dy = qx - x, qy - y
    # The edge's ends lie on either side of the line through point and reference (half-open) ...
    straddles = (dx * (ay - y) - dy * (ax - x) > 0) != (dx * (by - y) - dy * (bx - x) > 0)
    # ... and the point and the reference on either side of the edge's line.
    ex, ey = bx - ax, by - ay
    side = ex * (y - ay) - ey * (x - ax)
    crosses = straddles & ((side > 0) != (ex * (qy - ay) - ey * (qx - ax) > 0))
    # A point on an edge is on the boundary: outside, as contains_xy says.
    on_edge = (
        (side == 0)
        & (np.minimum(ax, bx) <= x)
        & (x <= np.maximum(ax, bx))
        & (np.minimum(ay, by) <= y)
        & (y <= np.maximum(ay, by))
    )
    boundary = np.zeros(px.size, dtype=bool)
    boundary[point[on_edge]] = True
    point, polygon = point[crosses], edges[4][slot][crosses].astype(np.int64)
    keys, times = np.unique(point * polygons + polygon, return_counts=True)
    odd = keys[times % 2 == 1]
    odd_point, odd_polygon = odd // polygons, (odd % polygons).astype(np.int32)
    left = np.zeros(px.size, dtype=bool)
    left[odd_point[odd_polygon == reference[odd_point]]] = True
    entered = np.full(px.size, OUTSIDE, dtype=np.int32)
    other = odd_polygon != reference[odd_point]
    entered[odd_point[other]] = odd_polygon[other]
    found = np.where(entered != OUTSIDE, entered, np.where(left, OUTSIDE, reference)).astype(np.int32)
    return found, boundary


@dataclass
class PolygonIndex:
    count: int  # polygons
    x0: float  # the coarse grid: origin, cell size and shape
    y0: float
    cell: float
    nx: int
    ny: int
    node_x: np.ndarray  # per cell of every level: lower-left corner and size
    node_y: np.ndarray
    node_size: np.ndarray
    node_kind: np.ndarray  # polygon index, OUTSIDE, _MIXED or _SPLIT
    node_child: np.ndarray  # first child of a split cell
    node_ref: np.ndarray  # a mixed leaf: the polygon of its reference point (or OUTSIDE)
    ref_x: np.ndarray
    ref_y: np.ndarray
    edge_start: np.ndarray  # a mixed leaf's edges: CSR offsets into the flat edge arrays
    ax: np.ndarray
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    edge_polygon: np.ndarray

    @classmethod
    def build(cls, polygons: list[BaseGeometry], *, cells_per_polygon: float = 4.0) -> "PolygonIndex":
        geoms = np.asarray(polygons, dtype=object)
        e = _edges(geoms)
        if len(geoms) == 0 or len(e.ax) == 0:
            empty = np.zeros(0)
            return cls(0, 0.0, 0.0, 1.0, 0, 0, *(empty,) * 3, np.zeros(0, np.int32), np.zeros(0, np.int64),
                       np.zeros(0, np.int32), empty, empty, np.zeros(1, np.int64), *(empty,) * 4,
                       np.zeros(0, np.int32))  # fmt: skip
        west, south = min(e.ax.min(), e.bx.min()), min(e.ay.min(), e.by.min())
        east, north = max(e.ax.max(), e.bx.max()), max(e.ay.max(), e.by.max())
        width, height = max(east - west, 1e-9), max(north - south, 1e-9)
        cell = float(np.sqrt(width * height / (cells_per_polygon * len(geoms))))
        cell = max(cell, max(width, height) / 4096)  # a coarse grid of at most 4096 cells a side
        nx, ny = int(np.ceil(width / cell)) + 1, int(np.ceil(height / cell)) + 1
        x0, y0 = west - cell / 2, south - cell / 2

        # Level 0: each edge against the coarse cells its bounding box covers.
        edge, ix, iy = _cells_under(e, np.arange(len(e.ax)), x0, y0, cell, (nx - 1, ny - 1))
        keep = _touches(e, edge, x0 + ix * cell, y0 + iy * cell, np.full(len(edge), cell))
        pair_node, pair_edge = (iy * nx + ix)[keep], edge[keep]

        xs, ys = np.meshgrid(np.arange(nx), np.arange(ny))
        node_x = [x0 + xs.ravel() * cell]
        node_y = [y0 + ys.ravel() * cell]
        node_size = [np.full(nx * ny, cell)]
        # The coarse cells' reference points are placed with GEOS; every finer cell's from its parent's.
        refs = [_geos_references(geoms, node_x[0], node_y[0], node_size[0])]
        kinds, children = [], []
        leaf_nodes, leaf_edges = [], []
        first, depth = 0, 0
        while True:
            level_x, level_y, level_size = node_x[-1], node_y[-1], node_size[-1]
            n = len(level_x)
            local = pair_node - first
            counts = np.bincount(local, minlength=n)
            split = ((counts > LEAF_EDGES) & (depth < MAX_DEPTH)) | ((counts > 0) & (depth < MIXED_DEPTH))
            kind = np.where(split, _SPLIT, np.where(counts > 0, _MIXED, OUTSIDE)).astype(np.int32)
            child = np.full(n, -1, dtype=np.int64)
            next_first = first + n
            split_ids = np.flatnonzero(split)
            child[split_ids] = next_first + np.arange(len(split_ids)) * BRANCH * BRANCH
            kinds.append(kind)
            children.append(child)
            in_leaf = ~split[local]
            leaf_nodes.append(pair_node[in_leaf])
            leaf_edges.append(pair_edge[in_leaf])
            if not len(split_ids):
                break
            # The next level: the split cells' children, and each edge against the children it may meet.
            sub = level_size[split_ids] / BRANCH
            grid_x, grid_y = np.meshgrid(np.arange(BRANCH), np.arange(BRANCH))
            cx, cy = grid_x.ravel(), grid_y.ravel()
            node_x.append((level_x[split_ids][:, None] + cx[None, :] * sub[:, None]).ravel())
            node_y.append((level_y[split_ids][:, None] + cy[None, :] * sub[:, None]).ravel())
            node_size.append(np.repeat(sub, BRANCH * BRANCH))
            moving = ~in_leaf
            p_node, p_edge = local[moving], pair_edge[moving]
            refs.append(_child_references(e, len(geoms), refs[-1], split_ids, p_node, p_edge, node_x[-1],
                                          node_y[-1], node_size[-1]))  # fmt: skip
            order = np.full(n, -1, dtype=np.int64)
            order[split_ids] = np.arange(len(split_ids))
            parent = order[p_node]
            pair, sx, sy = _cells_under(
                e,
                p_edge,
                level_x[p_node],
                level_y[p_node],
                level_size[p_node] / BRANCH,
                (BRANCH - 1, BRANCH - 1),
            )
            child_local = parent[pair] * BRANCH * BRANCH + sy * BRANCH + sx
            keep = _touches(
                e, p_edge[pair], node_x[-1][child_local], node_y[-1][child_local], node_size[-1][child_local]
            )
            pair_node = next_first + child_local[keep]
            pair_edge = p_edge[pair][keep]
            first = next_first
            depth += 1

        node_x_all, node_y_all = np.concatenate(node_x), np.concatenate(node_y)
        node_size_all = np.concatenate(node_size)
        node_kind, node_child = np.concatenate(kinds), np.concatenate(children)
        pair_node, pair_edge = np.concatenate(leaf_nodes), np.concatenate(leaf_edges)
        order = np.argsort(pair_node, kind="stable")
        pair_node, pair_edge = pair_node[order], pair_edge[order]
        edge_start = np.zeros(len(node_kind) + 1, dtype=np.int64)
        np.add.at(edge_start, pair_node + 1, 1)
        edge_start = np.cumsum(edge_start)
        ref_x = np.concatenate([r[0] for r in refs])
        ref_y = np.concatenate([r[1] for r in refs])
        node_ref = np.concatenate([r[2] for r in refs])
        # A leaf no edge passes through lies wholly in the polygon of its reference point.
        node_kind = np.where(node_kind == OUTSIDE, node_ref, node_kind).astype(np.int32)
        return cls(
            len(geoms),
            float(x0),
            float(y0),
            cell,
            nx,
            ny,
            node_x_all,
            node_y_all,
            node_size_all,
            node_kind,
            node_child,
            node_ref,
            ref_x,
            ref_y,
            edge_start,
            e.ax[pair_edge],
            e.ay[pair_edge],
            e.bx[pair_edge],
            e.by[pair_edge],
            e.polygon[pair_edge],
        )

    @property
    def nbytes(self) -> int:
        return sum(
            getattr(self, name).nbytes
            for name in self.__dataclass_fields__
            if isinstance(getattr(self, name), np.ndarray)
        )

    def assign(self, x: np.ndarray, y: np.ndarray, *, workers: int | None = None) -> np.ndarray:
        """The index of the polygon each point lies in, or OUTSIDE (-1).

        Large inputs are split into chunks handled by threads: NumPy releases
        the GIL in its loops, and the index is only read, so the cores share
        the work safely.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        result = np.full(x.size, OUTSIDE, dtype=np.int32)
        if self.count == 0 or x.size == 0:
            return result
        workers = workers or min(os.cpu_count() or 1, 8)
        bounds = list(range(0, x.size, CHUNK)) + [x.size]

        def work(i: int) -> None:
            lo, hi = bounds[i], bounds[i + 1]
            result[lo:hi] = self._assign(x[lo:hi], y[lo:hi])

        if workers == 1 or len(bounds) <= 2:
            for i in range(len(bounds) - 1):
                work(i)
        else:
            with ThreadPoolExecutor(min(workers, len(bounds) - 1)) as pool:
                list(pool.map(work, range(len(bounds) - 1)))
        return result

    def _assign(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            cx = np.floor((x - self.x0) / self.cell)
            cy = np.floor((y - self.y0) / self.cell)
            in_grid = (cx >= 0) & (cx < self.nx) & (cy >= 0) & (cy < self.ny)
        result = np.full(x.size, OUTSIDE, dtype=np.int32)
        active = np.flatnonzero(in_grid)
        node = cy[active].astype(np.int64) * self.nx + cx[active].astype(np.int64)
        mixed_points, mixed_nodes = [], []
        while active.size:
            kind = self.node_kind[node]
            split = kind == _SPLIT
            done = ~split
            result[active[done]] = kind[done]
            is_mixed = kind == _MIXED
            mixed_points.append(active[is_mixed])
            mixed_nodes.append(node[is_mixed])
            active, node = active[split], node[split]
            if not active.size:
                break
            sub = self.node_size[node] / BRANCH
            sx = np.clip(np.floor((x[active] - self.node_x[node]) / sub), 0, BRANCH - 1).astype(np.int64)
            sy = np.clip(np.floor((y[active] - self.node_y[node]) / sub), 0, BRANCH - 1).astype(np.int64)
            node = self.node_child[node] + sy * BRANCH + sx
        if not mixed_points:  # every point outside the grid (a place outside the municipality)
            return result
        points = np.concatenate(mixed_points)
        nodes = np.concatenate(mixed_nodes)
        if points.size:
            result[points] = self._decide(x[points], y[points], nodes)
        return result

    def _decide(self, px: np.ndarray, py: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """The polygon of points in mixed leaves, from the crossings of the segment
        from each point to its leaf's reference point with the leaf's edges."""
        first = self.edge_start[nodes]
        found, boundary = _locate(
            px, py, self.ref_x[nodes], self.ref_y[nodes], self.node_ref[nodes], first,
            self.edge_start[nodes + 1] - first, (self.ax, self.ay, self.bx, self.by, self.edge_polygon), self.count,
        )  # fmt: skip
        return np.where(boundary, OUTSIDE, found).astype(np.int32)
