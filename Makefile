# The two commands of the README. Both install what they need first (scripts/bootstrap.sh).
VENV ?= .venv
export VENV

.PHONY: main test bench lock odd docs

main:  ## install, then run the main job: the X-Y contrast experiment into results/contrast/ (~1.5 min on 2 cores, and ~30 s compiling the kernel the first time)
	./scripts/bootstrap.sh
	rm -rf results/contrast
	$(VENV)/bin/trustnet contrast --out results/contrast

test:  ## install, then lint and run the test suite (what CI runs)
	./scripts/bootstrap.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

bench:  ## milliseconds per run for X and Y and growth with network size
	./scripts/bootstrap.sh
	$(VENV)/bin/python benchmarks/run_cost.py

lock:  ## re-resolve requirements.lock after changing dependencies in pyproject.toml
	$(VENV)/bin/python -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml requirements-build.in --extra test --python-version 3.12 \
		--generate-hashes --universal -o requirements.lock

odd:  ## regenerate the parameter table in docs/ODD.md and the threshold table in docs/patterns.md
	$(VENV)/bin/python -m model.inputs.parameter_table docs/ODD.md
	$(VENV)/bin/python -m experiments.analysis.thresholds docs/patterns.md

docs:  ## regenerate every number and table the docs take from the registries (counts, costs, the ODD's table)
	$(VENV)/bin/python -m experiments.docs
