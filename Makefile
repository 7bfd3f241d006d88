# visitorapp — everything a newcomer needs: `make run`, then `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# Two workers: the suite is mostly waiting on SQLite, PostgreSQL and Chromium; 2 cores here.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: install run db demo test test-sqlite test-pg test-clock test-far-future browser-deps lint bench run-https clean help

help:
	@echo "make run        venv, install, database, demo week, server on http://$(HOST):$(PORT)"
	@echo "make test       every test on SQLite, then again on PostgreSQL when reachable"
	@echo "make test-clock every test on SQLite at the moments that have broken the suite"
	@echo "make bench      benchmarks (prints figures beside a bare baseline)"
	@echo "make lint       ruff"
	@echo "make run-https  HTTPS on the LAN (self-signed) to try the gate camera from a phone"

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

# The gate's camera needs HTTPS: serve on every interface with a self-signed certificate for this
# machine's LAN address (kept in instance/), and print the URL to open on a phone.
HTTPS_PORT ?= 8443
LAN_IP = $(shell $(PYTHON) -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(('10.255.255.255', 1)); print(s.getsockname()[0])" 2>/dev/null || echo 127.0.0.1)
run-https: demo
	@ip=$(LAN_IP); cert=instance/dev-cert-$$ip.pem; key=instance/dev-key-$$ip.pem; \
	if [ ! -f $$cert ]; then \
	  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=visitorapp $$ip" \
	    -addext "subjectAltName=IP:$$ip,IP:127.0.0.1,DNS:localhost" \
	    -keyout $$key -out $$cert 2>/dev/null && chmod 600 $$key; \
	fi; \
	echo ""; echo "  在手机上打开 Open on a phone on the same Wi-Fi:  https://$$ip:$(HTTPS_PORT)/"; \
	echo "  (self-signed certificate: accept the warning once; Ctrl-C to stop)"; echo ""; \
	GUNICORN_BIND=0.0.0.0:$(HTTPS_PORT) GUNICORN_WORKERS=2 VISITORAPP_SESSION_COOKIE_SECURE=true \
	VISITORAPP_PREFERRED_URL_SCHEME=https VISITORAPP_PUBLIC_BASE_URL=https://$$ip:$(HTTPS_PORT) \
	  $(BIN)/gunicorn -c gunicorn.conf.py --certfile $$cert --keyfile $$key wsgi:app

# Debian's Chromium for the real-browser tests (never `playwright install`) and Debian's nginx
# for the reverse-proxy test. Needs root + apt; elsewhere those tests skip and say why.
browser-deps:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ]; } && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk nginx >/dev/null; \
	fi

test: install browser-deps
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-pg

test-sqlite: install
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The suite must pass on any date, at any hour in Asia/Shanghai. These are the moments that
# broke it (tests/conftest.py starts each worker's clock there with time-machine):
#   2026-12-31T23:55+08:00  a Shanghai 23:55 (UTC still on the afternoon of the 31st; the Shanghai
#                           date and year change five minutes later)
#   2027-05-13T10:00+08:00  the day after next May's experience day (12 May 2027): that week's
#                           booking has closed, the next one is not yet published
#   2028-12-02T10:00+08:00  two years ahead: every fixed date in the demo and the tests is past
CLOCK_MOMENTS ?= 2026-12-31T23:55+08:00 2027-05-13T10:00+08:00 2028-12-02T10:00+08:00
# The moment CI runs besides today (.ci/run): two years after the day it runs, 10:00 in Shanghai,
# where a date that goes stale shows first (the test header prints the moment to reproduce it).
FAR_FUTURE ?= $(shell date -u -d '+2 years' +%Y-%m-%dT10:00+08:00)
test-clock: install
	@set -e; for moment in $(CLOCK_MOMENTS); do \
	  echo "== the suite at $$moment (SQLite)"; \
	  VISITORAPP_TEST_NOW=$$moment $(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS); \
	done

test-far-future: install
	VISITORAPP_TEST_NOW=$(FAR_FUTURE) $(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The same suite on PostgreSQL (a throw-away database is created beside $(PG_TEST_URL)).
test-pg: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  VISITORAPP_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not sqlite_only" $(PYTEST_ARGS); \
	else echo "SKIPPED: PostgreSQL suite — no server answers at $(PG_TEST_URL)"; fi

lint: install
	$(BIN)/ruff check visitorapp tests bench

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
