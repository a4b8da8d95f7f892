# Two commands on a fresh machine (Python 3.11):
#   make run    installs the runtime and starts the dashboard on data/tracker.duckdb
#   make test   installs everything the tests need (Chromium included) and runs them all
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test lint chromium bench

$(VENV)/.runtime: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
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

# The tests first (their result is what people look for), then the style and type checks.
test: $(VENV)/.dev chromium
	$(PY) -m pytest
	$(MAKE) --no-print-directory lint
