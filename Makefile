# Two commands do all set-up: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL pass of the test suite; pytest-django creates and drops test_camwatch itself.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/camwatch
ARTIFACTS ?= test-artifacts
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
# Tests keep their secret key and scratch files here, not in the user's data directory.
TEST_ENV := CAMWATCH_DATA_DIR=$(CURDIR)/var/test

.PHONY: run test install assets lint typecheck test-sqlite test-postgres test-browser bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

assets: install
	npm run --silent build
	$(BIN)/python -m camwatch.sightings.boundaries --world-atlas node_modules/world-atlas/countries-10m.json --output src/camwatch/web/static/camwatch/build/uk-boundaries.geojson

run: install assets
	$(BIN)/camwatch manage migrate --noinput
	$(BIN)/camwatch load-data
	$(BIN)/camwatch serve --host $(HOST) --port $(PORT)

test: install assets lint typecheck test-sqlite test-postgres test-browser

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	# Security lint: fails on any high-severity finding (the medium ones are reviewed, and
	# marked where ruff's S rules flag them too)
	$(BIN)/bandit -q -r src --severity-level high

typecheck: install
	$(BIN)/mypy

test-sqlite: install
	$(TEST_ENV) DATABASE_URL= $(PYTEST) -m "not browser and not served and not postgres" -n 2

test-postgres: install
	@if $(BIN)/python scripts/db-reachable "$(TEST_DATABASE_URL)"; then \
		$(TEST_ENV) DATABASE_URL="$(TEST_DATABASE_URL)" $(PYTEST) -m "not browser and not served and not nodb" -n 2; \
	elif [ -n "$${CAMWATCH_REQUIRE_POSTGRES:-}" ]; then \
		echo "PostgreSQL at $(TEST_DATABASE_URL) is not reachable, and CAMWATCH_REQUIRE_POSTGRES is set" >&2; exit 1; \
	else \
		echo "PostgreSQL at $(TEST_DATABASE_URL) is not reachable: PostgreSQL pass skipped"; \
	fi

test-browser: install assets
	mkdir -p $(ARTIFACTS)
	$(TEST_ENV) DATABASE_URL= CAMWATCH_ARTIFACTS=$(ARTIFACTS) $(PYTEST) -m "browser or served"

# BENCH_ARGS: e.g. --no-scale, or --bodies 5000 --holdings 100000 for a quicker run.
BENCH_ARGS ?=
bench: install assets
	mkdir -p benchmarks/results
	$(TEST_ENV) $(BIN)/python -m benchmarks --output benchmarks/results/latest.json $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules src/camwatch/web/static/camwatch/build $(ARTIFACTS) var
