#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS | -runs=N] [TARGET...]
#
# Runs the page protocol's fuzz targets (crates/auroraview-core/fuzz: ipc_parse, the inbound
# parser; render_ops, the outbound renderer) with cargo fuzz, each for SECONDS (default 30)
# or N executions. Installs cargo-fuzz from crates.io when it is missing. cargo fuzz wants a
# nightly compiler for its -Z flags: RUSTC_BOOTSTRAP=1 lets the stable one take them. No
# sanitizer: the code under test has no unsafe, and without one it runs about 3x faster;
# libFuzzer still catches panics, stack overflows, timeouts and memory blow-ups. Corpora
# live under target/fuzz-corpus (not committed).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
budget=${1:-30}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(ipc_parse render_ops)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "[fuzz] installing cargo-fuzz"
    cargo install --locked --quiet cargo-fuzz
fi

if [[ $budget == -runs=* ]]; then limit=("$budget") ; else limit=("-max_total_time=$budget"); fi

cd "$ROOT/crates/auroraview-core/fuzz"
for target in "${targets[@]}"; do
    corpus="$ROOT/target/fuzz-corpus/$target"
    mkdir -p "$corpus"
    echo "[fuzz] $target (${limit[*]})"
    log="$ROOT/target/fuzz/$target.log"
    mkdir -p "$(dirname "$log")"
    if ! RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --target-dir "$ROOT/target/fuzz" \
        "$target" "$corpus" -- "${limit[@]}" -max_len=65536 -rss_limit_mb=4096 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -60 "$log" >&2
        echo "[fuzz] $target FAILED; the crashing input is under crates/auroraview-core/fuzz/artifacts/$target" >&2
        exit 1
    fi
    grep -E "^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || true
done
echo "[fuzz] ok"
