"""Load and fault benchmark: 50 users on the Stockholm demo with 10 years of data.

    .venv/bin/python bench/load.py                       # 50 users, 5 minutes
    .venv/bin/python bench/load.py --users 200 --seconds 120 --ramp 120
    .venv/bin/python bench/load.py --users 50 --seconds 300 --restart-postgres-at 120

Loopback only, bounded in time. Builds (or reuses, --reuse) a PostgreSQL
database `samverkan_load` with the Stockholm configuration, its worked
examples and ten years of generated data (BRÅ monthly counts for every
district and indicator crime, police events, field observations), refreshes
every indicator, then serves it with gunicorn under the production settings
and lets N simulated users sign in (spread over --ramp seconds, 20 by
default) and walk the pages with a think time of 2–8 s. One user in ten also
records field observations.

Each answer carries the server's own Server-Timing (SAMVERKAN_SERVER_TIMING):
time queued for a worker, time in Django, its CPU and database time and
query count. The benchmark prints them beside the time the client saw, per
page and for the sign-in ramp, with the CPU the load generator, the web
server and PostgreSQL each used in the measured window: a slow figure can be
attributed to waiting, computing, the database or the generator itself.
The measured window (--seconds) starts when every user has signed in; page
times during the sign-in ramp are printed on their own line, and errors are
counted over the whole run.

With --restart-postgres-at S, PostgreSQL is restarted S seconds in:
requests fail cleanly while it is down (no hang, a 5xx answer or a refused
write), the app recovers by itself, and at the end every observation the
clients were told was saved is in the database and none they were not told
of is (no write lost or half-done).

Sign-ins are timed on their own (the form sent, on to the start page) with
the number the server asked to come back because its sign-in lane was full
(samverkan.accounts.hashers).

Prints p50/p95/p99 per page and the error count, then each target met or
missed: dashboard (district page and district overview) p95 ≤ 150 ms and
every page's p99 ≤ 1 s in the measured window, page p95 ≤ 1 s during the
sign-in ramp, 0 errors (errors during a PostgreSQL restart are counted
separately), and no write lost, doubled or stored though it failed.
"""

import argparse
import datetime as dt
import http.client
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "samverkan_load"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DASHBOARDS = {"district page", "district overview"}
TARGET_P95_MS = 150  # the dashboards, in the measured window
TARGET_P99_MS = 1000  # every page, in the measured window
TARGET_RAMP_P95_MS = 1000  # every page, while people are still signing in
THINK_SECONDS = (2.0, 8.0)  # between one page and the next, as people read
RUN = f"Lasttest {time.strftime('%Y%m%d%H%M%S')}"  # marks this run's observations
YEARS = 10


def database_url() -> str:
    return os.environ.get("LOAD_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE}")


def prepare(reuse: bool) -> None:
    """The demo with ten years of data, in its own PostgreSQL database."""
    if reuse:
        return
    subprocess.run(["psql", ADMIN_URL, "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
    subprocess.run(["psql", ADMIN_URL, "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
    environment = os.environ | {"DATABASE_URL": database_url()}
    manage = [str(ROOT / ".venv" / "bin" / "python"), "manage.py"]
    started = time.perf_counter()
    for command in (
        ["migrate", "--noinput"],
        ["load_configuration", "stockholm", "--demo"],
        ["load_example_pictures", "stockholm"],
        ["load_example_plans", "stockholm"],
        ["load_example_consultations", "stockholm"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [sys.executable, __file__, "--generate-only"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    # As after any bulk load: fresh planner statistics, and the new pages written out, so that the
    # autovacuum daemon and the checkpointer do not do this work in the middle of the measurement.
    subprocess.run(["psql", database_url(), "-qc", "VACUUM (ANALYZE)"], check=True)
    subprocess.run(["psql", database_url(), "-qc", "CHECKPOINT"], check=False)  # needs a superuser
    print(f"prepared in {time.perf_counter() - started:.0f} s")


def generate() -> None:
    """Ten years of data through the ORM (bulk), then every indicator refreshed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from samverkan.datasources.models import (
        ImportBatch,
        Observation,
        ObservationCategory,
        PoliceEvent,
        ReportedCrimeCount,
    )
    from samverkan.indicators.compute import indicator_refresh
    from samverkan.indicators.models import Indicator, IndicatorSource
    from samverkan.organisations.models import Area, AreaKind, Municipality, Organisation

    rng = random.Random(7)
    stockholm = Municipality.objects.get(code="0180")
    districts = list(
        Area.objects.filter(municipality=stockholm, kind=AreaKind.DISTRICT, valid_to__isnull=True)
    )
    last = timezone.localdate().year - 1
    years = range(last - YEARS + 1, last + 1)

    def batch(kind: str) -> ImportBatch:
        return ImportBatch.objects.create(
            municipality=stockholm,
            kind=kind,
            filename=f"genererad-{kind}.csv",
            original=ContentFile(b"generated by bench/load.py\n", name=f"genererad-{kind}.csv"),
            sha256=secrets.token_hex(32),
            size=27,
            status=ImportBatch.Status.IMPORTED,
        )

    crimes = {
        i.source_filter["crime"]
        for i in Indicator.objects.filter(municipality=stockholm, source=IndicatorSource.BRA)
        if i.source_filter.get("crime")
    } or {"Samtliga brott"}
    bra, rows, line = batch("bra"), [], 0
    for crime in sorted(crimes):
        for area in districts:
            for year in years:
                for month in range(1, 13):
                    line += 1
                    rows.append(
                        ReportedCrimeCount(
                            municipality=stockholm,
                            region=area.name,
                            area=area,
                            crime=crime,
                            year=year,
                            period_kind="month",
                            period=month,
                            count=rng.randint(20, 400),
                            batch=bra,
                            line=line,
                        )
                    )
    ReportedCrimeCount.objects.bulk_create(rows, batch_size=5000)

    types = ["Stöld", "Misshandel", "Skadegörelse", "Rån", "Brand", "Trafikolycka", "Narkotikabrott"]
    police, events, event_id = batch("police_events"), [], 10_000_000
    for year in years:
        for _ in range(12_000):
            event_id += 1
            area = rng.choice(districts)
            moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(525_600))
            events.append(
                PoliceEvent(
                    municipality=stockholm,
                    event_id=event_id,
                    occurred_at=moment,
                    name=f"{moment:%d %B %H.%M}, {rng.choice(types)}, Stockholm",
                    summary=f"Händelse i {area.name}.",
                    url="https://polisen.se/aktuellt/handelser/",
                    event_type=rng.choice(types),
                    location_name="Stockholm",
                    longitude=18.0686,
                    latitude=59.3293,
                    precision="municipality",
                    named_area=area,
                    in_municipality=True,
                    batch=police,
                )
            )
    PoliceEvent.objects.bulk_create(events, batch_size=5000)

    categories = list(ObservationCategory.objects.filter(municipality=stockholm, active=True))
    organisation = Organisation.objects.filter(municipality=stockholm).first()
    observed, observations = batch("observations"), []
    for year in years:
        for n in range(3_000):
            area = rng.choice(districts)
            moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(525_600))
            observations.append(
                Observation(
                    municipality=stockholm,
                    observed_at=moment,
                    category=rng.choice(categories),
                    address=f"{area.name} {n}",
                    area=area,
                    organisation=organisation,
                    batch=observed,
                    fingerprint=secrets.token_hex(32),
                )
            )
    Observation.objects.bulk_create(observations, batch_size=5000)

    started = time.perf_counter()
    values = sum(indicator_refresh(i) for i in Indicator.objects.filter(municipality=stockholm))
    print(
        f"generated {len(rows)} BRÅ counts, {len(events)} police events, {len(observations)} observations "
        f"over {YEARS} years; {values} indicator values in {time.perf_counter() - started:.0f} s"
    )


def pages() -> dict[str, list[str]]:
    """Name → paths, read from the database the server uses."""
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    import django

    django.setup()
    from samverkan.agreements.models import Agreement
    from samverkan.organisations.models import Area, AreaKind
    from samverkan.plans.models import ActionPlan

    districts = Area.objects.filter(municipality__code="0180", kind=AreaKind.DISTRICT, valid_to__isnull=True)
    return {
        "start page": ["/start/"],
        "district page": [f"/areas/{a.pk}/" for a in districts],
        "district overview": ["/agreements/compliance/"],
        "agreements": ["/agreements/"] + [f"/agreements/{a.pk}/" for a in Agreement.objects.all()[:10]],
        "areas": ["/areas/"],
        "action plans": ["/plans/"] + [f"/plans/{p.pk}/" for p in ActionPlan.objects.all()[:10]],
        "situation pictures": ["/pictures/"],
        "calendar": ["/plans/calendar/"],
        "consultations": ["/consultations/"],
        "api: indicators": ["/api/v1/indicators"],
    }


def _csrf_token(page: str) -> str | None:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return found.group(1) if found else None


def server_timing(header: str) -> dict[str, float]:
    """'app;dur=12.3, cpu;dur=8.1, db;dur=2.0;desc="7", queue;dur=0.4' → durations in ms, and queries."""
    found: dict[str, float] = {}
    for part in header.split(","):
        name, *fields = [f.strip() for f in part.split(";")]
        values = dict(f.split("=", 1) for f in fields if "=" in f)
        if "dur" in values:
            found[name] = float(values["dur"])
        if name == "db" and values.get("desc", "").strip('"').isdigit():
            found["queries"] = float(values["desc"].strip('"'))
    return found


class Client:
    """One signed-in user over one keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = None
        self.timing: dict[str, float] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            # When the request left the client: the server tells how long it queued for a worker.
            "X-Request-Start": f"t={time.time():.6f}",
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            }
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                self.connection.close()
                self.connection = None
                if attempt:
                    return 0, ""
        self.timing = server_timing(response.getheader("Server-Timing") or "")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def sign_in(self, username: str) -> int:
        """Sign in as a browser does, on to the start page it is sent to; the
        status of the sign-in (302 when it succeeded, 503 when the sign-in
        lane was full and asked to come back)."""
        _, text = self.request("GET", "/accounts/login/")
        token = _csrf_token(text)
        if not token:
            return 0
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": "samverkan"},
        )
        if status == 302:
            self.request("GET", "/start/")
        return status

    def observe(self, text: str) -> int:
        _, page = self.request("GET", "/observations/new/")
        token = _csrf_token(page)
        category = re.search(r'name="category" value="(\d+)"', page)
        if not (token and category):
            return 0
        status, _ = self.request(
            "POST",
            "/observations/new/",
            {
                "csrfmiddlewaretoken": token,
                "category": category.group(1),
                "observed_at": dt.datetime.now().strftime("%Y-%m-%dT%H:%M"),
                "address": "Rinkeby torg",
                "description": text,
            },
        )
        return status


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each of these processes so far (from /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # utime and stime, and cutime and cstime: the children it has reaped (PostgreSQL's
        # backends that ended, gunicorn's recycled workers) count too.
        found[pid] = sum(int(value) for value in fields[11:15]) / ticks
    return found


def processes(server_pid: int) -> dict[str, list[int]]:
    """The web server (gunicorn's master and workers) and PostgreSQL's processes, by /proc."""
    found: dict[str, list[int]] = {"server": [server_pid], "database": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == server_pid:
            found["server"].append(int(entry.name))
        elif "postgres" in command or "postgres:" in stat:
            found["database"].append(int(entry.name))
    return found


def cpu_use(server_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each process of the load generator (this one), the web server
    and the database."""
    own = os.times()
    found = processes(server_pid)
    return {
        "load generator": {os.getpid(): own.user + own.system},
        "web server": cpu_seconds(found["server"]),
        "database": cpu_seconds(found["database"]),
    }


def cpu_used(start: dict[int, float], stop: dict[int, float]) -> float:
    """CPU seconds between two readings, process by process: one started in between (a
    restarted database) counts from zero, not against the processes it replaced."""
    return sum(max(0.0, seconds - start.get(pid, 0.0)) for pid, seconds in stop.items())


def run_load(
    port: int,
    users: int,
    seconds: float,
    restart_at: float | None,
    ramp_up: float = 20.0,
    server_pid: int = 0,
) -> dict:
    paths = pages()
    timings: dict[str, list[float]] = defaultdict(list)
    server: dict[str, list[dict[str, float]]] = defaultdict(list)  # each answer's Server-Timing
    ramp_server: list[dict[str, float]] = []
    cpu: dict[str, dict[str, dict[int, float]]] = {}
    errors: dict[str, int] = defaultdict(int)
    outage_errors = [0]
    outage = threading.Event()
    writes = {"told_saved": [], "told_failed": []}
    lock = threading.Lock()
    # The measured window is `seconds` long and starts once every user has signed in: the
    # sign-in ramp (password hashing for 50 people on a small machine) is reported on its own.
    ramp: list[float] = []
    sign_ins: list[float] = []  # from the sign-in form sent to the start page shown
    busy = [0]  # sign-ins the server asked to come back (its sign-in lane full)
    signed_in = [0]
    everyone_in = threading.Event()
    window: dict[str, float] = {"start": 0.0, "stop": time.monotonic() + ramp_up + 60 + seconds}
    usernames = ["samordnare", "polis", "beredning", "styrgrupp", "politiker", "admin"]

    def user(n: int) -> None:
        rng = random.Random(n)
        time.sleep(n * ramp_up / users)  # people arrive over the first seconds (--ramp), not at once
        client = Client(port)
        writer = n % 10 == 0
        username = ("samordnare", "polis")[n // 10 % 2] if writer else usernames[n % len(usernames)]
        while True:
            started = time.perf_counter()
            status = client.sign_in(username)
            with lock:
                sign_ins.append((time.perf_counter() - started) * 1000)
                busy[0] += status == 503
            if status == 302:
                break
            time.sleep(5 if status == 503 else 1)  # as the page asks: Retry-After
            if time.monotonic() > window["stop"]:
                return
        with lock:
            signed_in[0] += 1
            if signed_in[0] == users:
                window["start"] = time.monotonic()
                window["stop"] = window["start"] + seconds
                if server_pid:
                    cpu["start"] = cpu_use(server_pid)
                everyone_in.set()
        number = 0
        while time.monotonic() < window["stop"]:
            if writer and rng.random() < 0.3:
                number += 1
                text = f"{RUN} {n}-{number}"
                status = client.observe(text)
                with lock:
                    (writes["told_saved"] if status == 302 else writes["told_failed"]).append(text)
            else:
                name = rng.choice(list(paths))
                path = rng.choice(paths[name])
                started = time.perf_counter()
                status, _ = client.request("GET", path)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == 200:
                        (timings[name] if everyone_in.is_set() else ramp).append(elapsed)
                        (server[name] if everyone_in.is_set() else ramp_server).append(
                            client.timing | {"seen": elapsed}
                        )
                    elif outage.is_set():
                        outage_errors[0] += 1
                    else:
                        errors[name] += 1
            time.sleep(rng.uniform(*THINK_SECONDS))

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    recovery = None
    if restart_at is not None:
        time.sleep(restart_at)
        recovery = restart_postgres(port, outage)
    for thread in threads:
        thread.join()
    if server_pid and "start" in cpu:
        cpu["stop"] = cpu_use(server_pid)
    return {
        "server": server,
        "ramp server": ramp_server,
        "cpu": {name: cpu_used(cpu["start"][name], cpu["stop"][name]) for name in cpu.get("stop", {})},
        "window seconds": seconds,
        "timings": timings,
        "errors": errors,
        "outage_errors": outage_errors[0],
        "writes": writes,
        "recovery": recovery,
        "ramp": ramp,
        "sign-ins": sign_ins,
        "busy": busy[0],
        "ramp seconds": window["start"] - started if everyone_in.is_set() else None,
    }


def restart_postgres(port: int, outage: threading.Event) -> dict:
    """Restart the PostgreSQL cluster under load; how long until /health/ is 200 again."""
    cluster = sorted(os.listdir("/etc/postgresql"))[0]
    outage.set()
    started = time.monotonic()
    stopped = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "stop", "-m", "fast"],
        capture_output=True,
        check=False,
    )
    probe = Client(port)
    down_status, _ = probe.request("GET", "/health/")
    time.sleep(3)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"],
        check=True,
        capture_output=True,
    )
    while True:
        status, _ = probe.request("GET", "/health/")
        if status == 200:
            break
        time.sleep(0.2)
    outage.clear()
    return {
        "stopped": stopped.returncode == 0,
        "health while down": down_status,
        "seconds until healthy": round(time.monotonic() - started, 1),
    }


def check_writes(writes: dict) -> dict:
    os.environ["DATABASE_URL"] = database_url()
    from django.db import connection

    from samverkan.datasources.models import Observation

    connection.close()
    stored = set(
        Observation.objects.filter(description__startswith=RUN).values_list("description", flat=True)
    )
    saved, failed = set(writes["told_saved"]), set(writes["told_failed"])
    return {
        "told saved": len(saved),
        "told failed": len(failed),
        "saved but missing": len(saved - stored),
        "failed but stored": len(failed & stored),
        "stored twice": Observation.objects.filter(description__startswith=RUN).count() - len(stored),
    }


def print_attribution(result: dict) -> None:
    """Where the time of each page went, from the server's own Server-Timing: waiting for a
    worker (queue), in Django (app: its CPU and its database time), and the rest (network
    and the load generator itself); and how busy each process kept the machine's cores."""
    print(
        f"\n{'where the time goes (p50 / p95 ms)':<36}{'seen':>12}{'queue':>12}{'app':>12}{'cpu':>12}{'db':>12}{'queries':>9}"
    )

    def row(label: str, answers: list[dict[str, float]]) -> None:
        if not answers:
            return

        def pair(key: str) -> str:
            values = [a[key] for a in answers if key in a]
            return f"{percentile(values, 50):.0f} / {percentile(values, 95):.0f}" if values else "–"

        queries = [a["queries"] for a in answers if "queries" in a]
        print(
            f"{label:<36}{pair('seen'):>12}{pair('queue'):>12}{pair('app'):>12}{pair('cpu'):>12}{pair('db'):>12}"
            f"{(percentile(queries, 50) if queries else 0):>9.0f}"
        )

    row("sign-in ramp, all pages", result["ramp server"])
    for name in sorted(result["server"]):
        row(name, result["server"][name])
    row("measured window, all pages", [a for answers in result["server"].values() for a in answers])
    cores = os.cpu_count() or 1
    if result["cpu"]:
        seconds = result["window seconds"]
        used = ", ".join(f"{name} {value / seconds * 100:.0f} %" for name, value in result["cpu"].items())
        print(f"CPU in the measured window (of {cores * 100} % on {cores} cores): {used}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which the users sign in")
    # As deploy/gunicorn.conf.py sizes production: 2 × cores + 1 workers of 4 threads.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--restart-postgres-at", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--reuse", action="store_true", help="reuse the prepared database")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate()
        return 0

    prepare(args.reuse)
    environment = os.environ | {
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SAMVERKAN_VAR_DIR": str(ROOT / "var" / "load"),
        "LOG_LEVEL": "WARNING",
        "SIGN_IN_ATTEMPTS": "1000",
        "SAMVERKAN_SERVER_TIMING": "1",  # each answer says where its time went
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    python = ROOT / ".venv" / "bin" / "python"
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = 8765
    server = subprocess.Popen(
        [ROOT / ".venv" / "bin" / "gunicorn", "-c", "deploy/gunicorn.conf.py", "samverkan.wsgi"],
        cwd=ROOT,
        env=environment
        | {
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(args.workers),
            "WEB_THREADS": str(args.threads),
        },
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "var" / "load-gunicorn.log", "w"),  # noqa: SIM115 - open for the server's lifetime
    )
    try:
        for _ in range(100):
            if Client(port).request("GET", "/health/")[0] == 200:
                break
            time.sleep(0.2)
        print(
            f"{args.users} users for {args.seconds:.0f} s against gunicorn ({args.workers}×{args.threads}) …"
        )
        result = run_load(
            port, args.users, args.seconds, args.restart_postgres_at, ramp_up=args.ramp, server_pid=server.pid
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    ramp = result["ramp"]
    ramp_p95 = percentile(ramp, 95) if ramp else 0.0
    if result["ramp seconds"] is None:
        print("not every user could sign in: the measured window never started")
    elif ramp:
        print(
            f"sign-in ramp ({result['ramp seconds']:.0f} s until all {args.users} users were in; not in the "
            f"table): {len(ramp)} page requests, p50 {percentile(ramp, 50):.0f} ms, "
            f"p95 {ramp_p95:.0f} ms, max {max(ramp):.0f} ms"
        )
    if result["sign-ins"]:
        signing = result["sign-ins"]
        print(
            f"sign-ins (form sent → start page shown, in their own lane): {len(signing)}, "
            f"p50 {percentile(signing, 50):.0f} ms, p95 {percentile(signing, 95):.0f} ms, max {max(signing):.0f} ms; "
            f"asked to come back (lane full): {result['busy']}"
        )
    print(f"\n{'page':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    total_errors = sum(result["errors"].values())
    worst_p99 = 0.0
    for name in sorted(set(result["timings"]) | set(result["errors"])):
        values = result["timings"].get(name) or [0.0]
        worst_p99 = max(worst_p99, percentile(values, 99))
        print(
            f"{name:<22}{len(result['timings'].get(name, [])):>9}{percentile(values, 50):>9.0f}"
            f"{percentile(values, 95):>9.0f}{percentile(values, 99):>9.0f}{result['errors'].get(name, 0):>8}"
        )
    dashboard = [v for name in DASHBOARDS for v in result["timings"].get(name, [])]
    all_values = [v for values in result["timings"].values() for v in values]
    median = statistics.median(all_values) if all_values else float("nan")
    print(f"\nall pages: {len(all_values)} requests, median {median:.0f} ms")
    dashboard_p95 = percentile(dashboard, 95) if dashboard else float("inf")
    print_attribution(result)
    writes = check_writes(result["writes"])
    print(f"writes: {writes}")
    if result["recovery"]:
        print(
            f"PostgreSQL restart: {result['recovery']}; requests failed during it: {result['outage_errors']}"
        )
    targets = {
        f"dashboard p95 {dashboard_p95:.0f} ms ≤ {TARGET_P95_MS} ms": dashboard_p95 <= TARGET_P95_MS,
        f"worst page p99 {worst_p99:.0f} ms ≤ {TARGET_P99_MS} ms": worst_p99 <= TARGET_P99_MS,
        f"page p95 during the sign-in ramp {ramp_p95:.0f} ms ≤ {TARGET_RAMP_P95_MS} ms": ramp_p95
        <= TARGET_RAMP_P95_MS,
        f"errors {total_errors} = 0": total_errors == 0,
        f"writes lost {writes['saved but missing']}, doubled {writes['stored twice']}, "
        f"stored though failed {writes['failed but stored']} = 0": not (
            writes["saved but missing"] or writes["stored twice"] or writes["failed but stored"]
        ),
        "every user signed in": result["ramp seconds"] is not None,
    }
    print("\ntargets:")
    for target, met in targets.items():
        print(f"  {'met   ' if met else 'MISSED'} {target}")
    ok = all(targets.values())
    print("TARGETS MET" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
