# rbench. `make run` benchmarks a throwaway local Redis and writes an HTML report;
# `make test` runs every test against real redis-server processes.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN := bin/rbench

.PHONY: build run test bench bench-sender bench-rtt bench-ceiling versus gatenoise lint clean assets screenshots

build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/rbench

# The chart library is fetched from the npm registry at a pinned version and
# embedded at build time; it is not committed. npm verifies the tarball against
# the registry's integrity hash; the sha256 pins the file we embed.
ECHARTS_VERSION := 5.5.1
ECHARTS_SHA256 := e84270bd0cd5bdf60fefc26d00c2a391cb2e81f4d26a7a9ee16185a54773a3cf
ECHARTS_JS := report/assets/echarts.min.js

assets: $(ECHARTS_JS)

$(ECHARTS_JS):
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  ( cd "$$tmp" && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null ) && \
	  tar -xzf "$$tmp"/echarts-$(ECHARTS_VERSION).tgz -C "$$tmp" package/dist/echarts.min.js && \
	  echo "$(ECHARTS_SHA256)  $$tmp/package/dist/echarts.min.js" | sha256sum -c --quiet - && \
	  cp "$$tmp"/package/dist/echarts.min.js $@.tmp && mv $@.tmp $@ && \
	  echo "fetched echarts $(ECHARTS_VERSION) into $@"

# A real benchmark on a throwaway redis-server that rbench starts and removes:
# the node's write path under msgpack and then JSON, results under results/run-*/
# and an HTML report whose path is the last line printed.
run: build
	./$(BIN) run --workload populate --keys 10000 --encoding msgpack,json --report

# The coordinated-omission test asserts a sub-millisecond service-time p50, so
# it runs on its own after the suite, not beside packages that load the CPU.
TIMING_TESTS := TestCoordinatedOmission
test: build
	$(GO) test -race -count=1 -timeout 9m -skip '^($(TIMING_TESTS))$$' ./...
	$(GO) test -race -count=1 -timeout 2m -run '^($(TIMING_TESTS))$$' ./workloads/

# The README's report pictures (docs/report-*.png), from the browser test.
screenshots: assets
	RBENCH_README_DIR=$(CURDIR)/docs $(GO) test -count=1 -run TestREADMEScreenshots ./report/browsertest

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The calibrated sender's acceptance figure on its own (run it on a quiet
# machine): response p50 minus service p50 at 200 ops/s from one connection,
# goal <= 20 us; docs/performance.md quotes it.
bench-sender:
	$(GO) test -run '^$$' -bench 'SenderGap' -benchtime 1x -v ./workloads/ | grep -E 'gap-us|goal|^ok|FAIL'

# The --project-rtt projection against a delayed link (docs/writer.md): netem
# on a veth pair into a namespace it creates (root), or, where the kernel has
# no netem, a userspace relay adding RTT/2 each way, which it says. A few
# minutes; RBENCH_BENCH_RTT_DELAY=200us for another RTT (default 1ms).
bench-rtt:
	RBENCH_BENCH_RTT=1 $(GO) test -count=1 -timeout 30m -run '^TestProjectionAgainstDelayedLink$$' -v ./ceiling/ 2>&1 | grep -E 'netem|link|closed loop|capacity|paced|projected|bench-rtt|^ok|FAIL|panic'

# The writer's ceiling and saturation on this machine (docs/writer.md): the
# default search at buffer 0 and 100 ms, then 10 s runs at 80% of each
# ceiling (lag p99 under the bound) and 120% of each saturation rate (a
# growing queue). About 8 minutes; run it on a quiet machine.
# RBENCH_BENCH_CEILING_TARGET=5ms for another lag target.
bench-ceiling:
	RBENCH_BENCH_CEILING=1 $(GO) test -count=1 -timeout 40m -run '^TestCeilingHoldsOnThisMachine$$' -v ./ceiling/ 2>&1 | grep -E 'bench-ceiling:|: ceiling |: saturation |Error|^ok|FAIL|panic'

# rbench's raw workload against redis-benchmark on one throwaway server, in
# alternating pairs; docs/performance.md quotes its medians.
versus: build
	$(GO) run ./bench/versus $(VERSUS_FLAGS)

# The gate's false-alarm and detection rates on this machine (docs/gates.md):
# 10 rounds of identical order-flow runs on a throwaway server, the third of
# each with a DEBUG SLEEP loop doubling its p99; each side 20 interleaved 4 s
# runs merged as repeats. About 42 minutes; not in test.
gatenoise: build
	$(GO) run ./bench/gatenoise $(GATENOISE_FLAGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf bin
