# Developer commands. Each one creates its own virtual environment (.venvs/) with pinned requirements.
PYTHON ?= python3

.PHONY: demo test sanity units integration bench clean

demo:  ## start the simulator, run the demo playbooks against it, stop the simulator
	$(PYTHON) scripts/dev.py demo

test:  ## every test: sanity, unit (ansible-test and pytest) and integration
	$(PYTHON) scripts/dev.py test

sanity:
	$(PYTHON) scripts/dev.py test --only sanity

units:
	$(PYTHON) scripts/dev.py test --only units,pytest-units

integration:
	$(PYTHON) scripts/dev.py test --only integration

bench:  ## fleet-scale benchmarks against the simulator (about 15 min; results in bench/results/)
	$(PYTHON) scripts/dev.py bench

clean:
	rm -rf .venvs .build tests/output
