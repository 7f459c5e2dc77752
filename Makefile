# statusbook — the two commands in the README are `make serve` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve site test lint format bench github-files clean

$(BIN)/statusbook: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

## Set everything up, check the records, build the site and serve it on http://127.0.0.1:8000
serve: $(BIN)/statusbook
	$(BIN)/statusbook validate
	@echo "statusbook: to run the README's statusbook commands, in another terminal here: . $(VENV)/bin/activate"
	$(BIN)/statusbook serve --dev-addr 127.0.0.1:8000

## Set everything up and build the static site into site/
site: $(BIN)/statusbook
	$(BIN)/statusbook validate
	$(BIN)/statusbook build --site-dir site

## Set everything up and run the whole test suite (lint included)
test: $(BIN)/statusbook
	$(BIN)/ruff check tooling tests
	$(BIN)/ruff format --check tooling tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

format: $(BIN)/statusbook
	$(BIN)/ruff format tooling tests
	$(BIN)/ruff check --fix tooling tests

## Rewrite mkdocs.yml and .github/ from the templates statusbook init uses (edit/skeleton/)
github-files: $(BIN)/statusbook
	$(BIN)/statusbook init --refresh

bench: $(BIN)/statusbook
	$(BIN)/python -m statusbook.benchmarks.validate
	$(BIN)/python -m statusbook.benchmarks.uptime
	$(BIN)/python -m statusbook.benchmarks.startup

clean:
	rm -rf $(VENV) site .pytest_cache .ruff_cache .hypothesis
