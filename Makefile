SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# NOTE: a venv's third-party packages install from .ci/requirements.py's list, side by side with the
# other environments; the package itself installs once per venv, editable, under a lock (an
# editable install builds in the source tree: egg-info and the compiled tree walker).
pip_requirements = $(1) -m pip install --quiet -r <($(PYTHON) .ci/requirements.py $(2))
editable_install = mkdir -p build && flock build/.editable-install.lock \
	$(1) -m pip install --quiet --no-deps -e .
# NOTE: zig (the ziglang package) cross-compiles the tree walker for arm64 without Docker.
ZIG_STAMP := $(VENV)/.zig-installed
# NOTE: aws-sam-cli pins many packages of its own; it gets its own venv so it cannot clash
# with the project's.
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
LAYER_DIR := layers/build
# NOTE: the tree walker's C sources: the module file and its parts (setup.py builds them all)
WALKER_SOURCES := src/snowleap/_treewalk.c $(wildcard src/snowleap/treewalk/*.c src/snowleap/treewalk/*.h)
LAYER_ZIP_X86 := $(LAYER_DIR)/layer-x86_64.zip
LAYER_ZIP_ARM := $(LAYER_DIR)/layer-arm64.zip
NUMPY_ZIP_X86 := $(LAYER_DIR)/numpy-layer-x86_64.zip
TRACING_ZIP_X86 := $(LAYER_DIR)/tracing-layer-x86_64.zip
LAYER_INPUTS := layers/build_layer.py layers/lazy_init.py layers/tree_walker.py $(WALKER_SOURCES) \
	layers/requirements.txt
EVENT ?= events/score.json
PORT ?= 3000

.PHONY: help venv test lint typecheck check clean template-lint layer invoke serve demo

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(call pip_requirements,$(PY),dev lambda test-lambda)
	$(call editable_install,$(PY))
	touch $(STAMP) $(WALKER_STAMP)

# NOTE: the editable install compiles the tree walker once; a changed C source needs a rebuild
# (a stale extension fails every tree model with an argument-count TypeError).
WALKER_STAMP := $(VENV)/.walker-built
$(WALKER_STAMP): $(STAMP) $(WALKER_SOURCES) setup.py
	$(call editable_install,$(PY))
	touch $@

venv: $(STAMP) $(WALKER_STAMP) ## Create .venv with the package and its test tools

lint: $(STAMP) ## ruff (lint and formatting)
	$(VENV)/bin/ruff check src tests handler layers training benchmarks
	$(VENV)/bin/ruff format --check src tests handler layers training benchmarks

typecheck: $(STAMP) ## mypy --strict on the package
	$(VENV)/bin/mypy

# NOTE: `make test` first builds every environment the suites need (test-envs), then runs the
# checks and the suites side by side, each suite with a pytest basetemp of
# its own (pytest prunes other runs' numbered folders in the shared one). One after the other they
# took longer than CI's 30 minutes on two cores that were half idle (JVM start-ups, Spark's waits).
# Each later section adds its suite to TEST_SUITES and its environment to test's prerequisites.
TEST_SUITES := test-parity test-unit
PYTEST_RUN = -m pytest -q -p no:cacheprovider --durations=8 --basetemp=build/pytest-$@

CHECKS := lint typecheck template-lint

test: test-envs ## Build every environment, then lint, type-check and run every test suite side by side
	mkdir -p build
	$(MAKE) --no-print-directory -j$(words $(CHECKS) $(TEST_SUITES)) --output-sync=target \
		$(CHECKS) $(TEST_SUITES)

# NOTE: the environments build side by side too, except those that pip-install into .venv: two pips
# must not write one venv at once, so that chain runs one step after the other (-j1) while the
# separate venvs, Maven's jars and the Go emulator build beside it. Serially they took ~11 minutes
# from a clean clone (pip's cache warm), the .venv chain alone ~6.
VENV_CHAIN = $(STAMP) $(WALKER_STAMP) $(SPARK_STAMP) $(TRAINING_STAMP) $(MLFLOW_STAMP) $(ZIG_STAMP)
SEPARATE_ENVS = $(SAM_VENV)/.installed $(SPARK4_STAMP) $(VENV313)/.installed $(JARS_STAMP) \
	$(RIE) $(RUNTIME_STAMP)
LAYER_ZIPS_FOR_TESTS = $(LAYER_ZIP_X86) $(NUMPY_ZIP_X86) $(TRACING_ZIP_X86)

.PHONY: test-envs venv-chain
venv-chain:
	$(MAKE) --no-print-directory -j1 $(VENV_CHAIN)
	$(MAKE) --no-print-directory -j3 $(LAYER_ZIPS_FOR_TESTS)

test-envs: ## Build every environment the test suites need (side by side where that is safe)
	$(MAKE) --no-print-directory -j$(words venv-chain $(SEPARATE_ENVS)) --output-sync=target \
		venv-chain $(SEPARATE_ENVS)

.PHONY: test-unit test-parity
test-unit: $(STAMP) $(WALKER_STAMP) ## Every test outside the parity and cluster suites (.venv, Python 3.11)
	mkdir -p build
	$(PY) $(PYTEST_RUN) --ignore=tests/parity --ignore=tests/cluster

test-parity: $(STAMP) $(WALKER_STAMP) $(SPARK_STAMP) $(JARS_STAMP) ## The parity suite on Spark 3.5: Spark, snowleap and MLeap's JVM runtime
	mkdir -p build
	$(PY) $(PYTEST_RUN) tests/parity

SPARK_STAMP := $(VENV)/.spark-installed
JARS_STAMP := jvm/jars/.fetched

$(SPARK_STAMP): $(STAMP) pyproject.toml
	$(call pip_requirements,$(PY),spark)
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

# --- Spark 4: snowleap's own writer on the newest pyspark, Spark Connect included ----------
# NOTE: its own venv: pyspark 4 and the pinned pyspark 3.5 (MLeap's line) cannot share one.
VENV_SPARK4 := .venv-spark4
SPARK4_STAMP := $(VENV_SPARK4)/.installed
SPARK4_TESTS := tests/parity tests/test_export_spark.py

$(SPARK4_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV_SPARK4)
	$(VENV_SPARK4)/bin/python -m pip install --quiet --upgrade pip
	$(call pip_requirements,$(VENV_SPARK4)/bin/python,dev spark4)
	$(call editable_install,$(VENV_SPARK4)/bin/python)
	touch $@

.PHONY: spark4 test-spark4
spark4: $(SPARK4_STAMP) ## Create .venv-spark4 (pyspark 4.3, Spark Connect) for the Spark 4 parity run

test-spark4: $(SPARK4_STAMP) $(JARS_STAMP) ## The parity suite and a Spark Connect export on Spark 4 (snowleap's writer)
	mkdir -p build
	$(VENV_SPARK4)/bin/python $(PYTEST_RUN) $(SPARK4_TESTS)

TEST_SUITES += test-spark4
test: $(SPARK4_STAMP) $(JARS_STAMP)
MLFLOW_STAMP := $(VENV)/.mlflow-installed

$(MLFLOW_STAMP): $(STAMP) pyproject.toml
	$(call pip_requirements,$(PY),mlflow)
	touch $(MLFLOW_STAMP)

.PHONY: mlflow
mlflow: $(MLFLOW_STAMP) ## Install the MLflow flavor's extra (mlflow, pandas) into .venv

# NOTE: the MLflow round trip (tests/test_mlflow.py) is part of the whole test run, and the type
# check reads mlflow's own types.
test: mlflow
typecheck: $(MLFLOW_STAMP)

BENCH_STAMP := $(VENV)/.bench-installed
BENCH_ARGS ?=

$(BENCH_STAMP): $(SPARK_STAMP) pyproject.toml
	$(call pip_requirements,$(PY),bench lambda)
	touch $(BENCH_STAMP)

.PHONY: bench bench-runtime
BENCH_TREES_STAMP := $(VENV)/.bench-trees-installed

$(BENCH_TREES_STAMP): $(STAMP) pyproject.toml
	$(call pip_requirements,$(PY),bench-trees)
	touch $@

bench-runtime: $(STAMP) $(BENCH_STAMP) $(BENCH_TREES_STAMP) $(SPARK_STAMP) ## Time the runtime alone on every reference/fixture bundle (runtime.*), KMeans/GMM/MLP/ALS beside MLeap's JVM (model_ops.*), tree ensembles beside MLeap's JVM and ONNX Runtime with the 1M-node forest (trees.*), a text classifier beside MLeap's JVM and ONNX Runtime (text_pipeline.*)
	$(PY) -m benchmarks.runtime_bench
	$(PY) -m benchmarks.model_ops
	$(PY) -m benchmarks.tree_runtime
	$(PY) -m benchmarks.text_pipeline

.PHONY: bench-trees
bench-trees: $(STAMP) $(WALKER_STAMP) $(BENCH_STAMP) $(BENCH_TREES_STAMP) ## Only bench-runtime's tree ensembles (trees.*): rows beside MLeap's JVM, batches beside ONNX Runtime, the 1M-node forest (TREES_ARGS=--skip-large: without it)
	$(PY) -m benchmarks.tree_runtime $(TREES_ARGS)

.PHONY: bench-numpy-rule
bench-numpy-rule: $(STAMP) ## Import + load + first row in fresh processes, with and without numpy (benchmarks/results/numpy_rule.*)
	$(PY) -m benchmarks.numpy_rule

.PHONY: bench-spark-score
bench-spark-score: $(SPARK_STAMP) ## snowleap.spark.score vs PipelineModel.transform, 1M rows, local[2] (benchmarks/results/spark_score.*)
	$(PY) -m benchmarks.spark_score

.PHONY: bench-shadow
bench-shadow: $(STAMP) ## A challenger's cost per POST /score: champion only vs split vs shadow (benchmarks/results/shadow.*)
	$(PY) -m benchmarks.shadow

.PHONY: bench-snowplow-parse
bench-snowplow-parse: $(STAMP) ## One 30-event session in-process (POST /score and its parse + features) vs the baseline commit, same run (benchmarks/results/snowplow_parse.*)
	$(PY) -m benchmarks.snowplow_parse

.PHONY: bench-lambda
bench-lambda: $(BENCH_STAMP) rie $(LAYER_ZIP_ARM) $(LAYER_DIR)/numpy-layer-arm64.zip $(LAYER_DIR)/tracing-layer-arm64.zip ## Cold start + warm request under RIE (this checkout, baseline 767caee, ONNX Runtime, trivial floor) and the default deploy's size (benchmarks/results/lambda.*)
	$(PY) -m benchmarks.lambda_bench

bench: $(BENCH_STAMP) $(JARS_STAMP) rie bench-lambda bench-runtime bench-shadow bench-spark-score bench-snowplow-parse ## snowleap vs PySpark, ONNX Runtime, MLeap JVM: benchmarks/results/results.{json,md,png} + README table
	$(PY) -m benchmarks.run $(BENCH_ARGS)

.PHONY: protobuf-fixtures
protobuf-fixtures: $(STAMP) ## Re-save tests/fixtures/mleap_protobuf bundles with MLeap's protobuf writer (JVM)
	$(PY) -m tests.fixtures.mleap_protobuf.make_fixtures

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) $(SAM_VENV) $(VENV313) $(VENV_SPARK4) .mypy_cache .ruff_cache .pytest_cache layers/build build $(TOOLS)

# --- Lambda: template checks, layer, local runs -------------------------------------------
$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli>=1.120'
	touch $@

template-lint: $(STAMP) $(SAM_VENV)/.installed ## cfn-lint and sam validate --lint on template.yaml (offline)
	$(VENV)/bin/cfn-lint template.yaml
	# NOTE: sam validate needs a region, not credentials or network.
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} SAM_CLI_TELEMETRY=0 $(SAM) validate --lint -t template.yaml

$(ZIG_STAMP): $(STAMP) pyproject.toml
	$(call pip_requirements,$(PY),layer)
	touch $@

# NOTE: layer-<arch>.zip is the dependencies layer (every function: Powertools and snowleap's tree
# walker); numpy-layer-<arch>.zip and tracing-layer-<arch>.zip are the optional ones (template
# parameters NumpyLayer, TraceSubsegments).
$(LAYER_DIR)/layer-%.zip: $(LAYER_INPUTS) | $(STAMP) $(ZIG_STAMP)
	$(PY) layers/build_layer.py --layer dependencies --arch $* --out $(LAYER_DIR)/$* --zip $@

$(LAYER_DIR)/numpy-layer-%.zip: layers/build_layer.py layers/requirements-numpy.txt | $(STAMP) $(ZIG_STAMP)
	$(PY) layers/build_layer.py --layer numpy --arch $* --out $(LAYER_DIR)/numpy-$* --zip $@

$(LAYER_DIR)/tracing-layer-%.zip: layers/build_layer.py layers/requirements-tracing.txt | $(STAMP) $(ZIG_STAMP)
	$(PY) layers/build_layer.py --layer tracing --arch $* --out $(LAYER_DIR)/tracing-$* --zip $@

layer: $(STAMP) $(ZIG_STAMP) ## Build the layer zips (dependencies with the tree walker, numpy, tracing; arm64, x86_64) and print their sizes
	for arch in arm64 x86_64; do \
		$(PY) layers/build_layer.py --layer dependencies --arch $$arch --out $(LAYER_DIR)/$$arch \
			--zip $(LAYER_DIR)/layer-$$arch.zip && \
		$(PY) layers/build_layer.py --layer numpy --arch $$arch --out $(LAYER_DIR)/numpy-$$arch \
			--zip $(LAYER_DIR)/numpy-layer-$$arch.zip && \
		$(PY) layers/build_layer.py --layer tracing --arch $$arch --out $(LAYER_DIR)/tracing-$$arch \
			--zip $(LAYER_DIR)/tracing-layer-$$arch.zip || exit 1; \
	done

invoke: $(STAMP) ## Invoke the handler in-process with EVENT (default events/score.json)
	$(PY) handler/local.py invoke $(EVENT)

serve: $(STAMP) ## Serve the API on http://127.0.0.1:$(PORT) (API Gateway events, in-process)
	$(PY) handler/local.py serve --port $(PORT)

demo: $(STAMP) ## Local S3 (moto) + local API + real Snowplow sessions: prints scores, stops all
	bash handler/demo.sh

# --- The function under the Lambda Runtime Interface Emulator (sam local without Docker) -------
TOOLS := .tools
RIE := $(TOOLS)/aws-lambda-rie
RIE_MODULE := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
LAMBDA_RUNTIME := $(TOOLS)/lambda-python3.13
RUNTIME_STAMP := $(LAMBDA_RUNTIME)/.installed

$(RIE):
	GOBIN=$(CURDIR)/$(TOOLS) GOFLAGS=-mod=mod go install $(RIE_MODULE)@$(RIE_VERSION)

$(RUNTIME_STAMP): layers/lambda_runtime.py layers/runtime-interface.txt layers/runtime-sdk.txt
	$(PYTHON) layers/lambda_runtime.py $(LAMBDA_RUNTIME)
	touch $@

.PHONY: rie invoke-rie serve-rie
rie: $(RIE) $(RUNTIME_STAMP) $(LAYER_ZIP_X86) $(NUMPY_ZIP_X86) $(TRACING_ZIP_X86) ## Install the emulator (Go) and the runtime's packages (pip), build the layer

invoke-rie: $(STAMP) rie ## Invoke the function under the emulator with EVENT, as Lambda lays it out
	$(PY) handler/rie.py invoke $(EVENT)

serve-rie: $(STAMP) rie ## Serve the API on http://127.0.0.1:$(PORT), each request through the emulator
	$(PY) handler/rie.py serve --port $(PORT)

# `make data` / `make train`: the default model from synthetic Snowplow events (README, "Training")
SESSIONS ?= 20000
TRAINING_STAMP := $(VENV)/.training-installed

$(TRAINING_STAMP): $(SPARK_STAMP) pyproject.toml
	$(call pip_requirements,$(PY),training)
	touch $(TRAINING_STAMP)

.PHONY: data train
data: $(STAMP) ## Generate seeded Snowplow enriched events of a web shop into data/events (git-ignored)
	$(PY) -m training.generate --sessions $(SESSIONS) --out data/events

train: $(TRAINING_STAMP) $(JARS_STAMP) ## Train on data/events with Spark; bundle + report into bundles/
	$(PY) training/train.py --input data/events --out bundles/snowleap-default.zip --report bundles/report

# A real Spark standalone cluster (master + two workers on 127.0.0.1, from pyspark's spark-class):
# snowleap.spark.score and training/train.py through spark-submit (tests/cluster, a few minutes).
.PHONY: test-cluster
test-cluster: $(TRAINING_STAMP) ## score() and train.py via spark-submit on a standalone cluster (master + 2 workers, 127.0.0.1)
	mkdir -p build
	SNOWLEAP_CLUSTER_TESTS=1 $(PY) $(PYTEST_RUN) tests/cluster

TEST_SUITES += test-cluster
test: $(TRAINING_STAMP)

# NOTE: Lambda runs Python 3.12/3.13 while the project's tools run on 3.11, so the runtime's and the
# Snowplow layer's unit tests run on 3.13 too (the layer test covers the handler on 3.13).
PYTHON313 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) python3.13)
VENV313 := .venv313
PY313_TESTS := tests/ops tests/bundle tests/snowplow tests/test_reference_bundles.py \
	tests/test_golden_fixtures.py tests/test_cli.py tests/test_leapframe.py \
	tests/test_input_conversion.py tests/test_numpy_rule.py tests/test_input_rows.py

$(VENV313)/.installed: pyproject.toml
	$(PYTHON313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --upgrade pip
	$(call pip_requirements,$(VENV313)/bin/python,dev)
	$(call editable_install,$(VENV313)/bin/python)
	touch $@

.PHONY: test-py313
test-py313: $(VENV313)/.installed ## The runtime's and Snowplow layer's unit tests on Python 3.13
	mkdir -p build
	$(VENV313)/bin/python $(PYTEST_RUN) $(PY313_TESTS)

TEST_SUITES += test-py313
test: $(VENV313)/.installed

# --- The arm64 tree walker under qemu-user (Debian's qemu-user-static and arm64 CPython) --------
ARM64_ROOT := $(TOOLS)/arm64-root
ARM64_DEBS := libc6 python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libexpat1 \
	zlib1g libffi8 libssl3 libbz2-1.0 liblzma5 libcrypt1

$(ARM64_ROOT)/usr/bin/python3.11:
	command -v qemu-aarch64-static || apt-get install -y -qq qemu-user-static
	dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
	apt-get update -qq
	rm -rf $(TOOLS)/arm64-debs && mkdir -p $(TOOLS)/arm64-debs $(ARM64_ROOT)
	cd $(TOOLS)/arm64-debs && apt-get download -qq $(addsuffix :arm64,$(ARM64_DEBS))
	for deb in $(TOOLS)/arm64-debs/*.deb; do dpkg -x $$deb $(ARM64_ROOT); done

.PHONY: check-arm64
check-arm64: $(ZIG_STAMP) $(ARM64_ROOT)/usr/bin/python3.11 ## Cross-compile the tree walker for arm64 and run it under qemu: same bits as x86_64 and as pure Python
	$(PY) layers/arm64_check.py --sysroot $(ARM64_ROOT)
