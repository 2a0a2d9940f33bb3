# yorisoi: the only set-up a user needs.  make run  /  make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
DEMO_PERSONS ?= 60

.PHONY: run test install lint bench bench-load otp e2e clean-db

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --persons $(DEMO_PERSONS) --seed 1 --if-empty
	$(PY) manage.py demo_info --address 127.0.0.1:$(PORT)
	@# The task worker (exports, nightly jobs) and the nightly scheduler run in the background beside the web
	@# server and are stopped when it stops (Ctrl+C or any exit).
	@$(PY) manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Tests: unit, integration and browser tests in one run (one test database per worker, migrated once: the
# migrations are the slowest part of starting a worker). pytest-django runs the browser tests last, after every
# test that rolls back, as Django orders them. Without Chromium the browser tests are skipped with a line saying
# how to install it. TEST_WORKERS processes share the work (pytest-xdist; 2 by default, TEST_WORKERS=0 for one
# process): test ids must be the same in every process, so never put random values in a parametrize list.
# JUNIT_DIR=dir writes dir/tests.xml (used by .ci/run to count the unit and the browser tests apart).
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -p no:cacheprovider
junit = $(if $(JUNIT_DIR),--junitxml=$(JUNIT_DIR)/$(1).xml)

test: install
	@echo "== 単体・結合テストとブラウザテスト（Chromium） / unit, integration and end-to-end tests"
	$(PYTEST) -n $(TEST_WORKERS) yorisoi tests e2e $(call junit,tests) $(PYTEST_ARGS)

e2e: install
	$(PYTEST) -n $(TEST_WORKERS) e2e $(call junit,e2e) $(PYTEST_ARGS)

# ruff, then the floor plan (import-linter contracts in pyproject.toml: apps import only downward)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

otp: install
	@$(PY) manage.py demo_otp $(USER)

# Demo-data generation rate on a scratch SQLite database (median of BENCH_RUNS runs), then the reference figures.
# BENCH_POSTGRES=postgres://user@host:5432/postgres measures on a scratch database of that server instead.
# Then person search on BENCH_SEARCH_PERSONS demo persons (2,000 by default; 300000 for the issue's target): recall at
# top 10 and p50/p95 latency of ≥1,000 variant queries, as JSON lines.
# Then an export of BENCH_EXPORT_ROWS rows run as a task by the database worker: one JSON line per size and format
# with seconds and peak memory (flat: the same at 100,000 and 1,000,000 rows).
# Then the outcomes dashboard and the full outcome report of the current fiscal year on BENCH_OUTCOMES_PERSONS demo
# persons (JSON lines of seconds; targets at 300,000 persons on PostgreSQL: dashboard < 1 s, report < 5 s).
# The load under many staff at once is `make bench-load` below (PostgreSQL, gunicorn, locust).
bench: install
	$(PY) manage.py bench_seed --persons $${BENCH_PERSONS:-20000} --runs $${BENCH_RUNS:-3} \
		$${BENCH_POSTGRES:+--postgres $$BENCH_POSTGRES}
	$(PY) manage.py bench_search --persons $${BENCH_SEARCH_PERSONS:-2000} --queries $${BENCH_SEARCH_QUERIES:-1000} \
		$${BENCH_POSTGRES:+--postgres $$BENCH_POSTGRES}
	$(PY) manage.py bench_export --rows $${BENCH_EXPORT_ROWS:-100000,1000000} --formats $${BENCH_EXPORT_FORMATS:-csv,xlsx}
	$(PY) manage.py bench_import --rows $${BENCH_IMPORT_ROWS:-10000,100000}
	$(PY) manage.py bench_outcomes --persons $${BENCH_OUTCOMES_PERSONS:-20000}

# The load benchmark (issue 16): a national data set (47 centers, 300,000 persons; QUICK=1: 3,000 persons, under
# 5 minutes) in the scratch PostgreSQL database yorisoi_bench (yorisoi_bench_quick), made once and reused; gunicorn
# with the production settings; locust drives staff logging in with two-factor and doing the day's mix with think
# time, then a closed loop finds the saturation. JSON lines per page (p50/p95/p99, errors, requests/s) and a chart
# in var/bench/. BENCH_POSTGRES=postgres://user@host:5432/postgres chooses the server; BENCH_LOAD_ARGS adds options
# (manage.py bench_load --help: --users, --think, --measure, --reset…).
bench-load: install
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) manage.py bench_load $(if $(QUICK),--quick) $${BENCH_POSTGRES:+--postgres $$BENCH_POSTGRES} $(BENCH_LOAD_ARGS)
