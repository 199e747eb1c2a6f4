# auroraview developer entry points. `make test` is what CI runs (.ci/run).
#
#   make setup      install missing Debian packages, .venv, Rust components
#   make build      build the extension into .venv (maturin develop --release)
#   make lint       rustfmt, clippy, ruff check, ruff format --check, mypy --strict on
#                   python/auroraview, mypy.stubtest of _core.pyi against the built extension
#   make check-cross clippy for Windows and macOS (their platform code only compiles here)
#   make test-rust  Rust tests (nextest if present) plus the loom model tests
#   make test-windows the Rust tests built for Windows and run under Wine (headless)
#   make test-js    js/ (@auroraview/bridge): build and unit tests (node's test runner)
#   make vite-panel build examples/vite-panel (TypeScript + Vite) into its dist/
#   make test-py    pytest under a virtual X display (Qt offscreen by default); loads the
#                   built vite-panel
#   make wheel      the abi3 wheel (CPython >= 3.9) in target/wheels
#   make test-matrix the wheel on Python 3.9/3.10/3.11 x PySide2/PySide6/PyQt6/PyQt5
#   make fuzz       the page protocol's fuzz targets, 15 s each (FUZZ_SECONDS=...)
#   make soak       the adversarial soak at 10x (16 threads x 100,000 operations), both modes
#   make test       all of the above but soak, in that order
#   make demo       run the demo under a virtual X display if there is none
#   make bench      run the benchmarks (dispatch, WebView), peers side by side

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

VENV         := $(CURDIR)/.venv
PY           := $(VENV)/bin/python
WITH_DISPLAY := bash scripts/with-display.sh

# rustup's default install location, in case the calling shell lacks it.
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup build lint check-cross test-rust test-windows test-js vite-panel test-py wheel \
	test-matrix fuzz soak test demo bench

setup:
	bash scripts/setup.sh

# The bridge's web extension (Linux) goes beside _core, in python/auroraview/_webext/, where
# the package finds it (and the wheel carries it, pyproject's `include`).
build: setup
	VIRTUAL_ENV=$(VENV) $(VENV)/bin/maturin develop --release
	bash scripts/build-webext.sh

# stubtest imports the built extension, hence `build` (which runs setup, installing mypy).
lint: build
	cargo fmt --all -- --check
	cargo fmt --manifest-path crates/auroraview-core/fuzz/Cargo.toml -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy
	$(PY) -m mypy.stubtest auroraview._core

check-cross:
	bash scripts/check-cross.sh

# Under a display: the X error filter's test needs GDK on a real X server.
test-rust: setup
	if cargo nextest --version >/dev/null 2>&1; then \
		$(WITH_DISPLAY) cargo nextest run --workspace --no-tests=warn; \
		cargo test --workspace --doc; \
	else \
		$(WITH_DISPLAY) cargo test --workspace; \
	fi
	RUSTFLAGS="--cfg loom" cargo test -p auroraview-core --release --test loom --target-dir target/loom

# The Windows platform layer and the core, cross-built (Debian's Rust, mingw-w64) and run
# under Wine 8 in an Xvfb; installs wine64/mingw when missing. See scripts/test-windows.sh.
test-windows:
	bash scripts/test-windows.sh

test-js: setup
	bash scripts/js.sh bridge

vite-panel: test-js
	bash scripts/js.sh panel

# AURORAVIEW_REQUIRE_VITE_PANEL: the built panel's test fails rather than skips without dist/.
test-py: export AURORAVIEW_REQUIRE_VITE_PANEL = 1
test-py: build vite-panel
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(WITH_DISPLAY) $(PY) -m pytest -q tests
	# The WebView and adversarial suites again, hosted on a Qt application's main thread
	# (Qt on GLib).
	AURORAVIEW_TEST_WEBVIEW_MODE=hosted QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} \
		$(WITH_DISPLAY) $(PY) -m pytest -q tests/webview tests/adversarial
	# The adversarial suite once more with the bridge's socket off: pages on the engine's way
	# (what a build without the web extension, or a page that cannot reach it, uses).
	AURORAVIEW_TRANSPORT=engine QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} \
		$(WITH_DISPLAY) $(PY) -m pytest -q tests/adversarial
	# And hosted with the socket off: the engine's way on the host's main thread.
	AURORAVIEW_TRANSPORT=engine AURORAVIEW_TEST_WEBVIEW_MODE=hosted \
		QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} \
		$(WITH_DISPLAY) $(PY) -m pytest -q tests/adversarial

# The abi3 wheel the version matrix installs. No manylinux audit (--auditwheel skip): the
# extension links the system WebKitGTK, as wry does, which a manylinux wheel cannot bundle;
# the wheel is tagged linux_x86_64 and needs libwebkit2gtk-4.1 where it is installed.
wheel: setup
	rm -f target/wheels/auroraview-*.whl
	bash scripts/build-webext.sh
	VIRTUAL_ENV=$(VENV) $(VENV)/bin/maturin build --release --auditwheel skip \
		--interpreter $(PY) --out target/wheels

# The wheel in one virtualenv per Python/Qt combination (scripts/test-matrix.sh says which).
test-matrix: wheel
	bash scripts/test-matrix.sh

# cargo fuzz on the inbound parser and the outbound renderer (scripts/fuzz.sh).
FUZZ_SECONDS ?= 15
fuzz: setup
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

soak: build
	for mode in own hosted; do \
		AURORAVIEW_SOAK_SCALE=10 AURORAVIEW_TEST_WEBVIEW_MODE=$$mode \
		QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} \
		$(WITH_DISPLAY) $(PY) -m pytest -q -s tests/adversarial/test_soak.py; \
	done

test: setup build lint check-cross test-rust test-windows fuzz test-js vite-panel test-py test-matrix

demo: build
	$(WITH_DISPLAY) $(PY) -m auroraview.demo

bench: build
	# The WebView benchmark's peer, QtWebEngine, lives in PySide6-Addons (~200 MB; bench only).
	$(PY) -c "import PySide6.QtWebEngineWidgets" 2>/dev/null || \
		$(VENV)/bin/pip install -q "PySide6-Addons==$$($(PY) -c 'import PySide6; print(PySide6.__version__)')"
	$(WITH_DISPLAY) $(PY) benches/bench_dispatch.py
	# The WebView benchmark's floor row: the same round trips in Rust, no Python.
	cargo build -q --release -p auroraview-webview --example echo_floor \
		--example engine_paths --example engine_webext
	$(WITH_DISPLAY) $(PY) benches/bench_webview.py
	# Start-up: a new panel's time to a ready page, ours (cold, after prewarm()) and QtWebEngine's.
	$(WITH_DISPLAY) $(PY) benches/bench_startup.py
	$(WITH_DISPLAY) $(PY) benches/bench_hosted_flood.py
