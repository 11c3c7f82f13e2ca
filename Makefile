# Marsad — the two commands: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
# Debian packages: fonts for Arabic in reports, pango for PDF, poppler for PDF checks,
# chromium for browser tests, a Java runtime for Spark.
DEMO_DEBS := fonts-noto-core fonts-hosny-amiri libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS := $(DEMO_DEBS) poppler-utils chromium default-jre-headless

.PHONY: demo test venv venv-dev sysdeps-demo sysdeps-test lint lint-only bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The environment may set PYTHONDONTWRITEBYTECODE: compile once here, or every process pays
# several seconds of recompiling its imports.
COMPILE = $(VENV)/bin/python -m compileall -q -j 0 src $(VENV)/lib/python3*/site-packages >/dev/null 2>&1 || true

venv: $(UV)
	$(UV) sync --frozen --no-dev --quiet
	@$(COMPILE)

venv-dev: $(UV)
	$(UV) sync --frozen --all-groups --all-extras --inexact --quiet
	@scripts/optional-torch.sh $(TOOLS)/bin/pip $(VENV)/bin/python
	@$(COMPILE)

sysdeps-demo:
	@scripts/sysdeps.sh $(DEMO_DEBS)

sysdeps-test:
	@scripts/sysdeps.sh $(TEST_DEBS)

demo: venv sysdeps-demo
	$(VENV)/bin/marsad demo

test: venv-dev sysdeps-test lint-only
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: venv-dev lint-only

lint-only:
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy

bench: venv-dev
	@for b in benchmarks/*.py; do echo "== $$b"; $(VENV)/bin/python $$b; done

clean:
	rm -rf $(VENV) $(TOOLS) marsad-data .pytest_cache
