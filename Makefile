# The two commands of the README:   make run   (the whole workflow)   and   make test
PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
CORES    ?= all
# Raw data is looked for here first, then downloaded (see README "Data").
DATA_DIR ?= $(firstword $(wildcard ../shared/data) resources/data)
# torch first, as its own step: a pinned release keeps pip from pulling a different build.
TORCH    ?= torch==2.13.0
SNAKEMAKE_ARGS ?=

.PHONY: env run dry-run report test lint format clean

env: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

run: env
	$(BIN)/snakemake --cores $(CORES) --config data_dir=$(DATA_DIR) $(SNAKEMAKE_ARGS)

dry-run: env
	$(BIN)/snakemake -n --quiet rules --config data_dir=$(DATA_DIR) $(SNAKEMAKE_ARGS)

report: env
	$(BIN)/snakemake --report results/report.html --config data_dir=$(DATA_DIR)

test: env
	POISONBENCH_DATA_DIR=$(abspath $(DATA_DIR)) $(BIN)/python -m pytest

lint: env
	$(BIN)/ruff check src scripts tests
	$(BIN)/snakemake --lint --config data_dir=$(DATA_DIR)
	$(BIN)/snakefmt --check Snakefile workflow/rules

format: env
	$(BIN)/ruff check --fix src scripts tests
	$(BIN)/snakefmt Snakefile workflow/rules

clean:
	rm -rf results/* logs benchmarks .snakemake
