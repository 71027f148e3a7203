# Two commands do all set-up on a fresh machine:
#   make run    build .venv, ingest the sample corpus, show what was read
#   make test   build .venv, run the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: venv run test clean

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first: the CPU wheel on disk; otherwise a dependency pulls a CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: venv
	$(PY) -m qa ingest data/samples
	$(PY) -m qa facts --org 州政府办 --table 10

test: venv
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) .data .pytest_cache
