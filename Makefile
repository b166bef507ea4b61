# Glassbox: the README's commands are `make run`, `make check` (the contributor's loop) and
# `make test` (everything; what CI runs).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# apt needs root; use sudo when we are not root and sudo exists.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run check test install install-dev system-deps js-deps lint bench checkpoint clean

# The environment is rebuilt only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -r requirements-nodeps.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Create .venv, install everything and serve the app on http://localhost:$(PORT)
run: install
	$(BIN)/streamlit run app/main.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

## Debian's Chromium (+ emoji and CJK fonts) for the real-browser tests; never `playwright install`.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
			chromium fonts-noto-color-emoji fonts-noto-cjk; \
	fi

## axe-core (pinned in package.json / package-lock.json), which the accessibility tests inject
## into each page. Node and npm come from apt when the machine lacks them.
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
			nodejs npm; \
	fi
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

js-deps: node_modules/.installed

## Lint, format, types and the import contracts (pages → app → models; see pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## The contributor's loop, a few minutes: lint, then the unit tier (tests/unit and the
## docstrings' examples) without the tests marked slow.
check: lint
	$(BIN)/python -m pytest -q --timeout 600 -m "not slow" tests/unit models app

## Install everything and run the whole suite: lint, then every tier (unit, page, server, browser).
test: install-dev system-deps js-deps lint
	$(BIN)/python -m pytest -q --timeout 600

## Benchmarks: print JSON figures (the browser ones need Playwright and Chromium, as the tests do).
bench: install-dev system-deps
	$(BIN)/python -m bench

## Retrain the shipped checkpoint (its training.json and model card README.md record the command).
checkpoint: install
	$(BIN)/python -m models.training --preset small-llama --corpus tiny-stories --lang-tags \
		--n-chars 24000000 --steps 3000 --lr 2e-3 --batch-size 16 --warmup-steps 100 \
		--eval-every 250 --save-every 250 --threads 2 --out models/checkpoints/tiny-stories

clean:
	rm -rf $(VENV) node_modules test-output .pytest_cache .ruff_cache .mypy_cache
