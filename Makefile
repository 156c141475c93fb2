# Helpdesk: common tasks. `make` alone lists them.
# Prerequisites: make, and Python 3.12 or newer (the version in .python-version
# through pyenv if it is installed). Browser tests also need Debian's chromium,
# and the accessibility test needs npm (Node 18 or newer) for axe-core.

.DEFAULT_GOAL := help
SHELL := /bin/sh

# The Python that builds .venv; override with `make PY=/path/to/python3.13 install`.
PY ?= $(shell sh scripts/find-python 2>/dev/null)
VENV := .venv
VENV_PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-n 0 -k login"`.
PYTEST_ARGS ?= -n 2

.PHONY: help venv install node-tools run test lint format bench lock clean

help: ## List the targets
	@echo "Usage: make TARGET"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PY (Python for .venv), PYTEST_ARGS (default: -n 2), DATABASE_URL (tests: SQLite if unset)"

$(STAMP): requirements.txt requirements-dev.txt
	$(if $(PY),,$(error Helpdesk needs Python 3.12 or newer: install python3.12 (or python3.13) and run make again))
	$(PY) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(STAMP) ## Create .venv and install the pinned dependencies

# axe-core for the accessibility test, pinned in package-lock.json; read from
# node_modules/ by tests/e2e, never fetched while the tests run.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

node-tools:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "npm not found: the accessibility test (tests/e2e/test_accessibility.py) will be skipped"; fi

install: $(STAMP) node-tools ## Create .venv, install the pinned dependencies and axe-core (with npm)

run: $(STAMP) ## Migrate, load demo data, run the task worker, the reminders (every 15 min), the mailbox reader (every minute) and the development server on 127.0.0.1:8000
	DEBUG=true $(VENV_PY) manage.py migrate --noinput
	DEBUG=true $(VENV_PY) manage.py load_demo
	DEBUG=true $(VENV_PY) manage.py notifications_requeue
	@DEBUG=true; export DEBUG; \
	$(VENV_PY) manage.py db_worker --no-startup-delay --no-reload & worker=$$!; \
	PYTHON=$(VENV_PY) sh scripts/reminders & reminders=$$!; \
	PYTHON=$(VENV_PY) sh scripts/mail & mail=$$!; \
	trap 'kill $$worker $$reminders $$mail 2>/dev/null; wait $$worker $$reminders $$mail 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(VENV_PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) ## Run the test suite (PostgreSQL if DATABASE_URL is set, SQLite otherwise)
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## Check style and common mistakes with ruff, and types with mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy

format: $(STAMP) ## Reformat the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP) ## Run the benchmarks in bench/
	@test -f bench/run.sh || { echo "bench/run.sh does not exist yet"; exit 1; }
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash bench/run.sh

lock: ## Re-pin requirements*.txt to the newest versions allowed by pyproject.toml
	$(if $(PY),,$(error Helpdesk needs Python 3.12 or newer: install python3.12 (or python3.13) and run make again))
	sh scripts/lock "$(PY)"

clean: ## Remove .venv, collected static files, the SQLite database and uploads
	rm -rf $(VENV) node_modules staticfiles media db.sqlite3 db.sqlite3-wal db.sqlite3-shm db.sqlite3-journal
