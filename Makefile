# Every target sets itself up: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench score setup

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/python -m bot run --config config.yaml

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

score: setup
	$(BIN)/python scripts/score_corpus.py

bench: setup
	$(BIN)/python scripts/bench_pipeline.py
