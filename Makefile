# confvault developer targets. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: help install test test-unit test-all check-platforms lint fmt demo bench bench-db bench-git soak clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

# The lab extra installs the simulator from lab/; the second step makes that copy editable.
$(STAMP): pyproject.toml lab/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,lab]'
	$(PY) -m pip install -q --no-deps -e ./lab
	touch $@

install: $(STAMP)  ## create .venv and install confvault with the lab and dev tools

test: $(STAMP)  ## the default suite (real SSH lab, real Git, SQLite and PostgreSQL); slow tests excluded
	$(PY) -m pytest -m "not slow" -q -p no:cacheprovider

# The marker filter, not a directory list: SQLite variants of the db tests and the lab's text
# generators (no devices served) belong here too.
test-unit: $(STAMP)  ## fast tier: no lab devices, no SSH, no PostgreSQL, no slow tests
	$(PY) -m pytest -m "not integration and not postgres and not slow" -q -p no:cacheprovider

test-all: $(STAMP)  ## every test, slow ones included
	$(PY) -m pytest -q -p no:cacheprovider

check-platforms: $(STAMP)  ## the platform checklist (every piece of every platform) and the recorded cases; no SSH, no database
	$(PY) -m pytest -q -p no:cacheprovider tests/unit/platforms

lint: $(STAMP)  ## ruff format check, ruff lint, mypy strict
	$(VENV)/bin/ruff format --check src lab/src tests bench
	$(VENV)/bin/ruff check src lab/src tests bench
	$(VENV)/bin/mypy

fmt: $(STAMP)  ## apply ruff format and autofixes
	$(VENV)/bin/ruff format src lab/src tests bench
	$(VENV)/bin/ruff check --fix src lab/src tests bench

demo: $(STAMP)  ## lab of ~30 devices on 8 platforms: back up, change 3, back up, status, git log
	PATH="$(abspath $(VENV))/bin:$$PATH" bash scripts/demo.sh

bench: $(STAMP)  ## collection benchmark: lab of N devices, confvault vs plain netmiko (bench/results/latest.json)
	$(PY) bench/collection.py $(BENCH_ARGS)

bench-db: $(STAMP)  ## status-query benchmark on PostgreSQL with 10,000 devices x 365 runs
	$(PY) bench/db_queries.py $(BENCH_ARGS)

bench-git: $(STAMP)  ## archive commit and history benchmark (3,000 devices x 365 runs)
	$(PY) bench/git_commit.py $(BENCH_ARGS)

soak:  ## issue 11 soak: ~100 lab devices, a random fault per cycle, invariants checked (bench/results/soak.json)
	$(PY) bench/soak.py $(SOAK_ARGS)

clean:  ## remove the venv, caches and demo output
	rm -rf $(VENV) demo .mypy_cache .ruff_cache .pytest_cache
