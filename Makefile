# Vigil's verbs. Everything runs from a fresh clone: the first call sets up .venv/ and a
# project-local PostgreSQL under var/postgres/ (see config/devdb.py).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEVDB := $(PYTHON) config/devdb.py
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
# Trust the machine's certificate store (a site proxy's root lives there), as pip does.
export UV_SYSTEM_CERTS := 1

.PHONY: help setup run db stop test lint format demo migrate browser clean bench check-deploy audit-deps backup restore crash-test

help:
	@echo "make run     set up, start PostgreSQL, load the demo data, serve http://127.0.0.1:8000"
	@echo "make test    set up and run lint, type checks and the test suite"
	@echo "make lint    ruff (lint + format check) and mypy"
	@echo "make format  apply ruff's fixes and formatting"
	@echo "make db      start only the project's PostgreSQL (idempotent); make stop stops it"
	@echo "make demo    load (or refresh) the demo data into the running database"
	@echo "make bench   load test on a generated dataset (SCALE=small, or SCALE=full)"
	@echo "make check-deploy  manage.py check --deploy with production settings"
	@echo "make audit-deps    known vulnerabilities in the locked dependencies (needs PyPI)"
	@echo "make backup  pg_dump with a manifest into var/backups/ (make restore BACKUP=… checks one)"

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(VENV)/bin/uv || { \
		$(PYTHON) -m venv $(VENV) && \
		$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
	@$(VENV)/bin/uv sync --frozen --quiet --python $(PY)
	@touch $@

setup: $(VENV)/.synced

db:
	@$(DEVDB) start

stop:
	@$(DEVDB) stop

migrate: setup db
	@$(PY) manage.py migrate --noinput

demo: migrate
	@$(PY) manage.py load_demo

# Verified backups (core/backups.py). Without DATABASE_URL they use the project's server.
# make restore BACKUP=var/backups/vigil-….dump [TARGET_DB=name] [FORCE=1]: restores into a
# scratch database (<database>_restore) unless told otherwise, then compares every table.
backup: setup
	@if [ -z "$${DATABASE_URL:-}" ]; then $(DEVDB) start >/dev/null; fi
	@$(PY) manage.py backup

restore: setup
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/vigil-….dump [TARGET_DB=name] [FORCE=1]"; exit 2; }
	@if [ -z "$${DATABASE_URL:-}" ]; then $(DEVDB) start >/dev/null; fi
	@$(PY) manage.py restore "$(BACKUP)" $(if $(TARGET_DB),--target "$(TARGET_DB)") $(if $(FORCE),--force)

# Kills a private PostgreSQL (never the project's) and import/outcome workers, 20 times each.
crash-test: setup
	@VIGIL_CRASH_TEST=1 $(VENV)/bin/pytest tests/test_crash.py -q -s $(PYTEST_ARGS)

# Stopping the web server (Ctrl-C) also stops PostgreSQL if this command started it.
run: setup
	@$(DEVDB) run -- bash -c '\
		$(PY) manage.py migrate --noinput && \
		$(PY) manage.py load_demo && \
		echo "Vigil is at http://127.0.0.1:8000 (Ctrl-C stops it)" && \
		exec env DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000'

# Debian's Chromium for the browser tests. Root installs it when missing; an ordinary
# user without it gets skipped browser tests that say how to install it.
browser:
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's chromium for the browser tests…"; \
			apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
		else \
			echo "chromium is missing: browser tests will skip (sudo apt-get install chromium)"; \
		fi; \
	fi

lint: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy .

format: setup
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

test: setup browser lint check-deploy
	@$(DEVDB) run -- bash -c '\
		$(PY) manage.py makemigrations --check --dry-run >/dev/null || \
			{ echo "Models and migrations differ: run manage.py makemigrations"; exit 1; }; \
		$(VENV)/bin/pytest $(PYTEST_ARGS)'

# `check --deploy` as production sees it (the production defaults, none of the caller's
# overrides): any warning fails. No database is opened, so the address is never reached.
check-deploy: setup
	@env -u SECURE_HSTS_SECONDS -u SECURE_SSL_REDIRECT -u SECURE_COOKIES -u SECURE_HSTS_PRELOAD \
		-u SECURE_HSTS_INCLUDE_SUBDOMAINS -u BEHIND_TLS_PROXY \
		DATABASE_URL=postgres://vigil@db.invalid:5432/vigil ALLOWED_HOSTS=vigil.example.org DEBUG=0 \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in every locked dependency (dev tools too), from PyPI's advisories.
# Says how many packages could not be looked up; AUDIT_STRICT=1 makes that a failure.
audit-deps: setup
	@mkdir -p var
	@$(VENV)/bin/uv export --frozen --quiet --format requirements-txt --no-emit-project \
		>var/requirements.txt
	@$(PY) config/audit_deps.py var/requirements.txt

# A generated dataset in its own database (vigil_bench_<scale>), gunicorn on 127.0.0.1:8103,
# locust at concurrency 1 and 4; results in var/bench/results.{json,md} (bench/run.py).
SCALE ?= small
bench: setup db
	@$(PY) bench/run.py --scale $(SCALE)

# var/postgres may link elsewhere (root, unreachable checkout): remove what it points to too.
clean: stop
	rm -rf "$$(readlink -f var/postgres)" $(VENV) var staticfiles
