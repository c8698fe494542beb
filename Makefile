# Europe, Türkiye and the new security order: build and test the course.
#   make book       set up (.venv, npm packages) and build the site into _build/html (incremental)
#   make test       set up, build, then run every test (printing the course is one of them)
#   make test-fast  for authors: the unit, content and data checks (no build, no browser; about a minute)
#   make pdf        print the built course to _build/pdf/ (after make book)
#   make schedule START=2027-02-15 [WEEKS=7|14]   the term plan as a calendar (.ics)
# Other targets: lms, lab, serve, student, bench, screens, lint, sources, clean.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JS_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
START ?=
WEEKS ?= 14
TEST_WORKERS ?= 3

.PHONY: lms book test test-fast lab serve student bench screens lint sources clean setup check-venv browser pdf schedule
.DEFAULT_GOAL := book

# A broken .venv (moved, or its Python gone) is rebuilt rather than half-used. The packages are found, not
# imported: importing Jupyter Book takes seconds, which every `make book` with nothing to do would pay.
export FIND_PACKAGES := import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("coursekit", "coursebuild", "jupyter_book", "myst_nb")))
check-venv:
	@if [ -d $(VENV) ] && ! $(PY) -c "import sys" >/dev/null 2>&1; then \
	  echo "make: $(VENV) is broken; recreating it"; rm -rf $(VENV); fi
	@if [ -f $(STAMP) ] && ! $(PY) -c "$$FIND_PACKAGES" >/dev/null 2>&1; then \
	  echo "make: $(VENV) is incomplete; reinstalling"; rm -f $(STAMP); fi

$(STAMP): requirements.txt pyproject.toml tools/jupyterlab/overrides.json
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV) || { echo "make: could not create $(VENV) with $(PYTHON)"; exit 1; }
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -r requirements.txt || { echo "make: installing requirements.txt failed (see the pip error above)"; exit 1; }
	@mkdir -p $(VENV)/share/jupyter/lab/settings && cp tools/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

$(JS_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is needed to fetch the pinned chart libraries (apt-get install npm)"; exit 1; }
	@npm ci --no-audit --no-fund --ignore-scripts --loglevel=error || { echo "make: npm ci failed (package-lock.json)"; exit 1; }
	@touch $@

setup: check-venv
	@$(MAKE) --no-print-directory $(STAMP) $(JS_STAMP)

# Incremental: only pages whose source or dependencies changed are read again, only notebooks whose code or
# dependencies changed run again, and _build/html is replaced only by a build that succeeded
# (coursebuild/build.py). `make book BOOK_ARGS=--all` reads every page again.
book: setup
	@$(PY) tools/check_toc.py
	@$(PY) -m coursebuild.build $(BOOK_ARGS)

browser:
	@if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "make: installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || { echo "make: apt-get install chromium failed"; exit 1; }; \
	  else echo "make: the browser tests need Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu)"; exit 1; fi; fi

# Tests run in parallel (pytest-xdist) on three workers, more than the two cores because much of the suite waits
# on kernels, servers and browsers. Each file, or each test class, stays on one worker (--dist loadscope), so
# its shared set-up (a notebook's kernel session, JupyterLab, the served site and Chromium) runs once, and the
# groups start in the order tests/conftest.py gives them, the longest first (not by their number of tests); the page
# checks of tests/test_screens.py are split into classes to spread them. (--dist loadgroup would be finer, but
# pytest-xdist 3.8 ignores xdist_group marks with pytest 9.2: pytest-dev/pytest-xdist#1386.) The course is
# printed inside the suite (tests/test_print.py), beside the other tests, unless `make pdf` printed this build.
test: book browser
	@$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

test-fast: setup
	@$(PY) -m pytest -m "not (slow or site or browser or lab)"

lab: setup
	@$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ServerApp.ip=$(HOST)

serve:
	@[ -f _build/html/index.html ] || { echo "make: no built site; run 'make book' first"; exit 1; }
	@echo "Serving the course on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@$(PY) -m http.server $(PORT) --bind $(HOST) --directory _build/html

student: setup
	@$(PY) -m coursebuild.student

bench: setup
	@[ -f _build/html/index.html ] || { echo "make: run 'make book' first"; exit 1; }
	@$(PY) benchmarks/run.py

pdf: setup
	@[ -f _build/html/index.html ] || { echo "make: there is no built site to print: run 'make book' first, then 'make pdf'"; exit 1; }
	@$(PY) tools/print_pdf.py

schedule: setup
	@$(PY) tools/termplan.py --start "$(START)" --weeks "$(WEEKS)"

sources: setup
	@$(PY) tools/sources.py _build/sources

# Screenshots of every page at phone (390 px) and laptop (1280 px) size, light and dark, for a reviewer;
# the same run checks each page (tests/test_screens.py).
screens: setup browser
	@[ -f _build/html/index.html ] || { echo "make: run 'make book' first"; exit 1; }
	@rm -rf _build/screens
	@status=0; COURSEKIT_SCREENS=_build/screens $(PY) -m pytest tests/test_screens.py -k every_screen -q || status=$$?; \
	  echo "make: $$(ls _build/screens | wc -l) screenshots in _build/screens/"; exit $$status

lint: setup
	@$(VENV)/bin/ruff check coursekit coursebuild tests tools benchmarks notebooks

lms: setup
	@$(PY) tools/lms.py

clean:
	rm -rf _build .jupyter_cache
