# Observatory: the two commands a newcomer needs are `make run` and `make test`.

GO          ?= go
DATA        ?= ./data
ADDR        ?= 127.0.0.1:8080
BIN         := bin/observatory
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Benchmarks: BENCH selects them, BENCHTIME sets how long each runs.
BENCH       ?= .
BENCHTIME   ?= 1x

.PHONY: all build run test fmt-check vet staticcheck unit bench clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/observatory

## run: build and serve the observatory on $(DATA) (seeded registry on first start) at http://$(ADDR)
run: build
	$(BIN) --data $(DATA) serve --addr $(ADDR)

## test: everything CI checks
test: fmt-check vet staticcheck unit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

unit:
	$(GO) test -race -timeout 25m ./...

## bench: the benchmarks whose figures the README quotes
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -timeout 6h ./...

clean:
	rm -rf bin
