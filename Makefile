# Two commands do all set-up on a fresh machine:
#   make run    build .venv, ingest the sample corpus, show what was read
#   make test   build .venv, lint (ruff), run the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: venv run api test browser clean

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
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port 8501 \
		--server.headless true --browser.gatherUsageStats false

api: venv
	$(PY) -m qa ingest data/samples
	$(PY) -m qa serve --host 127.0.0.1 --port 8000

test: venv browser
	$(PY) -m ruff check .
	$(PY) -m pytest -q

# Debian's Chromium and a CJK font for the end-to-end browser test (a test tool's own browser download fails here)
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -q 'Noto Sans CJK' || \
		( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
		  || echo 'warning: could not install chromium; the browser test will be skipped' )

clean:
	rm -rf $(VENV) .data .pytest_cache
