import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from samverkan.env import ConfigurationError, envbool, envdatabase, envint, envlist


def test_envbool_is_strict(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="FLAG"):
        envbool("FLAG", False)


def test_envint_and_envlist_are_strict(monkeypatch):
    monkeypatch.setenv("N", "12x")
    with pytest.raises(ConfigurationError):
        envint("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ConfigurationError):
        envint("N", 1, minimum=0)
    monkeypatch.setenv("HOSTS", "a.se,,b.se")
    with pytest.raises(ConfigurationError):
        envlist("HOSTS", [])


def test_database_url_must_be_supported(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ConfigurationError, match="postgres"):
        envdatabase("DATABASE_URL", "")
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/samverkan")
    assert envdatabase("DATABASE_URL", "")["ENGINE"] == "django.db.backends.postgresql"


def settings_import(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import samverkan.settings"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_import(DEBUG="0", ALLOWED_HOSTS="samverkan.example.se")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_proper_settings():
    result = settings_import(DEBUG="0", ALLOWED_HOSTS="samverkan.example.se", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_single_sign_on_needs_its_endpoints():
    result = settings_import(OIDC_RP_CLIENT_ID="samverkan", OIDC_RP_CLIENT_SECRET="s")
    assert result.returncode != 0
    assert "set OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT" in result.stderr
    assert "OIDC_OP_JWKS_ENDPOINT" in result.stderr  # RS256 by default: the keys come from the JWKS

    result = settings_import(OIDC_ROLE_MAP="sv-admin")
    assert "OIDC_ROLE_MAP: write each entry as idp-value=role" in result.stderr

    endpoints = {
        f"OIDC_OP_{name}_ENDPOINT": f"https://idp.example.se/{name.lower()}"
        for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS")
    }
    result = settings_import(OIDC_RP_CLIENT_ID="samverkan", OIDC_RP_CLIENT_SECRET="s", **endpoints)
    assert result.returncode == 0, result.stderr


def test_the_deployment_check_is_clean_under_production_settings():
    # As production runs: no test-only switches (the live-server tests set one).
    unset = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(DEBUG="0", ALLOWED_HOSTS="samverkan.example.se", SECRET_KEY=secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_logs_are_json_lines_with_the_request():
    import json
    import logging

    from django.test import RequestFactory

    from samverkan.core.logs import JsonFormatter

    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Not Found: %s", ("/x/",), None)
    record.request = RequestFactory().get("/x/?q=1")
    record.status_code = 404
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Not Found: /x/"
    assert (entry["level"], entry["logger"], entry["method"], entry["path"]) == (
        "ERROR",
        "django.request",
        "GET",
        "/x/",
    )
    assert entry["status_code"] == 404 and entry["time"].endswith("+00:00")
    result = settings_import(DEBUG="0", ALLOWED_HOSTS="a.se", SECRET_KEY="x" * 50, LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr


def test_the_content_security_policy_allows_exactly_the_tile_host():
    from samverkan.env import tile_sources

    assert tile_sources("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://tile.openstreetmap.org"
    ]
    assert tile_sources("https://{s}.tile.example.org/{z}/{x}/{y}.png") == ["https://*.tile.example.org"]
    assert tile_sources("") == [] and tile_sources("javascript:alert(1)") == []


def test_pages_send_the_tile_host_in_img_src(client):
    from django.conf import settings

    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert settings.SECURE_CSP["img-src"][-1] in img.split()
    assert "script-src 'self'" in policy and "*" not in policy.split("img-src")[0]
