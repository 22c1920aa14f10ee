"""The production setup: gunicorn with the production settings and its
config file, static files from the app, JSON logs; the compose file and the
image run commands that exist."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)


def _get(url: str, **headers):
    assert url.startswith("http://127.0.0.1:")
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)  # noqa: S310


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _production_env(tmp_path, **extra) -> dict:
    unset = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        BEHIND_TLS_PROXY="1",
        SAMVERKAN_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return environment


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    environment = _production_env(tmp_path)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "-c", "deploy/gunicorn.conf.py", "samverkan.wsgi"],
        cwd=ROOT,
        env=environment | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            _get(url + "/health/")
            break
        except OSError:
            time.sleep(0.1)
    yield url, log
    server.terminate()
    server.wait(timeout=20)


def test_gunicorn_serves_health_and_the_apps_own_static_files(production_server):
    url, log = production_server
    health = _get(url + "/health/")
    assert health.status == 200 and json.load(health) == {"status": "ok"}
    htmx = _get(url + "/static/vendor/htmx/htmx.min.js")
    assert htmx.status == 200 and b"htmx" in htmx.read()
    page = _get(url + "/accounts/login/", **{"X-Forwarded-Proto": "https"})
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert (
        "Secure" in page.headers["Set-Cookie"] and "HttpOnly" not in page.headers["Set-Cookie"]
    )  # csrftoken
    time.sleep(0.5)
    log.seek(0)
    lines = [json.loads(line) for line in log.read().splitlines() if line.strip()]
    assert any(e["logger"] == "gunicorn.access" and "/health/" in e["message"] for e in lines)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in lines)


def test_the_compose_file_runs_the_app_the_worker_and_postgis():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "web", "worker"} <= set(services)
    assert services["db"]["image"].startswith("postgis/postgis:")
    commands = get_commands()
    worker = services["worker"]["command"][2]
    # Interrupted imports and mail retries a lost worker had queued are picked up first.
    assert (
        "manage.py recover_imports && python manage.py send_waiting_mail && exec python manage.py db_worker"
        in worker
    )
    assert {"db_worker", "recover_imports", "send_waiting_mail"} <= set(commands)
    assert services["migrate"]["command"][2] == "migrate"
    environment = compose["x-app"]["environment"]
    assert environment["DEBUG"] == "0" and environment["DATABASE_URL"].startswith("postgres://")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"deploy/gunicorn.conf.py"' in dockerfile and (ROOT / "deploy" / "gunicorn.conf.py").exists()
    assert "uv sync --frozen --no-dev" in dockerfile
