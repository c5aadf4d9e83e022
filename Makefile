# Zone Portal — everyday commands. `make` (or `make help`) lists them.
#
# Every recipe works from a fresh clone on a fresh Debian machine: `system` installs what is
# missing, `venv` creates .venv, scripts/services.sh runs PostgreSQL, Redis and Elasticsearch
# on 127.0.0.1 with their files under $(ZP_CACHE_DIR).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# The prerequisites of `test` and `demo` must run in order (system, then venv, then services).
.NOTPARALLEL:

VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
STAMP := $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?=
ZP_CACHE_DIR ?= $(CURDIR)/.cache
export ZP_CACHE_DIR

# Each recipe line gets its settings module explicitly.
LOCAL := DJANGO_SETTINGS_MODULE=zoneportal.settings.local
TEST := DJANGO_SETTINGS_MODULE=zoneportal.settings.test
# compilemessages would otherwise walk the virtualenv and the service data.
MO_IGNORE := --ignore=$(VENV) --ignore=.cache --ignore=node_modules

step = @printf '\n==> [%s] %s\n' "$$(date +%H:%M:%S)" "$(1)"

# compilemessages fails when there is no catalogue at all; say so instead of failing.
define compilemessages
	@if [ -n "$$(find . \( -path ./$(VENV) -o -path ./.cache -o -path ./.git -o -path ./node_modules \) \
			-prune -o -name '*.po' -print -quit)" ]; then \
		echo "$(1) $(PY) manage.py compilemessages $(MO_IGNORE)"; \
		$(1) $(PY) manage.py compilemessages $(MO_IGNORE); \
	else \
		echo "(no .po files yet: nothing to compile)"; \
	fi
endef

.PHONY: help system system-demo venv services services-stop services-status demo test lint format \
	check-deploy messages compose-check clean-cache certificate-fonts

help: ## List the everyday commands
	@echo "Zone Portal — make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PORT=$(PORT) (demo), PYTEST_ARGS='...' (test), ZP_CACHE_DIR=$(ZP_CACHE_DIR)"

system: ## Install the Debian packages for the tests and the demo (idempotent; sudo when not root)
	scripts/install-system.sh

system-demo: ## Install only what the demo needs (no browser, no PostgreSQL/Redis/Varnish)
	scripts/install-system.sh --demo

venv: $(STAMP) ## Create .venv and install the project with its dev extras (when pyproject.toml changed)

$(PY):
	@if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then scripts/install-system.sh python3-venv; fi
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -e ".[dev]"
	@touch $@

services: ## Start PostgreSQL, Redis and Elasticsearch on 127.0.0.1 (idempotent)
	scripts/services.sh start

services-stop: ## Stop them (idempotent)
	scripts/services.sh stop

services-status: ## One line per service
	@scripts/services.sh status || true

demo: system-demo venv certificate-fonts ## Fresh machine -> portal with demo content at http://127.0.0.1:8000/ (PORT=...)
	$(call step,Starting Elasticsearch (the demo uses SQLite and runs tasks in process))
	scripts/services.sh start es
	$(call step,Migrating the SQLite database)
	$(LOCAL) $(PY) manage.py migrate --noinput
	$(call step,Compiling translations)
	$(call compilemessages,$(LOCAL))
	$(call step,Loading the demo content)
	$(LOCAL) WAGTAILADMIN_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py seed_demo
	$(call step,Building the search indices from the database)
	$(LOCAL) $(PY) manage.py search_index rebuild
	$(call step,Serving Zone Portal at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop))
	$(LOCAL) WAGTAILADMIN_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: system venv services certificate-fonts ## Fresh machine -> every check and the whole test suite (PYTEST_ARGS=...)
	$(call step,Compiling translations)
	$(call compilemessages,$(TEST))
	$(call step,Django system checks)
	$(TEST) $(PY) manage.py check
	$(call step,Migrations match the models)
	$(TEST) $(PY) manage.py makemigrations --check --dry-run
	$(call step,ruff check)
	$(RUFF) check .
	$(call step,ruff format --check)
	$(RUFF) format --check .
	$(call step,import-linter: the arrows between the apps)
	$(VENV)/bin/lint-imports
	$(call step,docker-compose config)
	scripts/compose-check.sh
	$(call step,pytest $(PYTEST_ARGS))
	$(TEST) $(VENV)/bin/pytest $(PYTEST_ARGS)

certificate-fonts: venv ## Cut Noto Serif CJK SC for the certificates into $(ZP_CACHE_DIR)/fonts (once, ~1 min)
	$(PY) -m certificates.fonts

lint: venv ## ruff check + ruff format --check + import-linter
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/lint-imports

format: venv ## ruff format + ruff check --fix
	$(RUFF) format .
	$(RUFF) check --fix .

check-deploy: venv ## Django's deployment checklist against the production settings (dummy secrets)
	DJANGO_SETTINGS_MODULE=zoneportal.settings.production \
	DJANGO_SECRET_KEY="$$(python3 -c 'import secrets; print(secrets.token_urlsafe(45))')" \
	DJANGO_ALLOWED_HOSTS=portal.example.org \
	DATABASE_URL=postgres://zoneportal:zoneportal@127.0.0.1:5544/zoneportal \
	CERTIFICATE_SIGNING_KEY="$$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	MFA_ENCRYPTION_KEY="$$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

messages: system venv ## Extract translatable strings into locale/ (zh_Hans; English is the source language)
	$(LOCAL) $(PY) manage.py makemessages -l zh_Hans --ignore=$(VENV) --ignore=node_modules --ignore=.cache

compose-check: ## Validate docker-compose.yml with throwaway values (no Docker engine needed)
	scripts/compose-check.sh

clean-cache: ## Stop the services and delete the cache dir (databases, indices, Elasticsearch)
	scripts/services.sh clean
