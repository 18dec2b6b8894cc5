# Myna build. `make setup` is idempotent; `make test` and `make demo` depend on it.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
# The CPU build of torch lies on local disk on our machines; elsewhere pip uses PyPI.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)

.PHONY: setup test lint unit demo clean help bench-load

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

setup: $(STAMP)  ## create .venv and install Myna with pinned dependencies

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(FIND_LINKS) -c constraints.txt -e '.[train,zh,dev]'
	touch $(STAMP)

lint: setup  ## ruff and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

unit: setup  ## pytest only
	$(BIN)/pytest

test: lint unit  ## everything CI runs

demo: setup  ## train the restaurant example if needed and chat with it
	$(BIN)/myna run --help >/dev/null
	@echo "make demo needs the dialogue engine (issue 4): not available yet." >&2; exit 1

bench-load: setup  ## time loading the benchmark datasets and the example project
	$(BIN)/python bench/bench_load.py

clean:  ## remove the venv and build outputs
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
