# payband — build, test and demo. `make` alone lists the targets.
GO        ?= go
TAGS      := duckdb_arrow
BIN       := bin/payband
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
GOFLAGS_T := -tags $(TAGS)
STATICCHECK_VERSION := v0.8.2
FUZZTIME  ?= 10s
# Minimizing each new interesting input may take up to 60 s by default, and
# execs are not counted meanwhile (the "0 execs/sec" stalls of golang/go#51484);
# short runs spend their time fuzzing instead.
FUZZMINIMIZETIME ?= 1s
DEMO_DIR  ?= demo

export CGO_ENABLED := 1

.DEFAULT_GOAL := help

.PHONY: help build test test-race test-crash test-fuzz demo bench eval-titles lint fmt clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/payband
	$(GO) build $(GOFLAGS_T) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/payband

# Three tiers (docs/architecture.md, "Test tiers"). make test is the
# everyday loop, under three minutes on two cores (docs/benchmarks.md).
test: ## run the tests (no race detector, no crash tier)
	$(GO) test $(GOFLAGS_T) -timeout 15m ./...

# The packages that run goroutines of their own; -race on the whole suite
# takes half an hour on two cores, most of it re-running the same queries.
RACE_PKGS := ./ingest ./bands ./report ./warehouse ./internal/...

test-race: ## the concurrent packages' tests under the race detector
	$(GO) test $(GOFLAGS_T) -race -timeout 30m $(RACE_PKGS)

# The crash tier runs children of bin/payband, built once without -race.
test-crash: build ## SIGKILL loops (runs, exports), full-disk and read-only-mount tests (build tag crash)
	PAYBAND_BIN=$(abspath $(BIN)) $(GO) test $(GOFLAGS_T),crash -count=1 -timeout 30m -run 'SIGKILL|DiskFull|ReadOnlyWarehouse' ./cmd/payband
	$(GO) test $(GOFLAGS_T),crash -count=1 -timeout 15m -run 'Killed' ./clickhouse

test-fuzz: ## run each fuzz target for FUZZTIME (default 10s)
	@for t in $$($(GO) test $(GOFLAGS_T) -list 'Fuzz.*' ./... | grep -E '^(Fuzz|ok)' | awk '/^ok/ {pkg=$$2} /^Fuzz/ {print pkg":"$$1}'); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name"; \
		$(GO) test $(GOFLAGS_T) -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg || exit 1; \
	done

demo: build ## generate data, ingest it, write the report; prints where index.html and the warehouse are
	./$(BIN) demo --out $(DEMO_DIR)

bench: build ## Go benchmarks of the hot paths, then the end-to-end comparison (bench/run.sh)
	$(GO) test $(GOFLAGS_T) -run '^$$' -bench . -benchmem ./...
	@if [ -x bench/run.sh ]; then bench/run.sh; fi

eval-titles: ## precision and recall of the title matcher on the labeled set
	$(GO) test $(GOFLAGS_T) -count=1 -run TestTitleEval -v ./titles

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(GOFLAGS_T) ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) -tags $(TAGS) ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output, the demo and the default warehouse
	rm -rf bin $(DEMO_DIR) data/payband.duckdb data/payband.duckdb.wal data/payband.duckdb.lock
