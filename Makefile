# The two commands a newcomer runs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	# Compiled once here rather than by the first processes that start at the same time.
	$(BIN)/python -m compileall -q services shared mutualis
	touch $(STAMP)

# The portal's front-end files (htmx; axe-core for the browser tests), from the npm registry.
ASSETS := services/portal/node_modules/.installed

$(ASSETS): services/portal/package.json services/portal/package-lock.json
	cd services/portal && npm ci --no-audit --no-fund
	touch $(ASSETS)

# The browser the portal's tests drive (Playwright launches Debian's Chromium: its own
# download cannot work offline).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -q
	$(SUDO) apt-get install -y -q chromium chromium-driver

install: $(STAMP) $(ASSETS)

run: $(STAMP) $(ASSETS)
	$(BIN)/mutualis run

# Four workers on two cores: most of a test is waiting on a broker or a database. Each worker has
# its own broker and PostgreSQL cluster (tests/conftest.py); PYTEST_ARGS= runs them one by one.
# A module that starts the whole system keeps its tests on one worker (xdist_group).
PYTEST_ARGS ?= -n 4 --dist loadgroup

test: $(STAMP) $(ASSETS) $(CHROMIUM)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data services/portal/node_modules
