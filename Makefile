# The front door. Every target that needs tools depends on `setup`, so a fresh clone needs only Python 3.11+ and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv from PATH if there is one, else a private copy installed with pip into .tools/.
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
UV_VERSION := 0.13.9
RUN := $(UV) run --frozen
SDK_ENV := compat/toloka-kit
HAND_WRITTEN := contract reference_server upload contract_tests generator bench packaging_tests tools
REPORT_DIR ?= reports/conformance

.PHONY: help setup setup-sdk generate check-generated lint test conformance bench dist clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml */pyproject.toml
	$(UV) sync --frozen --all-packages
	@touch $@

setup: .venv/.synced ## Install uv if missing, then the locked workspace (uv sync --frozen).

$(SDK_ENV)/.venv/.synced: $(UV) $(SDK_ENV)/uv.lock $(SDK_ENV)/pyproject.toml
	$(UV) sync --frozen --project $(SDK_ENV)
	@touch $@

setup-sdk: $(SDK_ENV)/.venv/.synced ## The official SDK's separate environment (toloka-kit needs httpx<0.28).

generate: setup ## Regenerate generated_client/ from openapi.yaml.
	$(RUN) python generator/check_generated.py --write

check-generated: setup ## Fail when generated_client/ differs from what openapi.yaml generates.
	$(RUN) python generator/check_generated.py

lint: setup ## ruff, mypy --strict on hand-written code, and the spec lint.
	$(RUN) ruff check $(HAND_WRITTEN)
	$(RUN) ruff format --check $(HAND_WRITTEN)
	$(RUN) mypy --strict $(HAND_WRITTEN)
	cd generated_client && $(RUN) mypy --strict toloka_client   # the generated code is held to the same bar
	$(RUN) openapi-spec-validator openapi.yaml
	$(RUN) python generator/lint_spec_examples.py openapi.yaml

test: setup setup-sdk check-generated lint ## Everything CI runs: drift check, lint, and all tests.
	$(RUN) pytest

conformance: setup ## Run the conformance suite against the embedded emulator.
	$(RUN) toloka-conformance --embedded --report $(REPORT_DIR)

bench: setup setup-sdk ## Benchmarks: a table of ratios against baselines measured in the same run.
	$(RUN) python -m bench

dist: $(UV) ## Build every package's wheel and sdist into dist/ (packaging_tests/ installs such wheels in a fresh venv).
	rm -rf dist
	$(UV) build --all-packages --no-create-gitignore -o dist

clean: ## Remove environments, caches, reports and dist/.
	rm -rf .venv .tools $(SDK_ENV)/.venv reports dist .pytest_cache .mypy_cache .ruff_cache
