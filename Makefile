# Plein: every target installs what it needs on first use (Python venv via uv, CDK CLI via npm).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
UV_VERSION := 0.13.8
STAGE ?= dev
VENV := .venv
BIN := $(VENV)/bin
export CDK_DISABLE_VERSION_CHECK := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 1
# Line coverage of functions/ and local/ that the unit and integration tests must reach in `make test`
# (88 % on 2026-12-04, 1,980 tests). Raise it as tests grow.
COVERAGE_MIN := 85
COVERAGE := --cov=functions --cov=local --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_MIN)

.PHONY: help up test test-bulk coverage test-fast lint pr hooks format openapi synth bootstrap deploy bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(PYTHON) -m uv sync --frozen --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json tools/chime_bundle.mjs
	npm ci --no-audit --no-fund
	node tools/chime_bundle.mjs
	@touch $@

up: $(VENV)/.synced node_modules/.installed ## run the whole marketplace locally with demo data
	$(BIN)/python -m local up

# The API fuzzer runs without xdist: schemathesis gives all its items one node id, and xdist's group
# scheduling keys work by node id, so under -n it ran 1 of its 163 operations and reported 373 of 535.
# The 100,000-row import runs alone, last: it needs both cores for a few minutes.
test: $(VENV)/.synced node_modules/.installed ## every test: unit and integration (with coverage), then infra, e2e, browser, fuzz, the 100k import
	$(BIN)/pytest -n 2 --dist loadgroup tests/unit tests/integration $(COVERAGE)
	$(BIN)/pytest -n 2 --dist loadgroup -m "not bulk" tests/infra tests/e2e tests/browser
	$(BIN)/pytest tests/fuzz
	$(BIN)/pytest -m bulk tests/e2e

test-bulk: $(VENV)/.synced ## only the 100,000-row import through the whole local runtime
	$(BIN)/pytest -m bulk tests/e2e

coverage: $(VENV)/.synced node_modules/.installed ## line coverage of every test but the fuzzer and the 100k import (the e2e runtime's own code included)
	$(BIN)/pytest -n 2 --dist loadgroup -m "not bulk" --ignore=tests/fuzz $(COVERAGE)

test-fast: $(VENV)/.synced ## unit tests only
	$(BIN)/pytest tests/unit -q

lint: $(VENV)/.synced ## ruff (complexity included), mypy and the OpenAPI drift check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy functions infra local tests app.py benchmarks tools
	$(BIN)/python -m infra.openapi --check
	$(BIN)/python -m infra.eventdocs --check

pr: ## what CI runs, before a pull request: lint, then every test
	$(MAKE) lint
	$(MAKE) test

hooks: $(VENV)/.synced ## install the git pre-commit hook (ruff and mypy from the venv)
	$(BIN)/pre-commit install

format: $(VENV)/.synced ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: $(VENV)/.synced ## regenerate docs/openapi.json and docs/events.md from the code
	$(BIN)/python -m infra.openapi
	$(BIN)/python -m infra.eventdocs

synth: $(VENV)/.synced node_modules/.installed ## synthesize every stack (bundles Lambda assets locally, no Docker)
	npx cdk synth --quiet -c stage=$(STAGE)

# Outside dev, any change that widens permissions or network access waits for a yes.
APPROVAL = $(if $(filter dev,$(STAGE)),never,broadening)

bootstrap: $(VENV)/.synced node_modules/.installed ## once per account and region: make bootstrap STAGE=prod
	npx cdk bootstrap -c stage=$(STAGE)

deploy: $(VENV)/.synced node_modules/.installed ## deploy a stage: make deploy STAGE=dev (checks bootstrap first)
	$(BIN)/python -m infra.deploy_check $(STAGE)
	npx cdk deploy --all --require-approval $(APPROVAL) -c stage=$(STAGE)

bench: $(VENV)/.synced ## run the benchmarks; results go to docs/benchmarks.md by hand
	$(BIN)/python -m benchmarks.cold_start

clean: ## remove local data, build output and the virtual environment
	rm -rf .local cdk.out $(VENV) node_modules
