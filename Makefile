# Every target sets up what it needs by itself: a local .venv with the project and its
# test tools, a CJK font for charts and PDFs, Debian's chromium for the browser tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: workbook demo screenshot test quick plan bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## make workbook: open the planner's workbook in JupyterLab on the default scenario
workbook: $(STAMP)
	tools/setup-system.sh font
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/01_explore.ipynb

## make demo: the trainer's view, code-free in the browser (Voila), for meetings
demo: $(STAMP)
	tools/setup-system.sh font
	$(BIN)/voila notebooks/04_trainer_demo.ipynb

## make screenshot: refresh docs/screenshot.png (the trainer's view) and docs/explorer.png, compare.png, trainer.png
screenshot: $(STAMP)
	tools/setup-system.sh font browser
	PLANNER_SCREENSHOT=docs/screenshot.png $(BIN)/pytest tests/test_browser.py -k trainer -q
	PLANNER_SCREENSHOTS=docs $(BIN)/pytest tests/test_browser_layout.py -k "screen or compare" -q

## make test: lint, type-check and run every test (what CI runs)
test: $(STAMP)
	tools/setup-system.sh font browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

## make quick: lint, type-check and the fast tests, for development (no browser, notebooks or slow tests)
quick: $(STAMP)
	tools/setup-system.sh font
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -m "not browser and not notebook and not slow"

## make plan: solve the default scenario into plans/beijing-2023
plan: $(STAMP)
	$(BIN)/planner solve scenarios/beijing-2023 --out plans/beijing-2023 --force

## make bench: time the default scenario and generated 10x and 100x ones (a few minutes); writes docs/performance.md
bench: $(STAMP)
	$(BIN)/python -m planner.bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) plans .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
