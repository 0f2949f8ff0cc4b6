# The two commands of the README: `make test` and `make run`. Both provision what is missing.
BIN := .venv/bin
export PYTHONPATH := scripts

.PHONY: test run call provision lint
NUMBER ?= 4008

test: provision lint
	$(BIN)/pytest

lint: provision
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

run: provision
	$(BIN)/python -m rig run

call:
	$(BIN)/python -m rig call $(NUMBER)

provision:
	@bash scripts/provision.sh
