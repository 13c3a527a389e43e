# The commands people type. `make run` and `make test` work on a fresh machine
# with Python 3.11: they create .venv and install into it.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes: one per core (pytest-xdist); TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto
# Links in e-mails, PDFs and QR codes point at the port served (unless SITE_URL is set).
RUN_SITE_URL = $(or $(SITE_URL),http://127.0.0.1:$(PORT))
APPS := accounts courses workshops mentoring certificates reports notifications

.PHONY: install run test lint format check messages bench worker clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## Serve the platform with demo content on the embedded default (SQLite, in-memory layer).
run: install
	$(PY) manage.py migrate --noinput
	SITE_URL=$(RUN_SITE_URL) $(PY) manage.py seed_demo
	SITE_URL=$(RUN_SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## Run the whole suite (browser tests skip with a message where Chromium is missing).
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## Extract and compile translations (needs GNU gettext; the .mo files are committed).
messages: install
	$(PY) manage.py makemessages -l km --no-obsolete $(foreach app,$(APPS),--ignore=$(app)/*) --ignore=bench/* --ignore=tests/* --ignore=var/*
	for app in $(APPS); do (cd $$app && ../$(PY) ../manage.py makemessages -l km --no-obsolete); done
	$(PY) manage.py compilemessages --ignore=.venv

## Benchmarks; each prints a RESULT line.
bench: install
	for script in bench/*.py; do $(PY) $$script || exit 1; done

## Background task worker for production (database task backend).
worker: install
	$(PY) manage.py worker

clean:
	rm -rf $(VENV) var db.sqlite3
