# The two commands of the README. Both set everything up first.
.PHONY: demo test test-quick setup lint messages bench bench-annual bench-imports bench-load bench-faults audit

PY := .venv/bin/python

setup:
	@bin/bootstrap

demo: setup
	bin/demo

# Tests run in parallel, one worker (and one test database) per CPU; WORKERS=0 runs them in
# one process. Each worker takes a contiguous share (a module's tests stay together) and
# steals from the others when it runs out.
WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(WORKERS) --dist worksteal

test: setup
	@bin/system-deps
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	$(PYTEST) $(PYTEST_ARGS)

# The loop while working: everything but the browser tests, no set-up or static checks.
# `make test-quick PYTEST_ARGS=--lf` runs only what failed last time.
test-quick:
	$(PYTEST) -m "not browser" $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

messages: setup
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

# Speed and memory figures (not part of the tests); installs geopandas for the baseline.
bench:
	bin/bootstrap --group bench
	.venv/bin/python bench/assign_points.py

# The yearly compilation for every demo district: compile and render PDF, Word and Excel (target < 10 s).
bench-annual: setup
	.venv/bin/python bench/annual_report.py

# Peak memory of checking decompression bombs, a 200 MB CSV and the largest files taken (target < 1 GB).
bench-imports: setup
	.venv/bin/python bench/import_limits.py

# 50 users for 5 minutes on 10 years of data (PostgreSQL on 127.0.0.1), signing in over 20 s;
# e.g. `make bench-load USERS=200 WINDOW=120 RAMP=120` for a city's morning. Then the same with a
# PostgreSQL restart under load, and an import worker killed mid-file.
USERS ?= 50
WINDOW ?= 300
RAMP ?= 20
bench-load: setup
	.venv/bin/python bench/load.py --users $(USERS) --seconds $(WINDOW) --ramp $(RAMP)

bench-faults: setup
	.venv/bin/python bench/load.py --reuse --seconds 90 --restart-postgres-at 30
	.venv/bin/python bench/worker_kill.py

# Known vulnerabilities in the installed dependencies (needs PyPI's JSON API or OSV;
# neither is reachable from the project's CI machines, so CI does not run it).
audit: setup
	.venv/bin/pip-audit --strict --path $(wildcard .venv/lib/python3*/site-packages)
