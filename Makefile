# Two commands for everyone: `make lab` (learn) and `make test` (maintain). Needs Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab teach test build install clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Open JupyterLab on the exercises as a learner sees it: Validate and the Assignment List, but no
## instructor tools (jupyter/learner/ switches them off). The course is generated if missing.
lab: $(STAMP)
	test -d exercises || $(BIN)/grader build
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/learner \
	  $(BIN)/jupyter lab --ServerApp.root_dir=exercises $(ROOT_FLAG) $(LAB_ARGS)

## Open the instructor's JupyterLab on the whole course: Formgrader, Create Assignment, Course List.
teach: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS)

## Regenerate exercises/ and solutions/ from course/.
build: $(STAMP)
	$(BIN)/grader build

## The whole suite: lint, generated folders fresh, unit tests, round trips, answer keys run clean.
test: $(STAMP)
	$(BIN)/ruff check grader tests benchmarks
	$(BIN)/grader build --check
	$(BIN)/python -m pytest -n auto --dist loadfile tests --nbval-lax solutions

clean:
	rm -rf $(VENV) .grader-work
