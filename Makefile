# One-command dev loop; .ci/run calls the same targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check conformance golden bench install-check catalogs clean screenshots

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
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

conformance: $(STAMP)
	$(BIN)/python -m pipeline.sandbox.conformance

bench: $(STAMP)
	$(BIN)/python scripts/bench.py --quick

golden: $(STAMP)
	MYMEIN_REGENERATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/unit/test_render.py

# The CLI's message catalogs: extract (Babel), merge into pipeline/locale/id/.../mymein.po, compile the .mo it ships.
catalogs: $(STAMP)
	$(BIN)/python scripts/i18n_catalog.py

# The package as a user gets it: a wheel built from pipeline/, pyproject.toml and README.md alone, installed (not
# editable) into a fresh virtualenv in a temporary folder, then `mymein --version` and the demo run from there.
install-check: $(STAMP)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir "$$tmp/src"; cp -R pipeline pyproject.toml README.md "$$tmp/src/"; \
	find "$$tmp/src" -name __pycache__ -prune -exec rm -rf {} +; \
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir "$$tmp/dist" "$$tmp/src"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet "$$tmp"/dist/mymein-*.whl; \
	cd "$$tmp"; \
	"$$tmp/venv/bin/python" -c "import pipeline; print('installed at', pipeline.__file__)"; \
	"$$tmp/venv/bin/mymein" --version; \
	MYMEIN_LANG=id "$$tmp/venv/bin/mymein" --help | grep -q '^Penggunaan:'; \
	"$$tmp/venv/bin/mymein" demo --dir "$$tmp/demo"; \
	"$$tmp/venv/bin/python" -m pipeline.sandbox.conformance

# The guides' screenshots (docs/img/), from the sandbox through headless Chromium; not part of `make test`.
screenshots: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ if [ "$$(id -u)" -eq 0 ]; then apt-get install -y chromium; else sudo apt-get install -y chromium; fi; }
	$(BIN)/python scripts/screenshots.py --out docs/img

clean:
	rm -rf $(VENV) demo-state .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
