# The README's two commands: `make run` (demo) and `make test` (whole suite).
# Each sets up what it needs on a fresh machine; later runs reuse the set-up.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup lint services clean

run: $(STAMP)
	$(BIN)/pydbpro demo

test: $(STAMP)
	@scripts/test-services.sh
	$(BIN)/pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "PyDBPro needs Python >= 3.11 (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests

services:
	@scripts/test-services.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
