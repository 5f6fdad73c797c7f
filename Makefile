# The two commands (see README):
#   make figures  - set up .venv on first use, rebuild data/processed, execute the notebooks, rewrite figures/,
#                   refresh the generated docs pages and the README's findings
#   make test     - set up .venv on first use, run the unit tests and nbval on every notebook (the fast tier:
#                   every test not marked `slow`; a few minutes, see docs/testing.md)
# Others: make test-all (every test, the slow ones too: whole reports on other corpora, fresh-process
# determinism, interrupted builds, the benchmark's own run), make docs (build the documentation site),
# make bench (scale benchmark), make lock (refresh the lock).
#
# The environment is exactly requirements.lock (every package pinned, with hashes, dev tools included):
# when the lock or pyproject.toml changes, .venv is rebuilt from scratch.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed-stamp

.PHONY: setup data figures test test-all unit nbval docs bench lock lock-upgrade clean-venv

PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
NBVAL := --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "requirements.lock needs Python 3.11 or later; run make PYTHON=python3.11 ...")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

setup: $(STAMP)

data: setup
	$(BIN)/python -m analysis build

figures: data
	$(BIN)/python -m analysis notebooks
	$(BIN)/python -m analysis docs --no-site

unit: setup
	$(PYTEST) tests -m "not slow"

nbval: setup
	$(PYTEST) $(NBVAL)

test: setup
	$(PYTEST) tests $(NBVAL) -m "not slow"

test-all: setup
	$(PYTEST) tests $(NBVAL)

docs: setup
	$(BIN)/python -m analysis docs

bench: setup
	$(BIN)/python -m analysis bench

# Re-resolve pyproject.toml's ranges into the lock, keeping current pins where they still fit.
lock: setup
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra dev \
	  --no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

# The same, moving every pin to the newest release the ranges allow.
lock-upgrade: setup
	$(BIN)/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras --extra dev \
	  --no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

clean-venv:
	rm -rf $(VENV)
