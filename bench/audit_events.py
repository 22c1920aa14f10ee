"""Audit events written by one import of a BRÅ file, the indicator refresh after it
included: the Stockholm configuration in a fresh SQLite database, the shipped
databasfil imported as `manage.py import_file bra … --apply` and the worker's
queue run. Prints the events by model and action.

    .venv/bin/python bench/audit_events.py
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "samverkan/configurations/stockholm/data/bra/Databasfil2022.txt"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/audit.sqlite3", "DJANGO_DEBUG": "false"}

        def manage(*args: str) -> None:
            subprocess.run(
                [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )

        manage("migrate", "--noinput")
        manage("load_configuration", "stockholm")
        script = (
            "import django, json, sys; django.setup();"
            "from samverkan.audit.models import AuditEvent;"
            "print(AuditEvent.objects.order_by('-pk').values_list('pk', flat=True).first() or 0)"
        )
        before = int(
            subprocess.run(
                [sys.executable, "-c", script],
                cwd=ROOT,
                env={**env, "DJANGO_SETTINGS_MODULE": "samverkan.settings"},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        manage("import_file", "bra", str(FILE), "--apply")
        manage("db_worker", "--batch", "--no-startup-delay")
        count = (
            "import django; django.setup();"
            "from django.db.models import Count;"
            "from samverkan.audit.models import AuditEvent;"
            f"rows = AuditEvent.objects.filter(pk__gt={before}).values('model', 'action').annotate(n=Count('pk')).order_by('-n');"
            "[print(f\"{r['n']:>7}  {r['model']} {r['action']}\") for r in rows];"
            f'print(f"{{AuditEvent.objects.filter(pk__gt={before}).count():>7}}  in all")'
        )
        subprocess.run(
            [sys.executable, "-c", count],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "samverkan.settings"},
            check=True,
        )


if __name__ == "__main__":
    main()
