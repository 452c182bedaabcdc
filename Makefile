# Platsdialog: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
export FLASK_APP := wsgi.py

.PHONY: help install run test check test-sqlite test-postgres lint fmt bench translations test-tools seed reset

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed ## Create the virtual environment and install everything

translations: install ## Compile the Swedish catalogue
	@$(BIN)/python scripts/i18n.py

run: install translations ## Upgrade the SQLite database, seed the demo when empty, serve on 127.0.0.1:$(PORT)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --if-empty
	@$(BIN)/flask demo logins
	@echo "Platsdialog is at http://127.0.0.1:$(PORT)/"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test-tools: ## Install Chromium, pdftotext and LibreOffice from Debian when missing
	@bash scripts/ensure_test_tools.sh

test: install translations test-tools ## Lint, then the whole suite on SQLite and on PostgreSQL
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python scripts/i18n.py --check
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

check: lint ## The fast loop: lint, types, translations, the tests without browsers or benchmarks (SQLite)
	$(BIN)/python scripts/i18n.py
	$(BIN)/python scripts/i18n.py --check
	TEST_DATABASE_URL=sqlite:// $(BIN)/pytest -q -m "not e2e and not slow" $(PYTEST_ARGS)

test-sqlite:
	@echo "== test suite on SQLite =="
	TEST_DATABASE_URL=sqlite:// $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@if [ "$(SKIP_POSTGRES)" = "1" ]; then echo "== PostgreSQL pass skipped (SKIP_POSTGRES=1) =="; exit 0; fi; \
	echo "== test suite on PostgreSQL ($(TEST_DATABASE_URL)) =="; \
	$(BIN)/python scripts/check_postgres.py "$(TEST_DATABASE_URL)" || exit 1; \
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff (check and format) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app tests bench scripts
	$(BIN)/mypy

fmt: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format app tests bench scripts

seed: install translations ## Seed the demo data (idempotent)
	$(BIN)/flask db upgrade && $(BIN)/flask demo seed

reset: install translations ## Drop and re-seed the demo data
	$(BIN)/flask db upgrade && $(BIN)/flask demo reset

bench: install translations ## Run the benchmarks in full; they print figures and ratios
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	@status=0; for b in analysis exports geojson stage_page throughput load latency faults; do \
	  if [ -f bench/$$b.py ]; then echo "== bench/$$b.py =="; $(BIN)/python bench/$$b.py || status=1; fi; \
	done; exit $$status
