# The whole set-up is in these targets: each creates or reuses .venv and
# installs what it needs. Start with `make book` or `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
BUILD  := _build
MATHJAX_SRC := node_modules/mathjax/es5
MATHJAX_DST := _vendor/mathjax

.PHONY: book test notebooks bench clean env vendor assign grade

## book: build the HTML book (every notebook executed) into _build/html
book: env vendor
	@# Notebook outputs are cached by their code; a change to gdlib changes
	@# what they print, so it clears the cache.
	@h=$$(find gdlib -type f \( -name '*.py' -o -name '*.js' -o -name '*.css' -o -name '*.mplstyle' \) \
	  | sort | xargs cat | sha256sum | cut -c1-16); \
	if [ "$$(cat $(BUILD)/.gdlib-hash 2>/dev/null)" != "$$h" ]; then \
	  rm -rf $(BUILD)/.jupyter_cache; mkdir -p $(BUILD); echo $$h > $(BUILD)/.gdlib-hash; fi
	$(VENV)/bin/jupyter-book build . --path-output . --keep-going
	@echo
	@echo "The book is at $(abspath $(BUILD))/html/index.html"

## test: gdlib unit tests, nbval on every notebook, warnings-as-errors build, browser test
test: env-test vendor
	$(PY) -m pytest -n 2 --dist loadfile --nbval \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  --cov=gdlib --cov-report=term --cov-report=json:$(BUILD)/coverage.json
	$(PY) tests/coverage_gate.py $(BUILD)/coverage.json

## notebooks: re-execute every notebook in place, top to bottom, to refresh committed outputs
notebooks: env
	$(PY) tools/execute_notebooks.py book

## bench: every benchmark (book timings, explorations, gdlib against PyTorch, page weight);
##   writes bench/results/latest.json and the appendix book/performance.md (about 15 minutes)
bench: .stamp-env-bench vendor
	$(PY) bench/run.py

## assign: a chapter's exercises as an otter-grader assignment, in _build/assign/<chapter>/
##   make assign CHAPTER=book/ch01_descent_direction.ipynb
assign: .stamp-env-instructor
	@test -n "$(CHAPTER)" || { echo "usage: make assign CHAPTER=book/chNN_name.ipynb"; exit 2; }
	$(PY) tools/assign.py $(CHAPTER)

## grade: grade a folder of submitted notebooks offline (otter run); writes _build/assign/<chapter>/scores.csv
##   make grade CHAPTER=book/ch01_descent_direction.ipynb SUBMISSIONS=path/to/folder
grade: .stamp-env-instructor
	@test -n "$(CHAPTER)" -a -n "$(SUBMISSIONS)" || { echo "usage: make grade CHAPTER=book/chNN_name.ipynb SUBMISSIONS=folder"; exit 2; }
	$(PY) tools/grade.py $(SUBMISSIONS) --chapter $(CHAPTER)

env: .stamp-env
env-test: .stamp-env-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

.stamp-env: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

.stamp-env-test: requirements-test.txt requirements-instructor.txt .stamp-env
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

.stamp-env-bench: requirements-bench.txt .stamp-env-test
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

.stamp-env-instructor: requirements-instructor.txt .stamp-env
	$(PY) -m pip install --quiet -r requirements-instructor.txt
	touch $@

## vendor: MathJax from the npm registry, served by the book itself (no CDN)
vendor: $(MATHJAX_DST)/tex-chtml.js

$(MATHJAX_DST)/tex-chtml.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf $(MATHJAX_DST) && mkdir -p $(MATHJAX_DST)/output
	cp -r $(MATHJAX_SRC)/tex-chtml.js $(MATHJAX_SRC)/core.js $(MATHJAX_SRC)/loader.js \
	  $(MATHJAX_SRC)/startup.js $(MATHJAX_SRC)/input $(MATHJAX_SRC)/a11y $(MATHJAX_SRC)/ui \
	  $(MATHJAX_SRC)/adaptors $(MATHJAX_DST)/
	cp -r $(MATHJAX_SRC)/output/chtml $(MATHJAX_SRC)/output/chtml.js $(MATHJAX_DST)/output/
	cp node_modules/mathjax/LICENSE $(MATHJAX_DST)/LICENSE

clean:
	rm -rf $(BUILD) _vendor node_modules .stamp-env .stamp-env-test .stamp-env-instructor .stamp-env-bench
