# visitorapp — everything a newcomer needs: `make run`, then `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install run db demo test test-sqlite test-pg browser-deps lint bench run-https clean help

help:
	@echo "make run        venv, install, database, demo week, server on http://$(HOST):$(PORT)"
	@echo "make test       every test on SQLite, then again on PostgreSQL when reachable"
	@echo "make bench      benchmarks (prints figures beside a bare baseline)"
	@echo "make lint       ruff"

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT) --with-threads

# Debian's Chromium for the real-browser tests (never `playwright install`). Needs root + apt;
# elsewhere the browser tests skip and say why.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

test: install browser-deps
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-pg

test-sqlite: install
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The same suite on PostgreSQL (a throw-away database is created beside $(PG_TEST_URL)).
test-pg: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  VISITORAPP_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -m "not sqlite_only" $(PYTEST_ARGS); \
	else echo "SKIPPED: PostgreSQL suite — no server answers at $(PG_TEST_URL)"; fi

lint: install
	$(BIN)/ruff check visitorapp tests bench

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
