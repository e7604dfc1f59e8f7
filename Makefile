# One entry point for people and CI. Every target sets up what it needs itself:
# a virtualenv (.venv), the package in editable mode (re-installed only when
# pyproject.toml changes), and, where a target needs them, Java and npm tools.

PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
GRAPH   := build/npt-kg.ttl
OWLAPI  := /usr/share/java/owlapi-distribution.jar

.PHONY: serve test build bench eval model crossval loadtest docs dist clean owlapi assets lint wheel-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Java: Debian's OWL API (the library Protégé opens files with), for the DL profile check.
owlapi: $(OWLAPI)
$(OWLAPI):
	@command -v apt-get >/dev/null || { echo "need Debian's apt to install libowlapi-java" >&2; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libowlapi-java default-jdk-headless >/dev/null

# npm: the pages' packages (kg/commands/assets.py lists them), served locally. Optional: the query
# page falls back to a plain form. npm runs only for a package that is missing or at another version.
assets: $(STAMP)
	@if $(BIN)/npt-kg assets status >/dev/null; then :; \
	elif command -v npm >/dev/null; then $(BIN)/npt-kg assets install; \
	else echo "npm not found: the query page will use the plain HTML form"; fi

$(GRAPH): $(STAMP) $(wildcard seeds/*.txt) $(wildcard ontology/*.ttl)
	$(BIN)/npt-kg build -o $(GRAPH)

build: $(GRAPH)

serve: $(STAMP)
	-@$(MAKE) --no-print-directory assets
	$(BIN)/npt-kg serve --host $(HOST) --port $(PORT) --store-dir store

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The wheel, installed in a fresh venv outside the checkout: build, query, export and serve from there.
wheel-check: $(STAMP)
	bash .ci/wheel-check

test: $(STAMP) $(OWLAPI)
	-@$(MAKE) --no-print-directory assets
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.named
	$(BIN)/python -m bench.pdf

# Build throughput, builder accuracy and rdflib's default store (bench/build-results.md).
bench-build: $(STAMP)
	$(BIN)/python -m bench.run

# The extraction scored against the hand-annotated evaluation set (bench/eval/); writes the
# eval section of bench/results.md and bench/eval.json.
eval: $(STAMP)
	$(BIN)/npt-kg eval --json bench/eval.json --markdown bench/results.md

# The measure-type and risk-type models, fitted on bench/eval/dev (kg/data/*.model.json): again after any
# change of the rules, cues or schemes (a test fails until then). `make crossval` (after committing the
# model, so that the run records a clean tree): each writers' batch scored by a model fitted on the others.
model: $(STAMP)
	$(BIN)/npt-kg train

crossval: $(STAMP)
	$(BIN)/npt-kg train --cross --json bench/eval/crossval.json

loadtest: $(STAMP)
	$(BIN)/python -m bench.loadtest

docs: $(STAMP)
	$(BIN)/npt-kg docs

dist: $(STAMP) $(GRAPH)
	$(BIN)/npt-kg dist

clean:
	rm -rf build dist docs/ontology .pytest_cache .ruff_cache node_modules server/static/vendor
	find . -name __pycache__ -prune -exec rm -rf {} +
