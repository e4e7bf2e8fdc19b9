# Kalpla: `make run` starts the site with demo data; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
DEV    := DJANGO_DEBUG=true
# Links in mail point at the server make run starts, unless KALPLA_SITE_URL is set (here or in .env).
SITE_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)))
DOTENV ?= .env
DOTENV_SITE_URL := $(shell sed -n 's/^[[:space:]]*KALPLA_SITE_URL=//p' $(DOTENV) 2>/dev/null | tail -n 1)
KALPLA_SITE_URL ?= $(or $(DOTENV_SITE_URL),http://$(SITE_HOST):$(PORT))
# uvicorn's WebSocket message limit is the one kalpla/settings.py reads (close 1009 above it).
DOTENV_WS_MAX := $(shell sed -n 's/^[[:space:]]*KALPLA_WS_MAX_FRAME_BYTES=//p' $(DOTENV) 2>/dev/null | tail -n 1)
KALPLA_WS_MAX_FRAME_BYTES ?= $(or $(DOTENV_WS_MAX),1048576)
RUN    := $(DEV) KALPLA_SITE_URL=$(KALPLA_SITE_URL) KALPLA_WS_MAX_FRAME_BYTES=$(KALPLA_WS_MAX_FRAME_BYTES)

.PHONY: run test lint types check-python install migrate seed worker beat messages bench clean axe-core vendor-js vendor-ivs vendor-charts

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kalpla needs Python 3.11 or newer (found %s)." % sys.version.split()[0])'

$(BIN)/.installed: requirements.lock pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(BIN)/.installed

migrate: install
	$(DEV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(RUN) $(BIN)/python manage.py seed_demo

## Start the site (HTTP and WebSocket) with demo data at http://$(HOST):$(PORT)
run: seed
	@echo "Kalpla is starting at http://$(HOST):$(PORT)  (outgoing mail is printed below)"
	$(RUN) exec $(BIN)/uvicorn kalpla.asgi:application --host $(HOST) --port $(PORT) --ws websockets --ws-max-size $(KALPLA_WS_MAX_FRAME_BYTES) --lifespan off

## Ruff, migrations check and the whole pytest suite (PostgreSQL and Redis when reachable)
test: install lint types
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $${PYTEST_WORKERS:-auto} --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vulture
	$(BIN)/lint-imports
	$(BIN)/python tools/import_cycles.py

types: install
	$(DEV) $(BIN)/mypy .

worker: install
	$(BIN)/celery -A kalpla worker -l info

beat: install
	$(BIN)/celery -A kalpla beat -l info

messages: install
	$(DEV) $(BIN)/python manage.py makemessages -l hi --ignore=.venv --ignore=staticfiles
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

## Refresh the vendored axe-core (accessibility rules run by the browser tests) from npm
AXE_DIR := tests/browser/vendor
axe-core:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@4 >/dev/null \
	  && tar -xzf axe-core-*.tgz package/axe.min.js package/LICENSE package/package.json \
	  && cd - >/dev/null && cp $$tmp/package/axe.min.js $$tmp/package/LICENSE $(AXE_DIR)/ \
	  && sed -n 's/^  "version": "\(.*\)",$$/axe-core \1/p' $$tmp/package/package.json > $(AXE_DIR)/VERSION \
	  && rm -rf $$tmp && cat $(AXE_DIR)/VERSION

## Rebuild the vendored Chime SDK browser bundle (static/vendor/amazon-chime-sdk/) from npm
vendor-js:
	bash tools/vendor_chime_sdk.sh

## Refresh the vendored Amazon IVS web player (live classes with the aws backend) from npm
vendor-ivs:
	bash tools/vendor_ivs_player.sh

## Refresh the vendored uPlot (the analytics dashboards' charts) from npm
vendor-charts:
	bash tools/vendor_uplot.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
