# ferroalchemy: every target works from a fresh clone with Python >= 3.11 and a Rust toolchain.
# The README's two commands are `make demo` and `make test`; .ci/run calls `make test`.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed
PYDEPS := maturin>=1.7,<2 pytest>=8 ruff==0.17.6 sqlalchemy==2.1.9 fastapi httpx pydantic alembic
# The benchmark's other targets: SQLAlchemy's drivers and the raw floors (bench/test-only).
BENCHDEPS := psycopg[binary]==3.3.9 asyncpg==0.32.0 aiosqlite==0.22.1 pymysql==1.2.4 aiomysql==0.3.2 \
	greenlet==3.5.6 pyarrow==26.0.1
CARGO_TEST_FLAGS := --workspace --exclude ferro-py

.PHONY: help venv build demo test lint rust-test py-test compat bench bench-compile bench-rust bench-callgrind fmt clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(foreach d,$(PYDEPS) $(BENCHDEPS),"$(d)")
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

rust-test: ## Rust unit, golden and engine tests, and one unmeasured pass of each Rust bench
	cargo test $(CARGO_TEST_FLAGS)
	cargo test -p ferro-benches --benches

py-test: build ## pytest over tests-py
	$(PY) -m pytest tests-py -q

compat: build ## The compat ratchet over ../shared/compat
	$(PY) tests-py/compat_ratchet.py

test: lint rust-test py-test compat ## Everything: lints, Rust tests, pytest, compat ratchet

bench: build ## Benchmarks: ferroalchemy vs SQLAlchemy 2.1 vs the raw driver (SQLite, PostgreSQL, MySQL)
	FERRO_TEST_POSTGRES_URL=$${FERRO_TEST_POSTGRES_URL:-postgresql://root@127.0.0.1:5432/test} \
	FERRO_TEST_MYSQL_URL=$${FERRO_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test} \
	$(PY) benches/bench.py

bench-compile: build ## Statement building + compiling: warm-cache point select and a cold three-join compile vs SQLAlchemy
	for d in sqlite postgresql mysql; do $(PY) benches/compile.py --dialect $$d || exit 1; done

bench-rust: ## Rust microbenchmarks (divan): statement cache, row decoding, flush planning
	cargo bench -p ferro-benches

bench-callgrind: ## The Rust benches' instruction counts under valgrind (stable on a noisy machine)
	$(PYTHON) benches/callgrind.py

fmt: $(STAMP) ## Format Rust and Python sources
	cargo fmt --all
	$(VENV)/bin/ruff format python tests-py benches

clean: ## Remove build outputs and the virtualenv
	rm -rf target $(VENV)
