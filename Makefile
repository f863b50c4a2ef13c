# rbench. `make run` benchmarks a throwaway local Redis and writes an HTML report;
# `make test` runs every test against real redis-server processes.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN := bin/rbench

.PHONY: build run test bench lint clean assets

build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/rbench

# The chart library is fetched from the npm registry at a pinned version and
# embedded at build time; it is not committed.
assets:

run: build
	./$(BIN) run --workload populate --keys 10000 --encoding msgpack,json

test: build
	$(GO) test -race -count=1 -timeout 9m ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.7.0 ./...

clean:
	rm -rf bin
