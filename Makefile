# StoreAssist — every target does its own set-up (tools/bootstrap.sh) on a fresh Debian 12.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
export UV_PYTHON_DOWNLOADS := never
UV := uv run --locked

.PHONY: setup translations translations-update demo test test-pg bench screenshots lint package clean

# The interface's translations: the .ts sources are in git, the .qm files the app loads are built
# from them (and ignored by git). `translations-update` refreshes every .ts from the source code
# after tr() strings were added or changed; translators' work in them is kept.
TS_FILES := $(wildcard resources/translations/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)

setup:
	@bash tools/bootstrap.sh

translations: setup $(QM_FILES)

resources/translations/%.qm: resources/translations/%.ts | setup
	@$(UV) pyside6-lrelease -silent $< -qm $@

translations-update: setup
	@$(UV) pyside6-lupdate -silent -locations relative -extensions py src/storeassist -ts $(TS_FILES)

demo: setup translations
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(UV) storeassist --demo; \
	else \
		echo "No display: running the demo on a virtual screen (Xvfb) and saving a screenshot."; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(UV) storeassist --demo --screenshot offline_cache/demo.png \
		&& echo "Saved offline_cache/demo.png"; \
	fi

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs them all in this process.
TEST_WORKERS ?= auto
test: setup translations
	@$(UV) pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

# The hub's tests again, served from PostgreSQL (README: "PostgreSQL test run").
test-pg: setup
	@if [ -z "$$STOREASSIST_TEST_PG" ]; then \
		echo "test-pg: set STOREASSIST_TEST_PG to a scratch PostgreSQL database's URL," \
			"e.g. STOREASSIST_TEST_PG=postgresql:///storeassist_test (see the README)." >&2; \
		exit 2; \
	fi
	@$(UV) --extra postgres pytest tests/hub -q -p no:cacheprovider -n $(TEST_WORKERS)

# Figures into bench/results.json. bench_frozen adds PyInstaller (the `package` group) and keeps its
# builds in build/bench-frozen/ while the sources are unchanged; the .qm files travel in them.
bench: setup translations
	@$(UV) python -m bench

screenshots: setup translations
	@$(UV) python tools/screenshots.py screenshots

lint: setup
	@$(UV) ruff check src tests bench tools
	@$(UV) ruff format --check src tests bench tools
	@$(UV) mypy
	@$(UV) lint-imports

# The store build, dist/storeassist/ (packaging/storeassist.spec). CAMERA=1 ships camera scanning too
# (the `camera` extra; the build machine then needs libpulse0).
package: setup translations
	@uv sync --locked --group package $(if $(CAMERA),--extra camera) --quiet
	@$(UV) pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/storeassist.spec

clean:
	rm -rf build dist screenshots .pytest_cache .mypy_cache .ruff_cache resources/translations/*.qm
