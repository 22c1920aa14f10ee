"""The demo starts whatever the worker is doing: the system check the server runs
at start does not read a database locked by another writer as a missing feature."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_system_check_passes_while_another_connection_holds_the_write_lock(tmp_path):
    database = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")  # as every connection of the app sets it
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")  # what the worker holds while it writes an import
    holder.execute("INSERT INTO t VALUES (1)")
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--database", "default"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "E180" not in result.stderr + result.stdout
