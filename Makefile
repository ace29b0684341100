# Two commands on a fresh machine: `make render` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
MANIFESTS := $(wildcard manifests/*.yaml)

.PHONY: setup setup-test bytecode system system-test apt-install venv venv-test axe translations render demo-media validate plan test test-fast e2e publish bench clean

setup: system venv bytecode
setup-test: setup system-test axe venv-test

# axe-core, the accessibility engine the page's tests inject into Chromium, from the npm registry.
AXE_VERSION := 4.10.3
AXE := tests/.cache/npm/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	npm install --silent --no-audit --no-fund --prefix tests/.cache/npm axe-core@$(AXE_VERSION)

# System tools: ffmpeg/ffprobe (unless $$FFMPEG/$$FFPROBE point elsewhere), the Noto fonts,
# espeak-ng for the demo's voice lines. Installed with apt-get as root, else a clear message.
system:
	@missing=""; \
	command -v "$${FFMPEG:-ffmpeg}" >/dev/null || missing="$$missing ffmpeg"; \
	command -v "$${FFPROBE:-ffprobe}" >/dev/null || missing="$$missing ffmpeg"; \
	fc-list 2>/dev/null | grep -q "NotoSans-Regular" || missing="$$missing fonts-noto-core"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	$(MAKE) --no-print-directory apt-install PACKAGES="$$missing"

# The tests also open the catalog page in Debian's headless Chromium, fetch a language's files
# with wget as a station would, get axe-core with npm, read masters' wrappers with mediainfo,
# and a Broadcast WAV's cart chunk with libsndfile.
system-test:
	@missing=""; \
	command -v chromium >/dev/null || missing="chromium"; \
	command -v mediainfo >/dev/null || missing="$$missing mediainfo"; \
	command -v wget >/dev/null || missing="$$missing wget"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	ldconfig -p | grep -q "libsndfile.so.1 " || missing="$$missing libsndfile1"; \
	$(MAKE) --no-print-directory apt-install PACKAGES="$$missing"

apt-install:
	@missing="$(strip $(PACKAGES))"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    scripts/apt_install.sh $$missing; \
	  else \
	    echo "missing:$$missing -- install with: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

# `make render` installs what the pipeline runs on; `make test` adds the test tools (moto,
# Playwright, Dask's distributed...), which would add half a minute to a first render.
venv: $(STAMP)
venv-test: $(TEST_STAMP)

# The package is installed editable, so pip never byte-compiles it; where PYTHONDONTWRITEBYTECODE
# is set (as on these machines) every command would compile ~70 modules again: 0.19 s a start.
# Python still checks each .pyc against its source, so a stale one is only slower, never wrong.
bytecode: venv
	$(BIN)/python -m compileall -q pipeline

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $(TEST_STAMP)

demo-media: setup
	$(BIN)/python scripts/make_demo_media.py

render: demo-media
	$(BIN)/pipeline render $(MANIFESTS)

validate: demo-media
	$(BIN)/pipeline validate $(MANIFESTS)

plan: demo-media
	$(BIN)/pipeline plan $(MANIFESTS)

publish: render
	$(BIN)/pipeline publish $(MANIFESTS)

# One pytest worker a core (pytest-xdist), each taking whole files, so that a module's media
# fixtures are made once: 11.6 min for the suite on 2 cores against 14.2 one test at a time.
# PYTEST_WORKERS=0 runs them in this process (for -x, --pdb and reading a failure in order).
PYTEST_WORKERS ?= auto
# --durations: the slowest steps in every run's log, where the suite's 10-minute budget goes.
PYTEST := $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --durations=25

test: setup-test
	$(PYTEST)

test-fast: setup-test
	$(PYTEST) -m "not e2e"

e2e: setup-test
	$(PYTEST) -m e2e

# Messages of the broadcasters' page: extract them into page.pot and merge them into each
# language's .po (then translate what is new; tests/test_page_model.py checks nothing is left).
LOCALE := pipeline/publish/locale
translations: venv
	$(BIN)/pybabel extract -F $(LOCALE)/babel.cfg -k N_ -k N_plural:1,2 --no-location --sort-output \
	  --project=pipeline -o $(LOCALE)/page.pot .
	$(BIN)/pybabel update -D page -i $(LOCALE)/page.pot -d $(LOCALE) --no-fuzzy-matching \
	  --ignore-obsolete --width 100
	@# Nothing to translate changed: the new creation date alone is put back, so that the
	@# catalogs are not left modified (a new user's checkout was, after a plain run).
	@if git rev-parse --git-dir >/dev/null 2>&1 && \
	  git diff --quiet -I 'POT-Creation-Date' -- $(LOCALE); then \
	  git checkout -q -- $(LOCALE); fi

bench: setup
	$(BIN)/python bench/bench_render.py

# Outputs and caches only: media/ and audio/ hold the masters and the recorded deliveries
# (the demo's are generated, a campaign's are not), which no clean may delete unasked.
clean:
	rm -rf build dist bench/work tests/artifacts tests/.cache
