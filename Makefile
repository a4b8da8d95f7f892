# Two commands on a fresh machine (Python 3.11):
#   make run    installs the runtime and starts the dashboard on data/tracker.duckdb
#   make test   installs everything the tests need (Chromium and PostgreSQL included) and runs
#               them all
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test lint chromium postgres bench

$(VENV)/.runtime: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt requirements-scale.txt
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# The runtime alone, e.g. before setting up team mode's first admin.
install: $(VENV)/.runtime

# Local mode: `serve` passes --server.address 127.0.0.1 itself, whatever the config says.
run: $(VENV)/.runtime
	$(PY) -m experiments serve

# Browser tests drive Debian's Chromium; a browser downloaded by Playwright is not used.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy experiments views

# The DuckLake tests keep their catalog in a throw-away PostgreSQL cluster that the tests start
# themselves on 127.0.0.1 (tests/postgres.py); they need the server's programs, not a service.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq postgresql; }

# The tests first (their result is what people look for), then the style and type checks.
# Here PostgreSQL is required: a DuckLake case that cannot start its cluster fails, not skips.
test: $(VENV)/.dev chromium postgres
	TRACKER_REQUIRE_POSTGRES=1 $(PY) -m pytest
	$(MAKE) --no-print-directory lint
