# interviewprep — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
BANK ?= fixtures/aws.json
# Tests run on every core (pytest-xdist); PYTEST_ARGS= runs them in one process.
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help
.PHONY: help install run serve migrate bank superuser test pytest lint format bench bench-scoring chromium clean

help:
	@echo "make run     create .venv, install, migrate, load the question bank, serve on 127.0.0.1:$(PORT)"
	@echo "make test    lint and the whole test suite (SQLite, or DATABASE_URL)"
	@echo "make superuser   create an admin account (asks for its name and password)"
	@echo "make serve   production server (gunicorn); needs SECRET_KEY and ALLOWED_HOSTS"
	@echo "make bench   throughput and latency of the main pages (see docs/performance.md)"
	@echo "make bench-scoring   time to score one answer (see docs/feedback.md)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

bank: migrate
	$(BIN)/python manage.py import_questions $(BANK)

superuser: migrate
	$(BIN)/python manage.py createsuperuser

run: export DEBUG ?= 1
run: bank
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: install
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 $(BIN)/python manage.py import_questions $(BANK)
	DEBUG=0 $(BIN)/gunicorn interviewprep.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers $${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
		(echo "installing Debian chromium for the browser tests" && \
		 (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

pytest: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint pytest

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-scoring: install
	$(BIN)/python bench/scoring.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
