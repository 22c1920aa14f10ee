# The two commands of the README. Both set everything up first.
.PHONY: demo test setup lint messages bench bench-annual

PY := .venv/bin/python

setup:
	@bin/bootstrap

demo: setup
	bin/demo

test: setup
	@bin/system-deps
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	.venv/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

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
