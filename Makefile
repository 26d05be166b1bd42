# The README's two commands: `make run` (demo) and `make test` (whole suite).
# Each sets up what it needs on a fresh machine; later runs reuse the set-up.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UI := src/pydbpro_ui/web
UI_BUILT := src/pydbpro_ui/dist/index.html
UI_DEPS := $(UI)/node_modules/.installed-stamp
OPENAPI := $(UI)/openapi.json
PY_SOURCES := $(shell find src/pydbpro -name '*.py' 2>/dev/null)
API_TYPES := $(UI)/src/api/schema.d.ts
# Not the generated API types: they are rewritten from $(OPENAPI) before every npm build/test.
UI_SOURCES := $(filter-out $(API_TYPES),$(shell find $(UI)/src $(UI)/public -type f 2>/dev/null)) \
	$(wildcard $(UI)/index.html $(UI)/vite.config.ts $(UI)/tsconfig*.json $(UI)/env.d.ts)

.PHONY: run test setup ui dist lint services clean

run: $(STAMP) $(UI_BUILT)
	$(BIN)/pydbpro demo

test: $(STAMP) $(UI_BUILT)
	@scripts/test-services.sh
	cd $(UI) && npm test --silent
	$(BIN)/pytest -n auto

ui: $(UI_BUILT)

# The sdist and the wheel (built from the sdist, as pip would) in dist/. Both carry the UI,
# built and type-checked by `make ui` first; the build backend (buildsys/pydbpro_build.py)
# then finds it up to date and runs no npm.
dist: $(STAMP) $(UI_BUILT)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	@ls -l dist

# The UI is rebuilt when it is missing or any of its sources is newer than the build.
$(UI_BUILT): $(UI_DEPS) $(OPENAPI) $(UI_SOURCES)
	cd $(UI) && npm run build
	touch $@

# The API's OpenAPI document: the UI's TypeScript types are generated from it before every
# build, type check and test (npm run api-types). An unchanged document keeps its file time,
# so only a change to the API rebuilds the UI (after any Python change the document is
# written again on each run until it changes: about two seconds).
$(OPENAPI): $(STAMP) $(PY_SOURCES)
	$(BIN)/pydbpro openapi --output $@

$(UI_DEPS): $(UI)/package.json $(UI)/package-lock.json
	@command -v npm >/dev/null 2>&1 || \
		{ echo "Building the UI needs Node.js >= 20 with npm (https://nodejs.org)"; exit 1; }
	cd $(UI) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "PyDBPro needs Python >= 3.11 (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP) $(UI_DEPS)
	$(BIN)/ruff check src tests buildsys
	$(BIN)/mypy
	cd $(UI) && npm run lint --silent

services:
	@scripts/test-services.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache $(UI)/node_modules src/pydbpro_ui/dist
	rm -f $(OPENAPI) $(API_TYPES)
