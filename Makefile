# The two commands: `make run` and `make test`. Everything else is a step they share.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
PYTEST  := .venv/bin/pytest

.PHONY: run test test-quick test-on setup assets dist lock lock-upgrade bench bench-quick lint clean

setup: .venv/.installed assets

# The tested set of packages: requirements-dev.lock (the app, its tests, the embedded Redis, the asset and package
# builds), then the app itself without resolving anything again.
.venv/.installed: pyproject.toml requirements-dev.lock
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The lock files, from pyproject.toml's ranges, with uv: requirements.lock is what a production install takes
# (docs/deploy.md), requirements-dev.lock adds every extra; the first is held to the second's versions. `make lock`
# keeps every pin it can (run it after adding a dependency); `make lock-upgrade` moves everything to the newest
# versions in range. No hashes: a wheel built here from an sdist (http-ece publishes only an sdist) never has the
# sdist's hash, so an offline install from a wheelhouse (tests/ship) could not take a hashed lock.
LOCK_FLAGS := --python-version 3.11 --quiet --custom-compile-command "make lock"
lock:
	test -x $(PY) || python3 -m venv .venv
	test -x .venv/bin/uv || $(PIP) install --quiet 'uv>=0.5,<1'
	.venv/bin/uv pip compile pyproject.toml --all-extras $(LOCK_FLAGS) $(UPGRADE) -o requirements-dev.lock
	.venv/bin/uv pip compile pyproject.toml --constraint requirements-dev.lock $(LOCK_FLAGS) -o requirements.lock

lock-upgrade:
	$(MAKE) lock UPGRADE=--upgrade

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# htmx and the icons are build outputs (not in git); they go into the wheel, so build them before `make dist`.
assets: .venv/.installed node_modules/.installed
	$(PY) scripts/build_assets.py

# The sdist and the wheel in dist/, with the built assets, templates and migrations (docs/deploy.md).
dist: setup
	rm -rf dist build
	$(PY) -m build --no-isolation --outdir dist .

run: setup
	$(PY) scripts/run.py

# Tests run in JOBS pytest-xdist processes, each with its own app per database, SQLite file, PostgreSQL database,
# login-limit prefix and ports (tests/conftest.py, tests/integration/conftest.py, tests/workers/support.py);
# worksteal hands a long test's neighbours to idle processes. `make test JOBS=0` runs in one process.
# 3 measured best on this 2-core machine (test-quick, two rounds, other runs' load 7-11): -n 2 3:49 / 2:47,
# -n 3 3:33 / 1:43, -n 4 4:47 / 2:15; CPU grows with each process (84-90 s, 89-104 s, 103-115 s user).
JOBS    ?= 3
XDIST   := -n $(JOBS) --dist worksteal

# The whole suite. CI sets JEWELPWA_REQUIRE=postgres,redis,browser so nothing it needs is skipped.
# The fault suite runs after the rest, alone: it loads the machine on purpose (gunicorn, 20 writers, two RQ
# workers), and beside two other test processes gunicorn's 30 s worker timeout cut its connections.
test: setup
	$(PYTEST) -q $(XDIST) --ignore=tests/faults
	$(PYTEST) -q tests/faults

# While working: everything but browser and worker-process suites.
test-quick: setup
	$(PYTEST) -q $(XDIST) -m "not slow"

# Route tests plan on the real day, so CI's day decides what the calendar adds to a card. Run the integration
# suite as if it were DATE (libfaketime: apt-get install faketime), e.g. `make test-on DATE=2026-12-24`.
FAKETIME_LIB := /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
test-on: setup
	@test -n "$(DATE)" || { echo "say which day: make test-on DATE=YYYY-MM-DD"; exit 2; }
	@test -f $(FAKETIME_LIB) || { echo "needs libfaketime: apt-get install faketime"; exit 2; }
	LD_PRELOAD=$(FAKETIME_LIB) FAKETIME="@$(DATE) 15:00:00" FAKETIME_DONT_FAKE_MONOTONIC=1 \
		$(PYTEST) -q -p no:cacheprovider $(XDIST) tests/integration -k "not postgres"

# Every benchmark through one harness: one table, bench/out/summary.json (bench/README.md, "One command").
bench: setup
	$(PY) bench/run.py

# The same harness on 10k clients, SQLite only, short wrk runs: a few minutes, to check it works.
bench-quick: setup
	$(PY) bench/run.py --quick

# What CI checks before the tests: ruff over the tree, mypy over the app (strict in domain/; pyproject.toml).
lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy

clean:
	rm -rf .venv node_modules jewelpwa/static/vendor jewelpwa/static/icons test-artifacts dist build
