# Two commands (see README):
#   make figures  - set up .venv on first use, rebuild data/processed, execute the notebooks, rewrite figures/
#   make test     - set up .venv on first use, run the unit tests and nbval on every notebook
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup data figures test unit nbval bench clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

setup: $(STAMP)

data: setup
	$(BIN)/python -m analysis build

figures: data
	$(BIN)/python -m analysis notebooks

unit: setup
	$(BIN)/python -m pytest tests

nbval: setup
	$(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

test: setup
	$(BIN)/python -m pytest tests --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

bench: setup
	$(BIN)/python -m analysis bench

clean-venv:
	rm -rf $(VENV)
