# Myna build. `make setup` is idempotent; `make test` and `make demo` depend on it.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
# The CPU build of torch lies on local disk on our machines; elsewhere pip uses PyPI.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)

.PHONY: setup test lint unit demo clean help bench-load bench-dialogue bench-nlu

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

DEMO := examples/restaurant
# The example's actions are rasa_sdk code; the demo runs a copy importing myna.sdk in-process.
DEMO_RUN := .cache/demo
DEMO_SOURCES := $(DEMO)/config.yml $(DEMO)/domain.yml $(shell find $(DEMO)/data -type f)
NEWEST_MODEL = $(shell ls -t $(DEMO)/models/*.tar.gz 2>/dev/null | head -1)

demo: setup  ## train the restaurant example if needed and serve it on port 5005
	@if [ -z "$(NEWEST_MODEL)" ] || [ -n "$$(find $(DEMO_SOURCES) -newer '$(NEWEST_MODEL)')" ]; then \
		cd $(DEMO) && ../../$(BIN)/myna train; fi
	rm -rf $(DEMO_RUN) && mkdir -p $(DEMO_RUN)
	cp -r $(DEMO)/actions $(DEMO_RUN)/actions
	sed -i 's/^from rasa_sdk/from myna.sdk/' $(DEMO_RUN)/actions/*.py
	touch $(DEMO_RUN)/endpoints.yml
	@echo 'Try: curl -s localhost:5005/webhooks/rest/webhook -d '"'"'{"sender": "me", "message": "hi"}'"'"
	cd $(DEMO_RUN) && exec ../../$(BIN)/myna run --enable-api -p 5005 \
		--model ../../$(DEMO)/models --endpoints endpoints.yml --actions actions

bench-load: setup  ## time loading the benchmark datasets and the example project
	$(BIN)/python bench/bench_load.py

DATASET ?= snips_goo2018
EPOCHS ?= 100
CONFIG ?=
bench-nlu: setup  ## train + score an NLU pipeline: DATASET=snips_goo2018|atis [EPOCHS=100] [CONFIG=file] [SEEDS=1,2,3]
	$(BIN)/python bench/bench_nlu.py $(DATASET) --epochs $(EPOCHS) $(if $(CONFIG),--config $(CONFIG)) $(if $(SEEDS),--seeds $(SEEDS))

bench-dialogue: setup  ## REST turn latency, throughput, RSS and time to ready of `myna run`
	$(BIN)/python bench/bench_dialogue.py

clean:  ## remove the venv and build outputs
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
