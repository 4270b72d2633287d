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

# The suite runs on SQLite, then the whole suite again on PostgreSQL when the local server answers
# (127.0.0.1:5432, database test): every store a test opens through make_store() is then a schema of its own,
# dropped at the end; a test of something only SQLite has is skipped there, saying why. The tests marked
# `server` use the server whatever the store (tests/store/test_postgres_store.py, the worker processes): they run in
# the PostgreSQL pass only. Without a server, one line says what was skipped and why.
test: setup
	@if url=$$($(BIN)/python -m tests.postgres_probe); then \
		echo "== the suite on SQLite (the tests marked server wait for the PostgreSQL pass)"; \
		$(BIN)/python -m pytest -m "not server" && \
		echo "== the whole suite again, on PostgreSQL ($$url)" && \
		SITEWATCH_TEST_DATABASE=$$url $(BIN)/python -m pytest; \
	else \
		$(BIN)/python -m pytest && \
		echo "SKIPPED the whole suite again on PostgreSQL, and the tests marked server: $$url"; \
	fi

lint: setup
	$(BIN)/ruff check .

score: setup
	$(BIN)/python scripts/score_corpus.py

bench: setup
	$(BIN)/python scripts/bench_pipeline.py
