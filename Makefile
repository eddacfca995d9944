# Everything starts from a bare `python3`: uv is installed into its own small
# environment, and uv then builds .venv exactly as uv.lock says.
PYTHON ?= python3
VENV := .venv
UV_VENV := .uv-venv
UV := $(UV_VENV)/bin/uv
UV_VERSION := 0.13.9
MELTANO_VENV := .meltano-venv
MELTANO := $(MELTANO_VENV)/bin/meltano
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint format bench bench-sandbox schemas clean

$(UV):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

$(MELTANO): $(UV) requirements/meltano.lock.txt
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(MELTANO_VENV)
	$(UV) pip install --quiet --python $(MELTANO_VENV)/bin/python --require-hashes -r requirements/meltano.lock.txt
	@touch $@

## demo: start the sandbox store, run `meltano run tap-bigcommerce target-jsonl`, show what landed
demo: $(VENV)/.synced $(MELTANO)
	$(VENV)/bin/python scripts/demo.py --meltano $(MELTANO)

## test: the whole test suite (sandbox, tap, OAuth), warnings are errors
test: $(VENV)/.synced
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

## lint: ruff (lint + format check) and mypy
lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy tap_bigcommerce

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## schemas: regenerate the stream schemas from ../shared/bigcommerce-api (dev only)
schemas: $(VENV)/.synced
	$(VENV)/bin/python -m tap_bigcommerce.schemas.generate

## bench: requests, wall time, CPU, memory and 429s against their bounds (BENCH_ARGS=--quick)
bench: $(VENV)/.synced
	$(VENV)/bin/python benchmarks/bench.py $(BENCH_ARGS)

## bench-sandbox: how fast the sandbox serves pages, and its memory for 100k orders
bench-sandbox: $(VENV)/.synced
	$(VENV)/bin/python benchmarks/sandbox_bench.py

clean:
	rm -rf $(VENV) $(UV_VENV) $(MELTANO_VENV) .meltano output .pytest_cache .mypy_cache .ruff_cache
