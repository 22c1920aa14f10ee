"""Benchmark: assign dated points to small-area polygons and count them per
area and week, against geopandas' sjoin + pandas' groupby on the same data.

    make bench            # both workloads: 6,000 polygons, 10 million points
    .venv/bin/python bench/assign_points.py --points 1000000 --workload people   # quicker

Two workloads:

- voronoi: convex Voronoi cells with a handful of vertices, points uniform
  over the whole extent (most fall in large rural cells);
- people: areas shaped like Sweden's DeSO — non-convex, zig-zag boundaries
  of 30–100 vertices, some with holes (lakes), some multipart (islands in
  the sea), small and dense in towns and large in the countryside — and the
  same number of points in every area (DeSO areas hold similar
  populations), uniform within it, with 2 % in the sea outside every area.

Each side runs in its own process so that its peak memory (ru_maxrss) is
its own. Prints, per workload, the index build, assignment + aggregation
for both, their ratio, peak memory and the number of points the two
assign differently.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A Sweden-sized extent in SWEREF99 TM metres.
X0, X1, Y0, Y1 = 260_000.0, 920_000.0, 6_130_000.0, 7_680_000.0
WEEKS = 104


def save(folder: Path, shapes: np.ndarray, x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> None:
    np.save(folder / "polygons.npy", shapely.to_wkb(shapes), allow_pickle=True)
    np.save(folder / "x.npy", x)
    np.save(folder / "y.npy", y)
    np.save(folder / "week.npy", rng.integers(0, WEEKS, len(x)).astype(np.int16))


def seeds_where_people_live(rng: np.random.Generator, polygons: int, lognormal: float = 0.0) -> np.ndarray:
    """Area seeds dense around a few centres (towns), sparse between them."""
    centres = rng.uniform([X0, Y0], [X1, Y1], size=(40, 2))
    which = rng.integers(0, len(centres), polygons)
    spread = rng.uniform(3_000, 150_000, len(centres))[which]
    if lognormal:
        spread = spread * rng.lognormal(0, lognormal, polygons)
    return np.clip(centres[which] + rng.normal(0, 1, (polygons, 2)) * spread[:, None], [X0, Y0], [X1, Y1])


def voronoi(seeds: np.ndarray) -> np.ndarray:
    frame = shapely.box(X0, Y0, X1, Y1)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    return shapely.intersection(cells, frame)


def generate_voronoi(folder: Path, polygons: int, points: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cells = voronoi(seeds_where_people_live(rng, polygons))
    margin = 0.01 * (X1 - X0)
    x = rng.uniform(X0 - margin, X1 + margin, points)
    y = rng.uniform(Y0 - margin, Y1 + margin, points)
    save(folder, cells, x, y, rng)


def zigzag(ring: np.ndarray, seed: int, teeth: int = 10) -> np.ndarray:
    """A ring whose every edge is replaced by a zig-zag that depends only on the
    edge itself, so the two areas on either side of it draw the same line."""
    out = []
    for a, b in zip(ring[:-1], ring[1:], strict=True):
        p, q = sorted([tuple(a), tuple(b)])
        p_, q_ = np.array(p), np.array(q)
        length = float(np.hypot(*(q_ - p_)))
        r = np.random.default_rng(
            abs(hash((round(p[0], 2), round(p[1], 2), round(q[0], 2), round(q[1], 2), seed)))
        )
        t = np.sort(r.uniform(0.05, 0.95, teeth))
        amplitude = r.uniform(-0.12, 0.12, teeth) * length
        normal = np.array([-(q_ - p_)[1], (q_ - p_)[0]]) / max(length, 1e-12)
        middle = p_ + t[:, None] * (q_ - p_) + amplitude[:, None] * normal
        out.append(np.vstack([p_, middle]) if tuple(a) == p else np.vstack([q_, middle[::-1]]))
    return np.vstack([*out, out[0][:1]])


def generate_people(folder: Path, polygons: int, points: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cells = shapely.set_precision(voronoi(seeds_where_people_live(rng, polygons, lognormal=0.6)), 0.01)
    shapes = []
    for cell in cells:
        shape = shapely.Polygon(zigzag(np.asarray(cell.exterior.coords), seed))
        if not shape.is_valid:
            shape = max(shapely.get_parts(shapely.make_valid(shape)), key=lambda g: g.area)
        shapes.append(shape)
    areas = np.array(shapes, dtype=object)
    n = len(areas)
    for i in rng.choice(n, n * 4 // 100, replace=False):  # lakes
        inner = areas[i].representative_point()
        lake = inner.buffer(np.sqrt(areas[i].area) * 0.15, quad_segs=6)
        if areas[i].contains(lake):
            areas[i] = areas[i].difference(lake)
    for i in rng.choice(n, n * 3 // 100, replace=False):  # islands in the sea to the east
        island = shapely.Point(X1 + rng.uniform(2_000, 20_000), rng.uniform(Y0, Y1)).buffer(
            rng.uniform(200, 2_000), quad_segs=5
        )
        areas[i] = shapely.union(areas[i], island)
    # Where zig-zags (or islands) overlap, the earlier area keeps the ground: the areas never overlap.
    tree = shapely.STRtree(areas)
    a, b = tree.query(areas, predicate="intersects")
    a, b = a[a < b], b[a < b]
    shared = shapely.area(shapely.intersection(areas[a], areas[b])) > 0
    for i, j in sorted(zip(a[shared].tolist(), b[shared].tolist(), strict=True)):
        areas[j] = shapely.difference(areas[j], areas[i])
    areas = np.array([g if g.is_valid else shapely.make_valid(g) for g in areas], dtype=object)
    areas = np.array(
        [shapely.MultiPolygon([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]) if
         g.geom_type not in ("Polygon", "MultiPolygon") else g for g in areas], dtype=object,
    )  # fmt: skip
    areas = areas[shapely.area(areas) > 10_000]

    # People: the same number in every area, uniform within it (sampled part by part), 2 % in the sea.
    n = len(areas)
    inside = int(points * 0.98)
    per = np.full(n, inside // n)
    per[: inside - per.sum()] += 1
    parts, part_of = shapely.get_parts(areas, return_index=True)
    part_area = shapely.area(parts)
    need = np.zeros(len(parts), dtype=np.int64)
    first, last = np.searchsorted(part_of, np.arange(n)), np.searchsorted(part_of, np.arange(n), side="right")
    for i in range(n):
        weight = np.where(part_area[first[i] : last[i]] > 1_000, part_area[first[i] : last[i]], 0)
        need[first[i] : last[i]] = rng.multinomial(per[i], weight / weight.sum())
    shapely.prepare(parts)
    bounds = shapely.bounds(parts)
    accept = part_area / np.maximum((bounds[:, 2] - bounds[:, 0]) * (bounds[:, 3] - bounds[:, 1]), 1e-9)
    xs, ys = [], []
    for _round in range(60):
        if not need.sum():
            break
        tries = (np.ceil(need / np.maximum(accept, 0.05) * 1.3) + 4).astype(np.int64) * (need > 0)
        owner = np.repeat(np.arange(len(parts)), tries)
        x = rng.uniform(bounds[owner, 0], bounds[owner, 2])
        y = rng.uniform(bounds[owner, 1], bounds[owner, 3])
        hit = shapely.contains_xy(parts[owner], x, y)
        owner, x, y = owner[hit], x[hit], y[hit]
        order = np.argsort(owner, kind="stable")
        owner, x, y = owner[order], x[order], y[order]
        take = np.arange(len(owner)) - np.searchsorted(owner, owner) < need[owner]
        xs.append(x[take])
        ys.append(y[take])
        need -= np.bincount(owner[take], minlength=len(parts))
    sea = points - sum(len(v) for v in xs)
    xs.append(rng.uniform(X1 + 1_000, X1 + 40_000, sea))
    ys.append(rng.uniform(Y0, Y1, sea))
    order = rng.permutation(points)
    save(folder, areas, np.concatenate(xs)[order], np.concatenate(ys)[order], rng)


WORKLOADS = {"voronoi": generate_voronoi, "people": generate_people}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(folder: Path) -> dict:
    from samverkan.organisations.spatial import PolygonIndex

    polygons = shapely.from_wkb(np.load(folder / "polygons.npy", allow_pickle=True))
    x, y, week = np.load(folder / "x.npy"), np.load(folder / "y.npy"), np.load(folder / "week.npy")
    started = time.perf_counter()
    index = PolygonIndex.build(list(polygons))
    built = time.perf_counter()
    area = index.assign(x, y)
    inside = area >= 0
    counts = np.bincount(
        area[inside].astype(np.int64) * WEEKS + week[inside], minlength=len(polygons) * WEEKS
    )
    done = time.perf_counter()
    np.save(folder / "ours.npy", area)
    np.save(folder / "ours_counts.npy", counts.reshape(len(polygons), WEEKS))
    return {"index_build_s": built - started, "assign_aggregate_s": done - built, "peak_mb": peak_mb()}


def run_baseline(folder: Path) -> dict:
    import geopandas as gpd
    import pandas as pd

    polygons = shapely.from_wkb(np.load(folder / "polygons.npy", allow_pickle=True))
    x, y, week = np.load(folder / "x.npy"), np.load(folder / "y.npy"), np.load(folder / "week.npy")
    started = time.perf_counter()
    areas = gpd.GeoDataFrame({"area": np.arange(len(polygons))}, geometry=polygons)
    points = gpd.GeoDataFrame({"week": week}, geometry=gpd.points_from_xy(x, y))
    joined = gpd.sjoin(points, areas, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    counts = joined.dropna(subset=["area"]).groupby(["area", "week"]).size()
    done = time.perf_counter()
    assigned = joined["area"].reindex(pd.RangeIndex(len(x))).fillna(-1).to_numpy(dtype=np.int32)
    np.save(folder / "baseline.npy", assigned)
    table = np.zeros((len(polygons), WEEKS), dtype=np.int64)
    table[counts.index.get_level_values(0).astype(int), counts.index.get_level_values(1).astype(int)] = (
        counts.to_numpy()
    )
    np.save(folder / "baseline_counts.npy", table)
    return {"assign_aggregate_s": done - started, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--polygons", type=int, default=6_000)
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workload", choices=["both", *WORKLOADS], default="both")
    parser.add_argument("--side", choices=["ours", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.side:
        result = run_ours(args.folder) if args.side == "ours" else run_baseline(args.folder)
        print(json.dumps(result))
        return

    for workload in WORKLOADS if args.workload == "both" else [args.workload]:
        bench(workload, args)


def bench(workload: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        folder = Path(tmp)
        print(f"\n[{workload}] generating {args.polygons:,} polygons and {args.points:,} points…", flush=True)
        WORKLOADS[workload](folder, args.polygons, args.points, args.seed)
        shapes = shapely.from_wkb(np.load(folder / "polygons.npy", allow_pickle=True))
        results = {}
        for side in ("ours", "baseline"):
            out = subprocess.run(  # noqa: S603 - runs this same script
                [sys.executable, __file__, "--side", side, "--folder", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            )
            results[side] = json.loads(out.stdout.strip().splitlines()[-1])
        ours, baseline = np.load(folder / "ours.npy"), np.load(folder / "baseline.npy")
        differing = int(np.count_nonzero(ours != baseline))
        same_counts = bool(
            np.array_equal(np.load(folder / "ours_counts.npy"), np.load(folder / "baseline_counts.npy"))
        )

    o, b = results["ours"], results["baseline"]
    vertices = shapely.get_num_coordinates(shapes)
    print(f"workload                         {workload:>12}")
    print(f"polygons                         {len(shapes):>12,}")
    print(f"vertices per polygon (median)    {int(np.median(vertices)):>12,}")
    print(
        f"with holes / multipart           {int(np.sum(shapely.get_num_interior_rings(shapely.get_parts(shapes)) > 0)):>5,} / {int(np.sum(shapely.get_num_geometries(shapes) > 1)):,}"
    )
    print(f"points                           {len(ours):>12,}")
    print(f"points inside a polygon          {int(np.count_nonzero(ours >= 0)):>12,}")
    print(f"spatial index build (once)       {o['index_build_s']:>11.2f} s")
    print(f"ours: assign + aggregate         {o['assign_aggregate_s']:>11.2f} s")
    print(f"geopandas sjoin + groupby        {b['assign_aggregate_s']:>11.2f} s")
    print(f"speed-up                         {b['assign_aggregate_s'] / o['assign_aggregate_s']:>11.1f} ×")
    print(
        f"speed-up incl. index build       {b['assign_aggregate_s'] / (o['assign_aggregate_s'] + o['index_build_s']):>11.1f} ×"
    )
    print(f"peak memory, ours                {o['peak_mb']:>11.0f} MB")
    print(f"peak memory, geopandas           {b['peak_mb']:>11.0f} MB")
    print(f"differing assignments            {differing:>12,}")
    print(f"area × week tables identical     {'yes' if same_counts else 'no':>12}", flush=True)


if __name__ == "__main__":
    main()
