"""Fault benchmark: kill the import worker mid-file, then recover.

    .venv/bin/python bench/worker_kill.py [--rows 60000]

Loopback only, bounded in time (each wait gives up after 10 minutes).
Uses the PostgreSQL database that bench/load.py prepares (samverkan_load;
the Stockholm configuration is all it needs). Writes a field-observation
file of --rows lines, checks it through the worker, starts its import in the
worker, and kills the worker with SIGKILL while the import runs. Then it
checks that no row of the file was written and the batch is still marked as
being imported, runs `manage.py recover_imports` (which queues the import
again unless the queue already has it waiting), starts a new worker and
waits until the retried import has written every row exactly once. Prints
the figures; exits 1 if anything partial remained or the retry fell short.
"""

import argparse
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from load import database_url  # noqa: E402 - the database bench/load.py prepares

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEADLINE = 600


def observation_file(rows: int) -> bytes:
    """A new file each run (an identical one would be refused as already imported)."""
    rng = random.Random(time.time_ns())
    categories = ["Klotter", "Trasig eller släckt belysning", "Nedskräpning"]
    lines = ["tid;kategori;beskrivning;longitud;latitud;adress;organisation"]
    run = time.strftime("%Y%m%d%H%M%S")
    start = dt.datetime(2025, 1, 1)
    for n in range(rows):
        moment = start + dt.timedelta(minutes=n)
        lines.append(
            f"{moment:%Y-%m-%d %H:%M};{rng.choice(categories)};Felanmälan {run} {n};"
            f"{17.90 + rng.random() * 0.05:.5f};{59.38 + rng.random() * 0.02:.5f};;Järva stadsdelsförvaltning"
        )
    return ("\n".join(lines) + "\n").encode()


def wait_for(condition, what: str, interval: float = 0.2):
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > DEADLINE:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(interval)
    return time.monotonic() - started


def worker(environment) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so a kill reaches every process of it
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=60_000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = database_url()
    os.environ["SAMVERKAN_VAR_DIR"] = str(ROOT / "var" / "load")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    environment = dict(os.environ)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    import django

    django.setup()
    from django.db import close_old_connections

    from samverkan.accounts.models import User
    from samverkan.datasources import loader, tasks
    from samverkan.datasources.models import ImportBatch, Observation
    from samverkan.organisations.models import Municipality

    stockholm = Municipality.objects.get(code="0180")
    user = User.objects.get(username="samordnare")
    data = observation_file(args.rows)
    batch = loader.batch_receive(
        municipality=stockholm,
        kind="observations",
        filename=f"felanmalningar-{time.time_ns()}.csv",
        data=data,
        user=user,
        check=False,
    )
    tasks.check_import.enqueue(batch.pk)

    def status():
        close_old_connections()
        batch.refresh_from_db()
        return batch.status

    first = worker(environment)
    checked = wait_for(lambda: status() == ImportBatch.Status.PREVIEWED, "the check")
    print(f"{args.rows} rows ({len(data) / 1e6:.1f} MB) checked by the worker in {checked:.1f} s")

    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTING, progress=5)
    tasks.apply_import.enqueue(batch.pk, user.pk)
    wait_for(lambda: status() == ImportBatch.Status.IMPORTING and batch.progress >= 20, "the import to start")
    time.sleep(1.0)  # well inside the import's transaction
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    close_old_connections()
    partial = Observation.objects.filter(batch=batch).count()
    print(
        f"worker killed mid-import: batch {status()}, rows of the file in the database: {partial} (must be 0)"
    )

    recovered = subprocess.run(
        [PYTHON, "manage.py", "recover_imports"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    # The killed task stays claimed ("running") in the queue; recover_imports sees the
    # batch's advisory lock free again and queues the import anew.
    print(f"recover_imports: {recovered.stdout.strip() or 'nothing queued again'}")
    second = worker(environment)
    try:
        retried = wait_for(lambda: status() == ImportBatch.Status.IMPORTED, "the retried import")
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)
    written = Observation.objects.filter(batch=batch).count()
    print(f"retry completed in {retried:.1f} s: {written} rows written (file: {args.rows})")
    ok = partial == 0 and written == args.rows and recovered.returncode == 0
    print("FAULT HANDLED" if ok else "FAULT NOT HANDLED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
