# Every target creates .venv itself on a fresh machine (CPU torch first, then the project).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export OMP_NUM_THREADS ?= 1

.PHONY: setup serve test test-all index eval bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev,eval]"
	touch $(STAMP)

setup: $(STAMP)

# Until the API issue lands, "serve" shows what the built-in demo corpus yields.
serve: $(STAMP)
	$(BIN)/python -m assistant corpus stats --source demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m ""

index: $(STAMP)
	$(BIN)/python -m assistant index

eval: $(STAMP)
	$(BIN)/python -m eval

bench: $(STAMP)
	$(BIN)/python benchmarks/corpus_load.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
