# dativo-gen: `make demo` generates the spec's example session, `make test` lints and tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WORKSPACE ?= demo-workspace

.PHONY: demo test lint servers bench bench-schema update-all clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

demo: $(VENV)/.runtime
	rm -rf $(WORKSPACE)
	$(BIN)/copier copy --trust --defaults --vcs-ref HEAD --data-file examples/stripe_customers.yml "$(CURDIR)" $(WORKSPACE)
	@for f in $$(cd $(WORKSPACE) && find assets jobs -name '*.yaml' | sort); do echo; echo "--- $(WORKSPACE)/$$f"; cat "$(WORKSPACE)/$$f"; done

lint: $(VENV)/.dev
	$(BIN)/ruff check extensions hooks tests bench

# The PostgreSQL and MariaDB packages the database tests start private servers from.
servers:
	sh .ci/install-test-servers

test: lint servers
	$(BIN)/python -m pytest

bench: $(VENV)/.dev
	$(BIN)/python bench/bench_generate.py
	$(BIN)/python bench/bench_update.py

# Update every job of a git workspace, one commit per job: make update-all WORKSPACE=path [ARGS="--vcs-ref v0.2.0"]
update-all: $(VENV)/.runtime
	$(BIN)/python hooks/update_all.py "$(WORKSPACE)" $(ARGS)

bench-schema: $(VENV)/.dev servers
	$(BIN)/python bench/bench_schema.py

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache
