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
	$(VENV)/bin/ruff check src tests benchmarks

typecheck: $(STAMP) ## mypy --strict on the package
	$(VENV)/bin/mypy

test: $(STAMP) lint typecheck ## Lint, type-check and run the whole test suite
	$(PY) -m pytest -q

SPARK_STAMP := $(VENV)/.spark-installed
JARS_STAMP := jvm/jars/.fetched

$(SPARK_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[spark]'
	touch $(SPARK_STAMP)

$(JARS_STAMP): jvm/pom.xml
	rm -rf jvm/jars
	mvn -q -B -f jvm/pom.xml dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/jvm/jars
	touch $(JARS_STAMP)

.PHONY: jars spark
jars: $(JARS_STAMP) ## Fetch MLeap's jars with Maven (jvm/pom.xml) into jvm/jars

spark: $(SPARK_STAMP) $(JARS_STAMP) ## Install PySpark and MLeap's jars (export, parity tests)

# NOTE: the parity suite needs Spark and MLeap, so the whole test run installs them first.
test: spark

BENCH_STAMP := $(VENV)/.bench-installed
BENCH_ARGS ?=

$(BENCH_STAMP): $(SPARK_STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

.PHONY: bench bench-runtime
bench-runtime: $(STAMP) ## Time the runtime alone on every reference/fixture bundle (benchmarks/results/runtime.*)
	$(PY) -m benchmarks.runtime_bench

bench: $(BENCH_STAMP) $(JARS_STAMP) bench-runtime ## snowleap vs PySpark, ONNX Runtime, MLeap JVM: benchmarks/results/results.{json,md,png} + README table
	$(PY) -m benchmarks.run $(BENCH_ARGS)

.PHONY: protobuf-fixtures
protobuf-fixtures: $(STAMP) ## Re-save tests/fixtures/mleap_protobuf bundles with MLeap's protobuf writer (JVM)
	$(PY) -m tests.fixtures.mleap_protobuf.make_fixtures

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
