# ferroalchemy: every target works from a fresh clone with Python >= 3.11 and a Rust toolchain.
# The README's two commands are `make demo` and `make test`; .ci/run calls `make test`.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed
PYDEPS := maturin>=1.7,<2 pytest>=8 ruff==0.17.6 sqlalchemy==2.1.9 fastapi httpx pydantic alembic
CARGO_TEST_FLAGS := --workspace --exclude ferro-py

.PHONY: help venv build demo test lint rust-test py-test compat bench fmt clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(foreach dep,$(PYDEPS),"$(dep)")
	touch $(STAMP)

venv: $(STAMP) ## Create the local virtualenv with the build and test tools

build: $(STAMP) ## Build the extension (release) into the virtualenv
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/maturin develop --release --quiet

demo: build ## Build, then run the main job: the demo on a SQLite file
	$(PY) -m ferroalchemy.demo

lint: $(STAMP) ## cargo fmt --check, clippy -D warnings, ruff
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(VENV)/bin/ruff check python tests-py benches
	$(VENV)/bin/ruff format --check python tests-py benches

rust-test: ## Rust unit, golden and engine tests
	cargo test $(CARGO_TEST_FLAGS)

py-test: build ## pytest over tests-py
	$(PY) -m pytest tests-py -q

compat: build ## The compat ratchet over ../shared/compat
	$(PY) tests-py/compat_ratchet.py

test: lint rust-test py-test compat ## Everything: lints, Rust tests, pytest, compat ratchet

bench: build ## Benchmarks: ferroalchemy vs SQLAlchemy 2.1 vs the raw driver
	$(PY) benches/bench.py

fmt: $(STAMP) ## Format Rust and Python sources
	cargo fmt --all
	$(VENV)/bin/ruff format python tests-py benches

clean: ## Remove build outputs and the virtualenv
	rm -rf target $(VENV)
