# Every target sets up what it needs by itself: a local .venv with the project and its
# test tools, a CJK font for charts and PDFs, Debian's chromium for the browser tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: workbook test plan lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## make workbook: open the planner's workbook in JupyterLab on the default scenario
workbook: $(STAMP)
	tools/setup-system.sh font
	$(BIN)/jupyter lab notebooks/01_explore.ipynb

## make test: lint, type-check and run every test (what CI runs)
test: $(STAMP)
	tools/setup-system.sh font browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

## make plan: solve the default scenario into plans/beijing-2023
plan: $(STAMP)
	$(BIN)/planner solve scenarios/beijing-2023 --out plans/beijing-2023 --force

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) plans .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
