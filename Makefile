# reflect-bot: the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-fast bench eval lint index wheelhouse clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 or newer is needed)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

index: setup
	$(BIN)/reflect-bot index --replies

run: index
	$(BIN)/reflect-bot

test: setup
	$(BIN)/python -m pytest -q

# The core alone: no embedding model, no Textual app, no wheel build (see pyproject markers).
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not ui and not build"

bench: setup
	$(BIN)/python bench/run.py

eval: setup
	$(BIN)/python bench/eval.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# On a connected machine: every wheel reflect-bot needs, into wheelhouse/ (README: offline).
wheelhouse: setup
	rm -rf build  # setuptools would carry files deleted since the last build
	$(BIN)/python -m pip wheel --wheel-dir wheelhouse .

clean:
	rm -rf $(VENV) .pytest_cache
