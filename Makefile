# Switchboard developer targets. CI runs `make test` (see .ci/run).

GO      ?= go
NPM     ?= npm
PKGS    ?= ./...
NPM_DIR := testdata/npm

.PHONY: all run build test npm-deps vet bench fmt lint

all: build

## run: start the gateway locally
run:
	$(GO) run ./cmd/switchboard serve

## build: build bin/switchboard
build:
	$(GO) build -o bin/switchboard ./cmd/switchboard

# PostgreSQL for the store conformance suite (trust auth on loopback, as in CI).
SWITCHBOARD_TEST_POSTGRES_DSN ?= postgres://postgres@127.0.0.1:5432/test
export SWITCHBOARD_TEST_POSTGRES_DSN

## test: install the pinned npm peers, vet, run every test with the race detector,
## then export one million audit events without -race to prove memory stays bounded
test: npm-deps vet
	$(GO) test -race $(PKGS)
	SWITCHBOARD_TEST_LARGE=1 $(GO) test -count=1 -run 'TestAuditExportMemoryBounded' ./internal/admin/

## npm-deps: install the npm test peers exactly as locked (testdata/npm)
npm-deps:
	$(NPM) ci --prefix $(NPM_DIR) --no-audit --no-fund

vet:
	$(GO) vet $(PKGS)

## bench: run the benchmarks only
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## fmt: rewrite Go files with gofmt
fmt:
	gofmt -w $$(git ls-files --cached --others --exclude-standard '*.go')

## lint: fail on unformatted Go files, then go vet
lint: vet
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
