# The two commands of the README. Both set up .venv from nothing when needed.
.PHONY: run test test-fast lint bench

run:  ## set up, then run the baseline scenario
	scripts/bootstrap.sh
	.venv/bin/crisis-sim

lint:  ## style, formatting and the layer contracts
	.venv/bin/ruff check sim tests benchmarks scripts examples
	.venv/bin/ruff format --check sim tests benchmarks scripts examples
	.venv/bin/lint-imports

test:  ## set up, then lint and run the whole test suite (unit, property, behaviour, e2e)
	scripts/bootstrap.sh test
	$(MAKE) --no-print-directory lint
	.venv/bin/python -m pytest -n 2 -W error::FutureWarning

test-fast:  ## set up, then the unit and property tests only (under a minute)
	scripts/bootstrap.sh test
	.venv/bin/python -m pytest -n 2 -W error::FutureWarning -m "not slow"

bench:  ## set up, then run the benchmarks
	scripts/bootstrap.sh
	.venv/bin/python benchmarks/bench.py --readme README.md
