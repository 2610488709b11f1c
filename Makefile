# pathways: build, preview, publish and test the blog.
# Every target creates the project virtualenv from requirements.txt when needed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.requirements-installed
# The Nu HTML checker used by the tests comes from npm (package-lock.json), when npm is present.
CHECKERS := node_modules/.installed
PORT ?= 8000

.PHONY: html devserver serve new new-page strip-locations new-blog publish publish-scheduled pull-comments check comments stats test test-fast bench lint format clean

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "pathways needs Python 3.11 or newer (set PYTHON=python3.x)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

$(CHECKERS): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: HTML validation tests will be skipped"; fi

html: $(READY)  ## Build the preview site into output/
	$(PY) -m pathways build

devserver serve: $(READY)  ## Preview on http://127.0.0.1:$(PORT)/, rebuilding on save
	$(PY) -m pathways serve --port $(PORT)

new: $(READY)  ## Start a draft post: make new TITLE="My post"
	@test -n "$(TITLE)" || { echo 'Usage: make new TITLE="My post title"'; exit 2; }
	@$(PY) -m pathways new "$(TITLE)"

new-page: $(READY)  ## Start a draft page (About, Contact …): make new-page TITLE="Contact"
	@test -n "$(TITLE)" || { echo 'Usage: make new-page TITLE="Contact"'; exit 2; }
	@$(PY) -m pathways new --page "$(TITLE)"

strip-locations: $(READY)  ## Remove the GPS position from the photos in content/ (pixels untouched)
	@$(PY) -m pathways strip-locations

new-blog: $(READY)  ## Make your blog in a folder of its own: make new-blog BLOG=~/my-blog
	@test -n "$(BLOG)" || { echo 'Usage: make new-blog BLOG=path/to/your/blog'; exit 2; }
	@$(PY) -m pathways new-blog "$(BLOG)"

publish: $(READY) $(CHECKERS)  ## Build for production into public/, check, deploy to DEPLOY (publishconf.py)
	$(PY) -m pathways publish $(PUBLISH_FLAGS)

publish-scheduled: $(READY) $(CHECKERS)  ## For a timer: publish even when comments cannot be fetched, then fail and e-mail you
	$(PY) -m pathways publish --scheduled $(PUBLISH_FLAGS)

pull-comments: $(READY)  ## Write the comments approved on the comment service into content/comments/
	$(PY) -m pathways comments pull

check: $(READY) $(CHECKERS)  ## Build for production into public/, then check links, HTML, feeds, sitemap
	$(PY) -m pathways build --publish $(BUILD_FLAGS)
	$(PY) -m pathways check

comments: $(READY)  ## Run the comment service for the preview on 127.0.0.1:8081
	$(PY) -m pathways comments serve --preview

stats: $(READY)  ## Write your private stats page (stats/index.html, never published) and open it
	$(PY) -m pathways stats

# The suite runs on every core (pytest-xdist), each test file on one worker so the sites and
# servers a file's tests share are made once; TEST_FLAGS adds pytest options.
test: $(READY) $(CHECKERS)  ## Run the whole test suite
	$(PY) -m pytest -n auto --dist loadfile $(TEST_FLAGS)

test-fast: $(READY)  ## The tests that build no site, start no server, browser or command (seconds)
	PATHWAYS_FAST_TESTS=1 $(PY) -m pytest -m "not build and not server and not browser and not slow"

bench: $(READY)  ## Benchmarks (printed figures; never part of the tests)
	$(PY) bench/comment_service.py
	$(PY) bench/follow_send.py
	$(PY) bench/view_logs.py
	$(PY) bench/blogger_import.py
	$(PY) bench/images.py
	$(PY) bench/build_speed.py --posts 100 1000
	$(PY) bench/compression.py
	$(PY) bench/suite_time.py

lint: $(READY)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(READY)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf output .output-* public .public-* .cache .pytest_cache .ruff_cache
