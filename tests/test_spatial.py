import numpy as np
import shapely
from shapely.geometry import Polygon, box

from samverkan.organisations.spatial import _SPLIT, OUTSIDE, PolygonIndex


def voronoi_cells(n, seed=1):
    rng = np.random.default_rng(seed)
    seeds = shapely.multipoints(rng.uniform(0, 100, size=(n, 2)))
    frame = box(0, 0, 100, 100)
    return [
        cell.intersection(frame)
        for cell in shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    ]


def brute_force(polygons, x, y):
    result = np.full(len(x), OUTSIDE)
    for i, polygon in enumerate(polygons):
        result[shapely.contains_xy(polygon, x, y)] = i
    return result


def test_it_agrees_with_brute_force_on_random_points():
    polygons = voronoi_cells(300)
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-10, 110, 50_000), rng.uniform(-10, 110, 50_000)
    index = PolygonIndex.build(polygons)
    assert np.array_equal(index.assign(x, y), brute_force(polygons, x, y))


def test_points_outside_and_in_holes_are_outside():
    ring = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(4, 4), (6, 4), (6, 6), (4, 6)]])
    other = box(20, 0, 30, 10)
    index = PolygonIndex.build([ring, other])
    got = index.assign(np.array([1, 5, 25, 15, -100]), np.array([1, 5, 5, 5, 1000]))
    assert got.tolist() == [0, OUTSIDE, 1, OUTSIDE, OUTSIDE]


def test_multipolygons_and_one_polygon_work():
    islands = shapely.MultiPolygon([box(0, 0, 1, 1), box(5, 5, 6, 6)])
    index = PolygonIndex.build([islands])
    assert index.assign(np.array([0.5, 5.5, 3.0]), np.array([0.5, 5.5, 3.0])).tolist() == [0, 0, OUTSIDE]


def test_threads_give_the_same_answer(monkeypatch):
    import samverkan.organisations.spatial as spatial

    monkeypatch.setattr(spatial, "CHUNK", 1_000)
    polygons = voronoi_cells(100)
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 100, 20_000), rng.uniform(0, 100, 20_000)
    index = PolygonIndex.build(polygons)
    assert np.array_equal(index.assign(x, y, workers=2), index.assign(x, y, workers=1))


def zigzag_areas():
    """Non-convex areas with zig-zag boundaries, a lake (hole) and islands (multipart), tiling most of a square."""
    rng = np.random.default_rng(11)
    bent = []
    for cell in voronoi_cells(60, seed=5):
        # Every other vertex of a densified boundary pushed out, the others in: a zig-zag.
        coords = np.asarray(shapely.segmentize(cell, 1.5).exterior.coords)
        centre = np.asarray(cell.centroid.coords[0])
        outward = (coords - centre) / np.linalg.norm(coords - centre, axis=1)[:, None]
        wobble = np.where(np.arange(len(coords)) % 2 == 0, 0.35, -0.35) * rng.uniform(0.5, 1, len(coords))
        moved = coords + outward * wobble[:, None]
        moved[-1] = moved[0]
        bent.append(shapely.make_valid(Polygon(moved)))
    # Where the zig-zags overlap, the earlier area keeps the ground: the areas tile without overlap.
    taken, areas = Polygon(), []
    for shape in bent:
        areas.append(shapely.difference(shape, taken))
        taken = shapely.union(taken, shape)
    areas[0] = shapely.difference(areas[0], areas[0].representative_point().buffer(0.8))  # a lake
    areas[1] = shapely.union(areas[1], shapely.MultiPolygon([box(120, 10, 123, 13), box(130, 50, 131, 52)]))
    return [a for a in areas if not a.is_empty]


def test_complex_areas_agree_with_shapely():
    areas = zigzag_areas()
    assert any(shapely.get_num_interior_rings(a) for a in areas if a.geom_type == "Polygon")
    assert any(a.geom_type == "MultiPolygon" for a in areas)
    assert any(not shapely.equals(a, a.convex_hull) for a in areas)
    rng = np.random.default_rng(17)
    x, y = rng.uniform(-10, 140, 200_000), rng.uniform(-10, 110, 200_000)
    index = PolygonIndex.build(areas)
    assert np.array_equal(index.assign(x, y), brute_force(areas, x, y))


def test_points_on_boundaries_and_vertices_are_outside_as_shapely_says():
    squares = [box(i, j, i + 1, j + 1) for i in range(10) for j in range(10)]
    x, y = np.meshgrid(np.arange(0, 10.5, 0.5), np.arange(0, 10.5, 0.5))
    x, y = x.ravel(), y.ravel()  # cell centres, edge midpoints and shared corners
    index = PolygonIndex.build(squares)
    assert np.array_equal(index.assign(x, y), brute_force(squares, x, y))


def test_cells_whose_centres_fall_on_edges_take_another_reference_point():
    # Columns cut at odd multiples of 1/128 and rows at 1/8 put many cell centres, at the
    # coarse level and below, exactly on edges: those cells must take another reference
    # point, and every leaf's must lie off every boundary in the polygon shapely says.
    rng = np.random.default_rng(4)
    cuts = np.concatenate([[0], np.sort(rng.choice(np.arange(1, 128, 2), 7, replace=False)), [128]]) / 128
    polygons = [box(cuts[i], j / 8, cuts[i + 1], (j + 1) / 8) for i in range(8) for j in range(8)]
    index = PolygonIndex.build(polygons)
    coarse = index.nx * index.ny
    moved = index.ref_x != index.node_x + index.node_size / 2
    assert moved[:coarse].any() and moved[coarse:].any()
    leaves = index.node_kind != _SPLIT
    x, y = index.ref_x[leaves], index.ref_y[leaves]
    assert np.array_equal(index.node_ref[leaves], brute_force(polygons, x, y))
    assert not shapely.intersects_xy(shapely.union_all([p.boundary for p in polygons]), x, y).any()
    rng = np.random.default_rng(5)
    px, py = rng.integers(0, 129, 20_000) / 128, rng.uniform(0, 1, 20_000)
    assert np.array_equal(index.assign(px, py), brute_force(polygons, px, py))


CRASH_SCRIPT = """
import numpy as np
import samverkan.organisations.spatial as spatial
from tests.test_spatial import zigzag_areas
spatial.CHUNK = 2_000
areas = zigzag_areas()
index = spatial.PolygonIndex.build(areas)
rng = np.random.default_rng(int(__import__("sys").argv[1]))
x, y = rng.uniform(-10, 140, 60_000), rng.uniform(-10, 110, 60_000)
once = index.assign(x, y, workers=1)
for _ in range(25):
    assert np.array_equal(index.assign(x, y, workers=4), once)
"""


def test_threaded_assignment_never_crashes():
    """Run in subprocesses: heap corruption kills a process instead of failing an assert."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for seed in range(6):
        done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", CRASH_SCRIPT, str(seed)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
