# One-command dev loop; .ci/run calls the same targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check conformance golden bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ is needed: set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mymein demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests scripts
	$(BIN)/ruff format --check pipeline tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

conformance: $(STAMP)
	$(BIN)/python -m pipeline.sandbox.conformance

bench: $(STAMP)
	$(BIN)/python scripts/bench.py --quick

golden: $(STAMP)
	MYMEIN_REGENERATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/unit/test_render.py

clean:
	rm -rf $(VENV) demo-state .pytest_cache .mypy_cache .ruff_cache
