# The README's two commands: `make book` and `make test`. Both set everything up themselves:
# .venv with the pinned requirements, the site's JavaScript (pinned npm tarballs, fetched once into a cache), and
# for the browser tests Debian's Chromium (installed with apt-get when running as root and missing).
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
# Reinstall when the pinned requirements change.
STAMP    := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
# The site's vendored JavaScript, staged for Sphinx's html_extra_path (see _config.yml and tools/vendor_assets.py).
VENDOR   := _build/_vendor/vendor/versions.json
CHROMIUM ?= /usr/bin/chromium
# The strict build: warnings are errors, nitpicky references, and report every problem, not only the first.
STRICT   := -W -n --keep-going
HOST     ?= 127.0.0.1
PORT     ?= 8000
# Jupyter refuses to run as root without this (containers, CI machines).
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: all python-check venv vendor chromium book book-strict book-student pdf bundle test lint format serve lab bench bench-book \
        bench-page clean

all: book

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@cd / && $(CURDIR)/$(BIN)/python -c "import calculators.charts" || { \
	  echo "calculators does not import from outside the repository: reinstalling it"; \
	  $(CURDIR)/$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall -e $(CURDIR); }
	@rm -f $(VENV)/.installed-*
	@touch $@

# The pinned numpy and pandas need Python 3.11 or newer: say so in one line before a venv is made (an older Python
# would fail deep inside pip). Checks the venv's Python when there is one, else $(PYTHON).
PY_NEEDED := 3.11
PY_USED    = $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
PY_STATUS  = $(shell v=$$($(PY_USED) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) \
  || { echo "LLMs 101 needs Python $(PY_NEEDED) or newer, and $(PY_USED) does not run: set PYTHON=python3.11 (or newer)"; exit 0; }; \
  major=$${v%%.*}; rest=$${v#*.}; minor=$${rest%%.*}; \
  if [ "$$major" -lt 3 ] || { [ "$$major" -eq 3 ] && [ "$$minor" -lt 11 ]; }; then \
  echo "LLMs 101 needs Python $(PY_NEEDED) or newer; found Python $$v ($(PY_USED)): $(if $(wildcard $(BIN)/python),remove $(VENV) and )set PYTHON=python3.11 (or newer)"; \
  else echo ok; fi)
# make's own one-line stop ("Makefile:N: *** <message>.  Stop."), before anything runs.
python-check:
	$(if $(filter-out ok,$(PY_STATUS)),$(error $(PY_STATUS)))

venv: python-check $(STAMP)

# npm pack when npm is there, else the same tarballs straight from the npm registry; sha512-checked either way.
$(VENDOR): tools/vendor.json tools/vendor_assets.py | $(STAMP)
	$(BIN)/python tools/vendor_assets.py all _build/_vendor

vendor: $(VENDOR)

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser tests and the PDFs need Chromium at $(CHROMIUM): apt-get install chromium (as root)"; exit 1; fi; \
	  test -x "$(CHROMIUM)" || { echo "chromium was installed but $(CHROMIUM) is still missing"; exit 1; }; \
	fi

book: venv vendor
	$(BIN)/jupyter-book build .
	@echo "The course is built: open $(CURDIR)/_build/html/index.html (or run: make serve)"

book-strict: venv vendor
	$(BIN)/jupyter-book build . $(STRICT)

# The workshop kit (README, "Para instrutores"). EDITION_FLAGS=--strict builds them as strictly as `make test`.
# The student edition: every exercise, no solution, no instructor's guide, a banner on every page.
book-student: venv vendor
	$(BIN)/python tools/editions.py student $(EDITION_FLAGS)
	@echo "The student edition is built: $(CURDIR)/_build/student/html/index.html"

# The printable handouts, printed by Chromium from a one-page build of each edition (no LaTeX).
pdf: venv vendor chromium
	$(BIN)/python tools/editions.py print aluno $(EDITION_FLAGS)
	$(BIN)/python tools/editions.py print instrutor $(EDITION_FLAGS)
	$(BIN)/python tools/print_pdf.py aluno instrutor

# The offline classroom bundle: both editions and the PDFs in one zip, served with `python3 -m http.server`.
bundle: book book-student pdf
	$(BIN)/python tools/bundle.py

# Lint, the strict executed build, the student edition, the PDFs and the bundle (built strictly too, from the same
# execution cache), then every test (the site tests open them in Chromium). The tests run even when a build fails,
# so one run reports everything; the target fails if anything did.
test: venv vendor chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@status=0; \
	$(BIN)/jupyter-book build . $(STRICT) || { status=$$?; echo "make test: the strict book build FAILED (see above)"; }; \
	$(MAKE) --no-print-directory book-student pdf EDITION_FLAGS=--strict && $(BIN)/python tools/bundle.py \
	  || { status=1; echo "make test: the student edition, the PDFs or the bundle FAILED (see above)"; }; \
	$(BIN)/python -m pytest || status=$$?; \
	exit $$status

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

serve: book
	@echo "Serving the course on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind $(HOST) --directory _build/html

# JupyterLab on 127.0.0.1; .jupyter/labconfig makes the chapters (.md) open as notebooks (jupytext), and charts
# load vega from the staged vendor folder, so they draw offline too.
lab: venv vendor
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter" LLMS101_VEGA_BASE_URL=/files/_build/_vendor/vendor/ \
	  $(BIN)/jupyter lab --ip $(HOST) --no-browser $(ROOTFLAG) --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/chapters/intro.md

bench: venv
	$(BIN)/python benchmarks/bench_calculators.py

# Cold build with execution, rebuild with nothing changed, and the site's weight (builds in a temporary copy).
bench-book: venv vendor
	$(BIN)/python benchmarks/bench_book.py

# The in-page calculator in Chromium: first-load weight, paste-to-rows time (article, 1 MB), all tokenizers' weight.
bench-page: book chromium
	$(BIN)/python benchmarks/bench_page.py

clean:
	rm -rf _build
