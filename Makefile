# Kurator build, code generation and verification.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

# Tools are installed into ./bin at pinned versions.
LOCALBIN ?= $(CURDIR)/bin
CONTROLLER_GEN_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.15.0
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
GOLANGCI_LINT ?= $(LOCALBIN)/golangci-lint

# Version stamped into the binaries and the image tag.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo v0.1.0-dev)
VERSION_LDFLAGS := -X kurator.dev/kurator/internal/version.Version=$(VERSION)

# Directories holding generated output checked by `make verify`.
GENERATED_DIRS := api config charts

.DEFAULT_GOAL := help

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage:\n  make \033[36m<target>\033[0m\n"} \
		/^[a-zA-Z0-9_.-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } \
		/^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: generate
generate: controller-gen ## Generate deepcopy code and CRD manifests from ./api, and extract Istio's networking CRDs from istio.io/api, and write the host install's chart (charts/kurator) and the pull agent's (charts/kurator-agent) from internal/components.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...
	$(CONTROLLER_GEN) crd:crdVersions=v1 paths=./api/... output:crd:artifacts:config=config/crd/bases
	go run ./hack/istiocrds -out config/crd/istio
	go run ./hack/chartgen -out charts/kurator -agent-out charts/kurator-agent

.PHONY: verify
verify: controller-gen ## Fail if the generated files (deepcopy, CRDs, Istio's CRDs) are not what ./api and go.mod generate.
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	cp -r $(GENERATED_DIRS) "$$tmp/"; \
	$(MAKE) -s generate >/dev/null; \
	for d in $(GENERATED_DIRS); do \
		if ! diff -r "$$tmp/$$d" "$$d" >/dev/null; then \
			diff -r "$$tmp/$$d" "$$d" >&2 || true; \
			rm -rf "$$d" && cp -r "$$tmp/$$d" "$$d"; \
			echo "generated files under $$d are out of date: run 'make generate'" >&2; exit 1; \
		fi; \
	done

.PHONY: fmt
fmt: ## Run gofmt on all Go files.
	gofmt -s -w $$(git ls-files --cached --others --exclude-standard '*.go')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: golangci-lint ## Run golangci-lint.
	$(GOLANGCI_LINT) run ./...

.PHONY: test
# Packages cheap enough to run again under the race detector.
RACE_PKGS := ./internal/scheduler/... ./internal/controller/... ./internal/kubeletsim/...

test: setup verify vet lint build ## Check generated code, vet and lint, then run every test (unit, integration against real local fleets, and a race pass).
	KURATOR_BIN_DIR=$(LOCALBIN) go test -count=1 -timeout 20m ./...
	go test -race -count=1 -timeout 10m $(RACE_PKGS)

.PHONY: setup
setup: ## Install the Debian packages the tests need (Prometheus), if missing.
	bash hack/setup.sh

##@ Build

.PHONY: build
KUBE_LDFLAGS := -X k8s.io/component-base/version.gitVersion=v1.37.2 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean

build: ## Build kurator, kubectl-kurator, kurator-controller-manager, kurator-agent and kurator-cluster into ./bin.
	CGO_ENABLED=0 go build -ldflags "$(VERSION_LDFLAGS)" -o $(LOCALBIN)/ ./cmd/kurator ./cmd/kurator-controller-manager ./cmd/kurator-agent
	CGO_ENABLED=0 go build -ldflags "$(VERSION_LDFLAGS) $(KUBE_LDFLAGS)" -o $(LOCALBIN)/kurator-cluster ./cmd/kurator-cluster
	cp $(LOCALBIN)/kurator $(LOCALBIN)/kubectl-kurator

.PHONY: image
image: build ## Build the OCI image of kurator, kurator-controller-manager, kurator-agent and kurator-cluster (no base image, no daemon) into bin/kurator-image.tar.
	go run -ldflags "$(VERSION_LDFLAGS)" ./hack/image -bin-dir $(LOCALBIN) -out $(LOCALBIN)/kurator-image.tar

up: build ## Build and start the local fleet (then: kubectl --context kurator ...).
	$(LOCALBIN)/kurator up

down: ## Stop the local fleet.
	$(LOCALBIN)/kurator down

##@ Tools

$(LOCALBIN):
	mkdir -p $(LOCALBIN)

# The install targets are phony so that a version bump above reinstalls the tool.
.PHONY: controller-gen
controller-gen: | $(LOCALBIN) ## Install controller-gen into ./bin.
	@if [ ! -x "$(CONTROLLER_GEN)" ] || ! "$(CONTROLLER_GEN)" --version | grep -qF "$(CONTROLLER_GEN_VERSION)"; then \
		echo "installing controller-gen $(CONTROLLER_GEN_VERSION)"; \
		GOBIN=$(LOCALBIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION); \
	fi

.PHONY: golangci-lint
golangci-lint: | $(LOCALBIN) ## Install golangci-lint into ./bin.
	@if [ ! -x "$(GOLANGCI_LINT)" ] || ! "$(GOLANGCI_LINT)" version --short 2>/dev/null | grep -qF "$(GOLANGCI_LINT_VERSION:v%=%)"; then \
		echo "installing golangci-lint $(GOLANGCI_LINT_VERSION)"; \
		GOBIN=$(LOCALBIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); \
	fi

bench: build ## Run the benchmarks (local fleet start-up and memory); results go to BENCHMARKS.md.
	KURATOR_BIN_DIR=$(LOCALBIN) go test -run '^$$' -bench . -benchtime 3x -timeout 30m ./test/bench/...
