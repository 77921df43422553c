# The two commands of the README. Both set up .venv from nothing when needed.
.PHONY: run test lint bench

run:  ## set up, then run the baseline scenario
	scripts/bootstrap.sh
	.venv/bin/crisis-sim

test:  ## set up, then lint and run the whole test suite
	scripts/bootstrap.sh test
	.venv/bin/ruff check sim tests benchmarks
	.venv/bin/ruff format --check sim tests benchmarks
	.venv/bin/python -m pytest -W error::FutureWarning

bench:  ## set up, then run the benchmarks
	scripts/bootstrap.sh
	.venv/bin/python benchmarks/bench.py --readme README.md
