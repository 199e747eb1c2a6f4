#!/usr/bin/env bash
# Builds the bridge's WebKitGTK web extension (crates/auroraview-webext) and installs it where
# the Python package looks for it: python/auroraview/_webext/libauroraview_webext.so (a
# directory of its own: WebKit loads every library in it). Linux only; elsewhere a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ "$(uname -s)" == Linux ]] || exit 0
cargo build -q --release -p auroraview-webext
install -D -m 0755 target/release/libauroraview_webext.so \
    python/auroraview/_webext/libauroraview_webext.so
# The release profile keeps debug info (for perf); the shipped library needs none.
strip --strip-debug python/auroraview/_webext/libauroraview_webext.so
