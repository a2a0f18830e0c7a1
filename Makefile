# `make demo` and `make test` do all set-up on a fresh machine: they create .venv
# here and install exact pins. Nothing is downloaded at run time.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SAYWHO := $(VENV)/bin/saywho
SHARED ?= ../shared

.PHONY: demo test lint typecheck docs eval-attribution clean-venv

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	$(PIP) install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(PIP) install -q --disable-pip-version-check -r requirements-bench.txt
	touch $@

demo: $(VENV)/.installed
	$(SAYWHO) analyze examples/

test: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# docs/cli.md is generated from the argument parser, so it cannot drift from --help.
docs: $(VENV)/.installed
	COLUMNS=100 $(PY) -c "from saywho.cli import help_markdown; print(help_markdown(), end='')" > docs/cli.md

# PolNeAR test split: span-exact F1 per role, relation F1, speed beside textacy.
eval-attribution: $(VENV)/.bench-installed
	$(PY) bench/polnear.py --shared $(SHARED) --split test

clean-venv:
	rm -rf $(VENV)
