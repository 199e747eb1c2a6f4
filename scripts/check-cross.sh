#!/usr/bin/env bash
# Type-check (cargo clippy, warnings denied) the whole workspace for Windows and macOS.
#
# The Windows and macOS platform code cannot run here, but it must at least compile, with
# every lint, on every change. rustup cannot fetch other targets' standard libraries on
# this machine, so this uses Debian's own Rust toolchain (rustc-web from bookworm-security)
# with its standard-library source (rust-web-src) and builds std for the target
# (-Zbuild-std; RUSTC_BOOTSTRAP allows that flag on a stable compiler). Nothing is linked,
# so no Windows SDK or Xcode is needed; clang only compiles objc2's one Objective-C helper.
#
# Debian's toolchain is used only here, by absolute PATH; rustup's stays the default.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf '[check-cross] %s\n' "$*"; }

PACKAGES=(rustc-web cargo-web rust-web-src rust-web-clippy clang-14 llvm-14)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=()
    [[ $(id -u) -eq 0 ]] || SUDO=(sudo)
    log "apt-get install ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export PATH=/usr/bin:/bin
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-D warnings"
# auroraview-python uses the stable ABI (abi3): PyO3 needs only the version to cross-check.
export PYO3_CROSS_PYTHON_VERSION=3.11
export CC_aarch64_apple_darwin=clang-14 AR_aarch64_apple_darwin=llvm-ar-14

for target in x86_64-pc-windows-msvc aarch64-apple-darwin; do
    log "$(rustc --version) clippy --target $target"
    # (cargo would run ~/.cargo/bin/cargo-clippy, rustup's, first: call Debian's directly)
    /usr/bin/cargo-clippy clippy -q -Zbuild-std=std,panic_abort --target "$target" \
        --workspace --all-targets --target-dir target/cross
done
log "ok"
