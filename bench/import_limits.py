"""Benchmark: the peak memory of checking the files an attacker or an
unlucky export would send, each in a fresh process (so each peak is its own).

    make bench-imports
    .venv/bin/python bench/import_limits.py [--case NAME]

Cases (generated here, nothing downloaded):
- zip-bomb: a zipped shapefile of about 1 MB whose .dbf unpacks to 1.17 GB;
- xlsx-bomb: a 1 MB workbook holding a 1 GB string;
- csv-200mb: a 200 MB observation CSV of 2.2 million short lines;
- csv-wide: the largest observation file that is taken (its MAX_LINES lines
  with the longest descriptions allowed), checked and imported;
- bra-longest: a BRÅ databasfil of the most lines taken, checked and imported;
- field-1mb: a CSV with a field of 1 MB in the middle;
- geojson-206mb: a FeatureCollection of 206 MB (1,400 polygons of 5,000 corners);
- shapefile-103mb: a zipped shapefile of 103 MB (as many polygons, corners that do not compress);
- csv-million-columns: an observation CSV whose header has 10^6 columns;
- setup-100mb: a set-up document just under its 100 MB limit, `[{},{},…]`;
- web-upload-200mb: the web process's side: a 190 MB observation CSV posted to the import page
  (received, kept and handed to the worker), as a signed-in coordinator.
Each runs the loader's check (and for the largest files the import) on a throw-away
SQLite database with the Stockholm configuration, and prints the peak RSS of
its process, the outcome and the seconds. The target is under 1 GB for
every file up to the upload limit (200 MB).
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MB = 1024
CASES = [
    "zip-bomb",
    "xlsx-bomb",
    "csv-200mb",
    "csv-wide",
    "bra-longest",
    "field-1mb",
    "geojson-206mb",
    "shapefile-103mb",
    "csv-million-columns",
    "setup-100mb",
    "web-upload-200mb",
]
HEADER = b"tid;kategori;beskrivning;longitud;latitud;adress;organisation\n"
ORGANISATION = b"Norra innerstadens stadsdelsf\xc3\xb6rvaltning"


def zipped_member(name: str, megabytes: int, also: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for other, data in (also or {}).items():
            archive.writestr(other, data)
        with archive.open(name, "w", force_zip64=True) as out:
            zeros = bytes(1024 * 1024)
            for _ in range(megabytes):
                out.write(zeros)
    return buffer.getvalue()


def case_file(case: str) -> tuple[str, str, bytes]:
    """(kind, file name, bytes) of a case."""
    if case == "zip-bomb":
        return (
            "boundaries",
            "omraden.zip",
            zipped_member("omraden.dbf", 1170, {"omraden.shp": b"", "omraden.shx": b""}),
        )
    if case == "xlsx-bomb":
        return (
            "bra",
            "bra.xlsx",
            zipped_member("xl/sharedStrings.xml", 1024, {"[Content_Types].xml": b"<x/>"}),
        )
    if case == "csv-200mb":
        line = b"2024-05-03 21:30;Klotter;Klotter vid tunneln;18.07;59.33;;" + ORGANISATION + b"\n"
        return (
            "observations",
            "stor.csv",
            via_file([HEADER], (line for _ in range(200 * 1024 * 1024 // len(line)))),
        )
    if case == "csv-wide":
        from samverkan.datasources.importers.observations import MAX_LINES

        lines = (
            b"2024-05-03 %02d:%02d;Klotter;" % (n // 60 % 24, n % 60)
            + b"x" * 480
            + b" %d;18.07;59.33;;" % n
            + ORGANISATION
            + b"\n"
            for n in range(MAX_LINES - 1)
        )
        return "observations", "bred.csv", via_file([HEADER], lines)
    if case == "bra-longest":
        from samverkan.datasources.importers.tables import MAX_LINES as BRA_LINES

        BRA_LINES = int(os.environ.get("BENCH_LINES", BRA_LINES))  # noqa: N806
        from samverkan.organisations.models import Area

        months = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
        regions = [f"Stadsdelsomr\u00e5de {a.name} (Sthlm)" for a in Area.objects.filter(kind="district")]
        rows = (
            f"{region};{crime} kap. Brott {crime};{year};{month};{(year + crime) % 50}\n"
            for region in regions
            for crime in range(1, 60)
            for year in range(1975, 2025)
            for month in months
        )
        body = "".join(row for _n, row in zip(range(BRA_LINES - 1), rows, strict=False))
        return (
            "bra",
            "bra_databasfil.txt",
            ("Region;Brott;\u00c5r;Period;Antal\n" + body).encode("iso-8859-1"),
        )
    if case == "field-1mb":
        line = b"2024-05-03 21:30;Klotter;kort;18.07;59.33;;" + ORGANISATION + b"\n"
        return (
            "observations",
            "falt.csv",
            HEADER + line * 1000 + b'x;"' + b"a" * 1024 * 1024 + b'"\n' + line * 1000,
        )
    if case == "geojson-206mb":
        # Written to a file a feature at a time and read back whole, as an upload arrives:
        # the case's own making does not count in the peak.
        path = Path(tempfile.mkdtemp()) / "omraden.geojson"
        with path.open("w", encoding="utf-8") as out:
            out.write('{"type":"FeatureCollection","features":[')
            number = 0
            while out.tell() < 206 * 1000 * 1000:
                coordinates = ",".join(f"[{x:.9f},{y:.9f}]" for x, y in polygon_ring(number, 5000))
                out.write(
                    ("," if number else "")
                    + f'{{"type":"Feature","properties":{{"namn":"Omr\u00e5de {number}","kod":"{number:05d}"}},'
                    f'"geometry":{{"type":"Polygon","coordinates":[[{coordinates}]]}}}}'
                )
                number += 1
            out.write("]}")
        return "boundaries", "omraden.geojson", path.read_bytes()
    if case == "shapefile-103mb":
        import shapefile

        folder = Path(tempfile.mkdtemp())
        with shapefile.Writer(str(folder / "omraden"), shapeType=shapefile.POLYGON) as writer:
            writer.field("NAMN", "C", 40)
            writer.field("KOD", "C", 10)
            for number in range(1700):
                writer.poly([polygon_ring(number, 5000)[::-1]])  # clockwise: an outer ring
                writer.record(f"Omr\u00e5de {number}", f"{number:05d}")
        (folder / "omraden.prj").write_text(
            'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],'
            'PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]'
        )
        with zipfile.ZipFile(folder / "omraden.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for suffix in (".shp", ".shx", ".dbf", ".prj"):
                archive.write(folder / f"omraden{suffix}", f"omraden{suffix}")
        return "boundaries", "omraden.zip", (folder / "omraden.zip").read_bytes()
    if case == "csv-million-columns":
        header = ";".join(f"k{n}" for n in range(10**6)).encode()
        return "observations", "kolumner.csv", header + b"\n" + b";" * (10**6 - 1) + b"\n"
    raise SystemExit(f"unknown case {case}")


def via_file(*parts) -> bytes:
    """The case's bytes written to a file piece by piece and read back whole, as an
    upload arrives: the case's own making does not count in the peak (only the file)."""
    path = Path(tempfile.mkdtemp()) / "case"
    with path.open("wb") as out:
        for part in parts:
            for chunk in part:
                out.write(chunk)
    return path.read_bytes()


def polygon_ring(number: int, corners: int) -> list[tuple[float, float]]:
    """A star-shaped ring of `corners` corners around a point near Stockholm, its radii
    irregular (so that a zip cannot shrink them)."""
    import math
    import random

    spread = random.Random(number)
    cx, cy = 17.5 + (number % 40) * 0.03, 59.0 + (number // 40) * 0.02
    ring = []
    for k in range(corners):
        angle = 2 * math.pi * k / corners
        radius = 0.005 + 0.004 * spread.random()
        ring.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    ring.append(ring[0])
    return ring


def run_upload_case() -> None:
    """The import page's POST with a 200 MB file, through Django's request handling."""
    from django.test import Client

    from samverkan.accounts.models import User
    from samverkan.datasources.models import ImportBatch

    line = b"2024-05-03 21:30;Klotter;Klotter vid tunneln;18.07;59.33;;" + ORGANISATION + b"\n"
    path = Path(tempfile.mkdtemp()) / "stor.csv"
    with path.open("wb") as out:
        out.write(HEADER)
        for _ in range(190 * 1000 * 1000 // len(line)):  # the probe's 190 MB, under the 200 MB limit
            out.write(line)
    client = Client(HTTP_HOST="localhost")  # as the production settings allow, over https
    client.force_login(User.objects.get(username="samordnare"))
    start = time.perf_counter()
    with path.open("rb") as upload:
        answer = client.post("/imports/", {"kind": "observations", "file": upload}, secure=True)
    seconds = time.perf_counter() - start
    batch = ImportBatch.objects.get()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'web-upload':11} {path.stat().st_size / 1e6:6.1f} MB  peak {peak:6.0f} MB"
        f"                    {seconds:6.1f} s  {answer.status_code} {batch.status}"
    )


def run_setup_case() -> None:
    """A set-up document of `[{},{},…]` just under the form's 100 MB limit, read as the set-up page reads it."""
    from samverkan.configurations.document import DocumentError, loads

    data = b"[" + b"{}," * (33_200_000 - 1) + b"{}]"
    start = time.perf_counter()
    try:
        loads(data)
        outcome = "read"
    except DocumentError as error:
        outcome = f"refused  {str(error)[:80]}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'setup-100mb':11} {len(data) / 1e6:6.1f} MB  peak {peak:6.0f} MB                    {seconds:6.1f} s  {outcome}"
    )


def run_case(case: str) -> None:
    database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["MEDIA_ROOT"] = str(database.parent / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    # As the production worker runs: without DEBUG, which would keep every query in memory.
    os.environ.update(
        DEBUG="0", SECRET_KEY="bench-" + "x" * 40, ALLOWED_HOSTS="localhost", LOG_LEVEL="WARNING"
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_configuration", "stockholm", "--demo", verbosity=0, stdout=io.StringIO())
    from samverkan.accounts.models import User
    from samverkan.datasources import loader
    from samverkan.organisations.models import Municipality

    if case == "setup-100mb":
        run_setup_case()
        return
    if case == "web-upload-200mb":
        run_upload_case()
        return
    kind, name, data = case_file(case)
    size = len(data)
    municipality = Municipality.objects.get()
    user = User.objects.get(username="samordnare")
    start = time.perf_counter()
    batch = loader.batch_receive(
        municipality=municipality, kind=kind, filename=name, data=data, user=user, check=False
    )
    del data
    loader.batch_check(batch)
    checked_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome = batch.status
    if case in ("csv-wide", "bra-longest") and batch.status == "previewed":
        loader.batch_apply(batch)
        outcome = f"{batch.status} ({batch.report['applied']['new']} rows)"
    seconds = time.perf_counter() - start
    message = batch.report["errors"][0]["message"] if batch.report.get("errors") else ""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{case:11} {size / 1e6:6.1f} MB  peak {peak:6.0f} MB (check {checked_peak:5.0f} MB)  {seconds:6.1f} s  "
        f"{outcome}  {message[:80]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=CASES)
    args = parser.parse_args()
    if args.case:
        run_case(args.case)
        return
    print(f"Peak memory per file (each in its own process), target < {TARGET_MB} MB")
    worst = 0.0
    for case in CASES:
        output = subprocess.run(
            [sys.executable, __file__, "--case", case], capture_output=True, text=True, check=False
        )
        print(output.stdout.strip() or output.stderr.strip()[-400:])
        for word in output.stdout.split("peak")[1:2]:
            worst = max(worst, float(word.split()[0]))
    print(f"worst peak {worst:.0f} MB: {'within' if worst < TARGET_MB else 'OVER'} the {TARGET_MB} MB target")


if __name__ == "__main__":
    main()
