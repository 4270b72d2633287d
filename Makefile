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

# The tests that open a store through make_store() run a second time on PostgreSQL when the local server
# answers (127.0.0.1:5432, database test); without one, the line says what was skipped and why.
STORE_TESTS = tests/handlers $(filter-out tests/test_postgres_store.py,$(shell grep -l make_store tests/test_*.py))

test: setup
	$(BIN)/python -m pytest
	@if url=$$($(BIN)/python -m tests.postgres_probe); then \
		echo "== the store tests again, on PostgreSQL ($$url)"; \
		SITEWATCH_TEST_DATABASE=$$url $(BIN)/python -m pytest $(STORE_TESTS); \
	else \
		echo "SKIPPED the store tests on PostgreSQL ($(words $(STORE_TESTS)) files): $$url"; \
	fi

lint: setup
	$(BIN)/ruff check .

score: setup
	$(BIN)/python scripts/score_corpus.py

bench: setup
	$(BIN)/python scripts/bench_pipeline.py
