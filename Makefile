# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DATA_DIR ?= $(CURDIR)/instance
# `make run` serves on PORT; e-mailed links (BASE_URL) follow it unless BASE_URL is set.
PORT   ?= 5000

.PHONY: run test test-sqlite test-postgres install lint translations translations-update clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d translations

# The web server and, beside it, the job worker (mail, uploads, search index); Ctrl-C stops both.
run: export BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app demo
	$(BIN)/flask --app app worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
test: install
	$(BIN)/python tests/run_suite.py

# After adding or changing UI strings: extract, merge into the catalogue, sort; then translate.
translations-update: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o $(VENV)/messages.pot \
		--ignore-dirs=".venv tests bench migrations" .
	$(BIN)/pybabel -q update -i $(VENV)/messages.pot -d translations --ignore-obsolete
	$(BIN)/python translations/tidy.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
