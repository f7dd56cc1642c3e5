# Quick start: `make run` serves the app on http://localhost:8501; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test setup migrate demo lint format bench

$(STAMP): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python -m planner migrate

run: setup
	$(BIN)/python -m planner demo --if-empty
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m planner bench --json bench.json

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
