# Badges4Good trust services. `make run` starts everything; `make test` checks everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := .b4g/tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
PY := .venv/bin/python
SOURCES := shared/src services/issuer/src services/verifier/src services/registry/src tools/cli/src

.PHONY: bench-tools help sync run test lint typecheck contracts packages test-tools unit integration e2e bench clean

help:
	@echo "make run    - start PostgreSQL, the broker and the three services (Ctrl-C stops all)"
	@echo "make test   - lint, type-check, import contracts and the whole test suite"
	@echo "make bench  - benchmarks of the hot paths"

# uv is installed with pip into a private tools folder when the machine has none.
$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

.venv/.synced: uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml tools/cli/pyproject.toml | $(UV)
	$(UV) sync --frozen --all-packages
	@touch $@

sync: .venv/.synced

run: sync
	$(PY) -m b4g.core.infra.devrun

lint: sync
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: sync
	.venv/bin/mypy $(SOURCES)

contracts: sync
	.venv/bin/lint-imports

# Each distribution synced alone into a throwaway environment (its built wheel, no dev tools),
# every module imported and every import declared in its own pyproject.toml.
packages: sync
	UV=$(UV) $(PY) scripts/package_imports.py

unit: sync
	.venv/bin/pytest tests/unit

integration: sync
	.venv/bin/pytest tests/integration

e2e: sync
	.venv/bin/pytest tests/e2e

# Test tools from Debian: chromium (browser tests), docker-compose (validates the compose
# file) and softhsm2 (the PKCS#11 key provider's token). Installed when missing and we may (root
# on Debian); otherwise those tests skip.
test-tools:
	@missing=""; for tool in chromium docker-compose; do \
		command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	command -v softhsm2-util >/dev/null || missing="$$missing softhsm2"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
		else echo "not installed:$$missing (their tests will be skipped)"; fi; fi

# Two workers (one per core): most tests wait on services, brokers and browsers, not the CPU;
# a file's tests stay on one worker (their module fixtures and order).
test: lint typecheck contracts packages test-tools
	.venv/bin/pytest -n 2 --dist loadfile

# wrk drives the HTTP benchmarks (a Python client would measure itself); installed when
# missing and we may, else the benchmarks fall back to httpx and say so.
bench-tools:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
		else echo "wrk not installed: HTTP benchmarks use httpx"; fi; }

bench: sync bench-tools
	$(PY) bench/run.py $(ARGS)

clean:
	rm -rf .venv .b4g/test-pg .pytest_cache .mypy_cache .ruff_cache
