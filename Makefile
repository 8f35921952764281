# Two commands from a fresh clone: `make workflows` and `make test`. Each bootstraps what it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: workflows test lint typecheck drift pytest notebooks bench clean help

help:
	@echo "make workflows   render the design (pipeline.yaml) into workflows/"
	@echo "make test        lint, type-check and run every test"
	@echo "make notebooks   regenerate workflows/ by running the notebooks headlessly"
	@echo "make bench       run the benchmarks and print figures"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# an editable install leaves out data files: put the wheel's Jupyter config in place by hand
	mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d
	cp jupyter-config/pipekit.json $(VENV)/etc/jupyter/jupyter_server_config.d/pipekit.json
	touch $@

include tools/tools.mk

# This repository's own CI is pipekit's output too: .github/pipekit.yaml was written by
# `pipekit init --repo .`, and `pipekit render --repo .` writes .github/workflows/ and .gitleaks.toml from it.
SELF_DESIGN := .github/pipekit.yaml

workflows: $(STAMP)
	$(BIN)/pipekit render --design pipeline.yaml --out workflows
	$(BIN)/pipekit render --repo . --design $(SELF_DESIGN)
	$(BIN)/pipekit plan --design pipeline.yaml

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) tools browser
	$(BIN)/pytest
	$(BIN)/pytest --nbval --nbval-current-env notebooks/

notebooks: $(STAMP)
	$(BIN)/pipekit notebooks --design pipeline.yaml --out workflows --reports reports

drift: $(STAMP)
	$(BIN)/pipekit check --design pipeline.yaml --dir workflows
	$(BIN)/pipekit check --repo . --design $(SELF_DESIGN)

test: lint typecheck drift pytest

bench: $(STAMP) tools
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_startup.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/bench_notebooks.py
	$(PY) benchmarks/bench_history.py
	$(PY) benchmarks/bench_history_report.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
