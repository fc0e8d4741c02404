# Two commands on a fresh machine with Python 3.11: `make run` and `make test`. Both idempotent.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKER_PROCESSES ?= 2
WORKER_THREADS ?= 1
WEB_PROCESSES ?= $(shell nproc 2>/dev/null || echo 2)
WS_PORT ?= 8001

.PHONY: run serve-http serve-ws test worker install install-dev check lint typecheck imports pytest bench clean

# Reinstall only when a requirements file changed since the last install.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed-run $@

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# Serves http://$(HOST):$(PORT) through daphne (HTTP + websockets). Without BROKER_URL/REDIS_URL
# the generation worker runs inside the same process; with them, start `make worker` as well.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/daphne -b $(HOST) -p $(PORT) sora_site.asgi:application

# Production web tier (README, "Running with PostgreSQL..."; needs REDIS_URL or BROKER_URL and
# `make worker`):
# HTTP on gunicorn sync workers, one per core, each keeping one database connection; the
# balancer sends /ws/ to daphne, which keeps none (daphne runs each request on its own thread).
serve-http: install
	DATABASE_CONN_MAX_AGE=$${DATABASE_CONN_MAX_AGE:-60} $(BIN)/gunicorn sora_site.wsgi:application \
		--workers $(WEB_PROCESSES) --bind $(HOST):$(PORT) $(GUNICORN_ARGS)

serve-ws: install
	$(BIN)/daphne -b $(HOST) -p $(WS_PORT) sora_site.asgi:application

worker: install
	$(BIN)/python -m sora_site.supervise --processes $(WORKER_PROCESSES) --threads $(WORKER_THREADS) -- $(WORKER_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy .

imports: install-dev
	$(BIN)/lint-imports

pytest: install-dev
	$(BIN)/pytest --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

check: lint typecheck imports

# Browser tests run in their own pytest process: Playwright's sync API keeps an event loop in
# the main thread, which would break the async_to_sync calls of the tests after them.
test: install-dev
	$(MAKE) --no-print-directory check
	$(BIN)/pytest --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
