import numpy as np
import shapely
from shapely.geometry import Polygon, box

from samverkan.organisations.spatial import OUTSIDE, PolygonIndex


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
