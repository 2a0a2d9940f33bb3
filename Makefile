# yorisoi: the only set-up a user needs.  make run  /  make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
DEMO_PERSONS ?= 60

.PHONY: run test install lint bench otp e2e clean-db

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
	$(PY) manage.py demo_info
	@# The task worker (exports, nightly jobs) and the nightly scheduler run in the background beside the web
	@# server and are stopped when it stops (Ctrl+C or any exit).
	@$(PY) manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Tests: unit and integration tests, then the browser tests in their own run (each worker drives its own
# live server and test database). Both always run; the exit status is the first failure's. Without Chromium
# the browser tests are skipped with a line saying how to install it. TEST_WORKERS processes share the work
# (pytest-xdist; 2 by default, TEST_WORKERS=0 for one process): test ids must be the same in every process,
# so never put random values in a parametrize list.
# JUNIT_DIR=dir writes dir/unit.xml and dir/e2e.xml (used by .ci/run to count the tests).
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -p no:cacheprovider
junit = $(if $(JUNIT_DIR),--junitxml=$(JUNIT_DIR)/$(1).xml)

test: install
	@status=0; \
	echo "== 単体・結合テスト / unit and integration tests"; \
	$(PYTEST) -n $(TEST_WORKERS) yorisoi tests $(call junit,unit) $(PYTEST_ARGS) || status=$$?; \
	echo "== ブラウザテスト / end-to-end tests (Chromium)"; \
	$(PYTEST) -n $(TEST_WORKERS) e2e $(call junit,e2e) $(PYTEST_ARGS) || { rc=$$?; [ $$status -ne 0 ] || status=$$rc; }; \
	exit $$status

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
# Then an export of BENCH_EXPORT_ROWS rows run as a task by the database worker: one JSON line per size and format
# with seconds and peak memory (flat: the same at 100,000 and 1,000,000 rows).
bench: install
	$(PY) manage.py bench_seed --persons $${BENCH_PERSONS:-20000} --runs $${BENCH_RUNS:-3} \
		$${BENCH_POSTGRES:+--postgres $$BENCH_POSTGRES}
	$(PY) manage.py bench_export --rows $${BENCH_EXPORT_ROWS:-100000,1000000} --formats $${BENCH_EXPORT_FORMATS:-csv,xlsx}
