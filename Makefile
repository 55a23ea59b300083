# The two Quickstart commands (`make demo`, `make test`), CI (`.ci/run` runs `make test`) and
# the documentation site (`make docs` builds docs/ into site/, strictly: a broken link fails).
# Each builds .venv from pyproject.toml on first use, so a fresh clone needs only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/claimcheck check fixtures/intimacy/intimacy-draft.md --offline

test: $(STAMP)
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache site
