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

# Every figure of the speed targets, each from a packed clone of HEAD (commit first), in about 7 minutes.
# Fewer rounds: make bench COPY_ROUNDS=5 UPDATE_ROUNDS=3 SCALE_ROUNDS=3 UPDATE_ALL_ROUNDS=1
COPY_ROUNDS ?= 15
UPDATE_ROUNDS ?= 5
SCALE_ROUNDS ?= 5
UPDATE_ALL_ROUNDS ?= 3
bench: $(VENV)/.dev
	@uptime
	$(BIN)/python bench/bench_generate.py --rounds $(COPY_ROUNDS)
	$(BIN)/python bench/bench_update.py --rounds $(UPDATE_ROUNDS)
	$(BIN)/python bench/bench_registry_scale.py --rounds $(SCALE_ROUNDS)
	$(BIN)/python bench/bench_update_all.py --rounds $(UPDATE_ALL_ROUNDS)
	@uptime

# Update every job of a git workspace, one commit per job: make update-all WORKSPACE=path [ARGS="--vcs-ref v0.2.0"]
update-all: $(VENV)/.runtime
	$(BIN)/python hooks/update_all.py "$(WORKSPACE)" $(ARGS)

bench-schema: $(VENV)/.dev servers
	$(BIN)/python bench/bench_schema.py

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache
