# One command to run the site, one to test it. Both install what is missing.
#   make run          serve the site on http://127.0.0.1:$(PORT) with demo data (SQLite, local files)
#   make run STACK=1  the same on the real local services (PostgreSQL, Redis) from scripts/stack
#   make run LANG=ru  a Russian shop: Russian pages and demo data, prices in roubles
#   make test         start the real services the tests need, then run every test
#   make stack        start the real local services and write .env.stack
#   make cluster      start the cluster topology (scripts/stack cluster up) and write .env.cluster
#   make bench        run the benchmarks and print their figures
#   make lint         ruff check and format check
#   make audit        pip-audit of the pinned requirements against PyPI's advisory data
#   make messages     gather the marked strings into locale/*/django.po and list what is left to translate
#   make schema       write the API schema the code serves to docs/api/openapi.json (breaking changes need
#                     a line in docs/api/CHANGELOG.md first)

SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STACK ?=
# `make run LANG=ru`: a Russian shop (Russian pages without a prefix, prices in roubles, Russian demo
# data). Only a LANG given on the command line counts: the environment's LANG is the terminal's locale.
ifeq ($(origin LANG),command line)
SHOP_LANGUAGE := $(firstword $(subst _, ,$(subst ., ,$(LANG))))
override LANG := C.UTF-8
export LANG
endif
SHOP_LANGUAGE ?=
ifneq ($(SHOP_LANGUAGE),)
export LANGUAGE_CODE := $(SHOP_LANGUAGE)
ifeq ($(SHOP_LANGUAGE),ru)
export SHOP_CURRENCY ?= RUB
endif
endif

SEED_LANGUAGE = $(if $(LANGUAGE_CODE),--language $(LANGUAGE_CODE),)

.PHONY: run test stack cluster bench lint format clean audit schema messages translations

$(VENV)/bin/python:
	@python=$$(scripts/find-python) && echo "creating $(VENV) with $$python" && $$python -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

run: $(VENV)/.base-installed translations
	@if [ -n "$(STACK)" ]; then scripts/stack up; fi
	@scripts/stack spark || echo "Spark's JDBC drivers or warehouse writer could not be set up (above): the analytics pages will stay empty."
	@set -a; if [ -n "$(STACK)" ]; then . ./.env.stack; fi; set +a; \
	export DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo $(SEED_LANGUAGE) && \
	$(PY) manage.py analytics_schema >/dev/null && \
	{ $(PY) manage.py analytics_run || echo "The analytics run failed (above); the site still works."; } && \
	if [ -n "$$CELERY_BROKER_URL" ]; then \
		$(VENV)/bin/celery -A config worker --beat --loglevel=warning --concurrency=2 \
			--queues=celery$${ANALYTICS_QUEUE:+,$$ANALYTICS_QUEUE} & \
	fi; \
	if [ -n "$$KAFKA_BOOTSTRAP_SERVERS" ]; then \
		mkdir -p .stack && $(PY) manage.py consume_events --follow > .stack/consumer.log 2>&1 & \
	fi; \
	trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
	echo "Serving http://127.0.0.1:$(PORT)/  (API docs: /api/docs/, back-office: /admin/)" && \
	echo "Mail: $${MAILPIT_URL:-printed here, in this terminal}" && \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev-installed lint translations
	scripts/stack up postgres redis s3 search kafka clickhouse mail
	scripts/stack browser
	scripts/stack spark
	scripts/stack tools
	scripts/stack oasdiff
	clients/sdk setup
	@set -a; . ./.env.stack; set +a; export DB_CONN_MAX_AGE=0; \
	$(PY) -m pytest -m "not drill and not cluster" $(PYTEST_ARGS) && \
	$(PY) -m pytest -m drill -n 0 $(PYTEST_ARGS)
	@# the cluster topology, then the tests and drills that need it (one at a time: they stop its nodes)
	@set -a; . ./.env.stack; set +a; export DB_CONN_MAX_AGE=0; started=$$(date +%s); \
	scripts/stack cluster up && echo "[cluster] up in $$(( $$(date +%s) - started )) s" && \
	$(PY) -m pytest -m cluster -n 0 $(PYTEST_ARGS); status=$$?; \
	echo "[cluster] start and tests took $$(( $$(date +%s) - started )) s"; \
	scripts/stack cluster down; exit $$status

# The compiled catalogues (.mo, not kept in git) that the site, its servers and the tests read. Compiling
# signs nothing, so a development setting spares asking for a SECRET_KEY (a clean clone has none).
translations: $(VENV)/.base-installed
	@DEBUG=$${DEBUG:-true} $(PY) manage.py compile_translations >/dev/null

stack:
	scripts/stack up

# Every engine as a cluster on this machine, on ports of its own (README "Scale out"): migrates the
# shop's database and makes the warehouse's replicated tables. `scripts/stack cluster down` stops it.
cluster: $(VENV)/.dev-installed
	scripts/stack up postgres
	scripts/stack cluster up
	@set -a; . ./.env.stack; . ./.env.cluster; set +a; \
	$(PY) manage.py migrate --noinput -v0 && $(PY) manage.py analytics_schema && \
	echo "Cluster up: the site through HAProxy at $$CLUSTER_WEB_URL, settings in .env.cluster"

bench: $(VENV)/.dev-installed
	scripts/stack up postgres search kafka clickhouse
	scripts/stack spark
	@if [ -z "$$BENCH_ONLY" ] || [ "$$BENCH_ONLY" = cluster ]; then scripts/stack cluster up; fi
	@set -a; . ./.env.stack; set +a; set -o pipefail; $(PY) -m bench.run | tee bench-results.md
	@# the longer schemathesis run (make test runs FUZZ_EXAMPLES=4 per operation and role)
	@set -a; . ./.env.stack; set +a; FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} $(PY) -m pytest -m fuzz -q
	@# the dependency audit: its verdict is printed; a vulnerable or unauditable set does not stop the figures above
	@scripts/audit 2>&1 | tee -a bench-results.md || echo "make audit did not pass (above)" | tee -a bench-results.md

audit:
	scripts/audit

schema: $(VENV)/.dev-installed
	scripts/stack oasdiff
	@# the schema does not depend on DEBUG; a development setting spares asking for a SECRET_KEY here
	DEBUG=$${DEBUG:-true} $(PY) manage.py api_schema --write

messages: $(VENV)/.dev-installed
	@command -v xgettext >/dev/null || scripts/stack tools  # makemessages runs GNU gettext
	DEBUG=$${DEBUG:-true} $(PY) manage.py update_catalogue

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .venv-audit staticfiles .pytest_cache .ruff_cache
