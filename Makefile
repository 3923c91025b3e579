SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help venv test lint typecheck check clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## Create .venv with the package and its test tools

lint: $(STAMP) ## ruff
	$(VENV)/bin/ruff check src tests

typecheck: $(STAMP) ## mypy --strict on the package
	$(VENV)/bin/mypy

test: $(STAMP) lint typecheck ## Lint, type-check and run the whole test suite
	$(PY) -m pytest -q

.PHONY: bench
bench: $(STAMP) ## Time the runtime on every reference/fixture bundle (benchmarks/results/runtime.*)
	$(PY) -m benchmarks.runtime_bench

.PHONY: protobuf-fixtures
protobuf-fixtures: $(STAMP) ## Re-save tests/fixtures/mleap_protobuf bundles with MLeap's protobuf writer (JVM)
	$(PY) -m tests.fixtures.mleap_protobuf.make_fixtures

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
