# Developer entry points. `make test` runs exactly what CI runs (bash .ci/run).
#   make run                 serve the dashboard at http://localhost:8501
#   make test [ARGS="-m 'not browser'"]   lint + all tests (installs chromium + dev deps)
#   make data                rebuild assets/data/baseline_icio2022 (8 x 7) and
#                            assets/data/icio2022 (80 x 50) from OECD ICIO 2022
#                            (own venv .venv-data from requirements-data.txt)
#   make bench | lint | clean

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
ARGS   ?=

.PHONY: venv dev run test bench lint format clean data

# --- environments (stamp files re-install when the requirements change) -----------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-runtime
	$(BIN)/python -m pip install -r requirements-dev.txt
	touch $@

# The data build has its own venv: the app never needs the ICIO package.
DATA_VENV := .venv-data

$(DATA_VENV)/.installed: requirements-data.txt
	$(PYTHON) -m venv $(DATA_VENV)
	$(DATA_VENV)/bin/python -m pip install --no-deps -r requirements-data.txt
	touch $@

venv: $(VENV)/.installed-runtime    ## runtime deps only

dev: $(VENV)/.installed-dev         ## runtime + test/lint/bench tools

# --- tasks ---------------------------------------------------------------------------
run: venv
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

test:                               ## same command path as CI; ARGS go to pytest
	bash .ci/run $(ARGS)

data: $(DATA_VENV)/.installed      ## rewrite the committed ICIO files (byte for byte)
	$(DATA_VENV)/bin/python assets/data/baseline_icio2022/build.py
	$(DATA_VENV)/bin/python assets/data/icio2022/build.py
	git status --short -- assets/data/baseline_icio2022 assets/data/icio2022

bench: dev                          ## solver + dashboard (rerun, browser latency, load)
	$(BIN)/python -m benchmarks --app

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:                              ## caches and CI outputs; keeps .venv, .venv-data
	rm -rf .ci-artifacts .pytest_cache .ruff_cache .hypothesis test-results
	find . \( -path ./.venv -o -path ./.venv-data \) -prune -o -name __pycache__ \
		-type d -prune -exec rm -rf {} +
