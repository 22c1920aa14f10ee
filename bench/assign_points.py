"""Benchmark: assign dated points to small-area polygons and count them per
area and week, against geopandas' sjoin + pandas' groupby on the same data.

    make bench            # 6,000 polygons, 10 million points
    .venv/bin/python bench/assign_points.py --points 1000000   # quicker

Each side runs in its own process so that its peak memory (ru_maxrss) is
its own. Prints times, their ratio, peak memory and the number of points
the two assign differently.
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


def generate(folder: Path, polygons: int, points: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Small areas are dense where people live: seeds drawn around a few centres.
    centres = rng.uniform([X0, Y0], [X1, Y1], size=(40, 2))
    which = rng.integers(0, len(centres), polygons)
    spread = rng.uniform(5_000, 120_000, len(centres))[which]
    seeds = np.clip(centres[which] + rng.normal(0, 1, (polygons, 2)) * spread[:, None], [X0, Y0], [X1, Y1])
    frame = shapely.box(X0, Y0, X1, Y1)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    np.save(folder / "polygons.npy", shapely.to_wkb(cells), allow_pickle=True)
    margin = 0.01 * (X1 - X0)
    np.save(folder / "x.npy", rng.uniform(X0 - margin, X1 + margin, points))
    np.save(folder / "y.npy", rng.uniform(Y0 - margin, Y1 + margin, points))
    np.save(folder / "week.npy", rng.integers(0, WEEKS, points).astype(np.int16))


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
    parser.add_argument("--side", choices=["ours", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.side:
        result = run_ours(args.folder) if args.side == "ours" else run_baseline(args.folder)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        folder = Path(tmp)
        print(f"Generating {args.polygons:,} polygons and {args.points:,} points…", flush=True)
        generate(folder, args.polygons, args.points, args.seed)
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
    print(f"polygons                         {args.polygons:>12,}")
    print(f"points                           {args.points:>12,}")
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
    print(f"area × week tables identical     {'yes' if same_counts else 'no':>12}")


if __name__ == "__main__":
    main()
