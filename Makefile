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
	$(VENV)/bin/ruff check src tests training

typecheck: $(STAMP) ## mypy --strict on the package
	$(VENV)/bin/mypy

test: $(STAMP) lint typecheck ## Lint, type-check and run the whole test suite
	$(PY) -m pytest -q

SPARK_STAMP := $(VENV)/.spark-installed
JARS_STAMP := jvm/jars/.fetched

$(SPARK_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[spark]'
	touch $(SPARK_STAMP)

$(JARS_STAMP): jvm/pom.xml jvm/runtime/pom.xml
	rm -rf jvm/jars
	mvn -q -B -f jvm/pom.xml dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/jvm/jars
	mvn -q -B -f jvm/runtime/pom.xml dependency:copy-dependencies \
		-DoutputDirectory=$(CURDIR)/jvm/jars/runtime
	touch $(JARS_STAMP)

.PHONY: jars spark fixtures
jars: $(JARS_STAMP) ## Fetch MLeap's jars with Maven (jvm/pom.xml) into jvm/jars

spark: $(SPARK_STAMP) $(JARS_STAMP) ## Install PySpark and MLeap's jars (export, parity tests)

fixtures: spark ## Regenerate tests/fixtures (golden bundles + Spark outputs) with Spark and MLeap
	$(PY) -m tests.parity.make_fixtures

# NOTE: the parity suite needs Spark and MLeap, so the whole test run installs them first.
test: spark

.PHONY: bench
bench: $(STAMP) ## Time the runtime on every reference/fixture bundle (benchmarks/results/runtime.*)
	$(PY) -m benchmarks.runtime_bench

.PHONY: protobuf-fixtures
protobuf-fixtures: $(STAMP) ## Re-save tests/fixtures/mleap_protobuf bundles with MLeap's protobuf writer (JVM)
	$(PY) -m tests.fixtures.mleap_protobuf.make_fixtures

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# `make data` / `make train`: the default model from synthetic Snowplow events (training/README)
SESSIONS ?= 100000
TRAINING_STAMP := $(VENV)/.training-installed

$(TRAINING_STAMP): $(SPARK_STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[training]'
	touch $(TRAINING_STAMP)

.PHONY: data train
data: $(STAMP) ## Generate seeded Snowplow enriched events of a web shop into data/events (git-ignored)
	$(PY) training/generate.py --sessions $(SESSIONS) --out data/events

train: $(TRAINING_STAMP) $(JARS_STAMP) ## Train on data/events with Spark; bundle + report into bundles/
	$(PY) training/train.py --input data/events --out bundles/snowleap-default.zip --report bundles/report
