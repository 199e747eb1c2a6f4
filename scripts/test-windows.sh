#!/usr/bin/env bash
# Build the workspace's Rust tests for Windows (x86_64-pc-windows-gnu) and run them under
# Wine, headless (scripts/with-display.sh starts an Xvfb if there is no display).
#
# What runs: every Rust test of auroraview-core and auroraview-webview (auroraview-python
# needs a Windows Python to link; Python on Windows runs nowhere here). In the WebView crate
# that includes the Windows platform layer's own suite (src/platform/windows/tests/): the
# UI thread's apartment and wake window, embedding in a host window of another thread, and
# the runtime where no WebView2 Runtime is installed (see docs/architecture.md, Platforms).
#
# Toolchain: Debian's Rust (rustc-web with its std sources, as scripts/check-cross.sh) builds
# std for the target (-Zbuild-std; RUSTC_BOOTSTRAP allows that flag on a stable compiler),
# linked by mingw-w64's gcc. Wine 8.0 lacks bcryptprimitives.dll, which Rust's std imports:
# a small stand-in (scripts/wine/bcryptprimitives.c) is built here, once. WebView2Loader.dll
# comes with the webview2-com-sys crate. Everything lives under target/wine: the build, the
# DLLs (dll/) and the Wine prefix (prefix/, made once, ~10 s).
#
# Installs what is missing (only those packages; `apt-get update` at most once). Prints one
# summary line; exits non-zero if anything failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf '[test-windows] %s\n' "$*"; }
die() { printf '[test-windows] error: %s\n' "$*" >&2; exit 1; }

TARGET=x86_64-pc-windows-gnu
OUT="$ROOT/target/wine"
DLLS="$OUT/dll"
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver

export PATH=/usr/bin:/bin
export RUSTC_BOOTSTRAP=1
export WINEPREFIX="$OUT/prefix"
export WINEDEBUG=-all
# No Mono or Gecko (nothing here uses .NET or MSHTML): no installer prompts.
export WINEDLLOVERRIDES="mscoree,mshtml="
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$WINE"
# Our DLLs (the stand-in, WebView2Loader.dll), found through the Windows PATH.
export WINEPATH="Z:${DLLS//\//\\}"

cargo_test() {
    cargo test -q -Zbuild-std=std,panic_abort --target "$TARGET" --target-dir "$OUT" \
        --workspace --exclude auroraview-python "$@"
}

if [[ ${1:-} == --run ]]; then
    # Second stage, with a display: run the built tests, then stop the prefix's wineserver
    # while the display still exists.
    shift
    "$WINESERVER" -k 2>/dev/null || true
    if [[ ! -f $WINEPREFIX/system.reg ]]; then
        log "creating the Wine prefix $WINEPREFIX"
        "$WINE" wineboot --init >/dev/null 2>&1 || true
        "$WINESERVER" -w
    fi
    # One wineserver for the whole run. Started by the first test binary instead, it exits
    # a few seconds after each binary's last process, and the next binary can reach it as it
    # goes ("wine client error:0: recvmsg: Connection reset by peer", exit status 1). Its
    # services (services.exe, rpcss.exe, ...) start here too, away from the pipe into tee,
    # which they would otherwise hold open until the server stops.
    "$WINESERVER" -w 2>/dev/null || true  # the one killed above is gone
    "$WINESERVER" -p
    "$WINE" wineboot >/dev/null 2>&1 </dev/null || true
    set +e
    cargo_test --no-fail-fast 2>&1 | tee "$OUT/last-run.log"
    rc=${PIPESTATUS[0]}
    set -e
    "$WINESERVER" -k 2>/dev/null || true
    exit "$rc"
fi

# --- packages ----------------------------------------------------------------------------
PACKAGES=(rustc-web cargo-web rust-web-src wine64 gcc-mingw-w64-x86-64-win32)
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
[[ -x $WINE ]] || die "$WINE not found (Debian's wine64 package)"

# --- the bcryptprimitives.dll stand-in (Wine 8.0 has none) -------------------------------
mkdir -p "$DLLS"
SHIM_SRC="$ROOT/scripts/wine/bcryptprimitives.c"
if [[ ! -f $DLLS/bcryptprimitives.dll || $SHIM_SRC -nt $DLLS/bcryptprimitives.dll ]]; then
    log "building bcryptprimitives.dll (ProcessPrng over BCryptGenRandom)"
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$DLLS/bcryptprimitives.dll" "$SHIM_SRC" -lbcrypt
fi

# --- build -------------------------------------------------------------------------------
log "$(rustc --version): building the tests for $TARGET"
cargo_test --no-run
loader=$(ls -t "$OUT"/$TARGET/debug/build/webview2-com-sys-*/out/x64/WebView2Loader.dll 2>/dev/null |
    head -n 1)
[[ -n $loader ]] || die "WebView2Loader.dll not found in webview2-com-sys's build output"
cp -u "$loader" "$DLLS/WebView2Loader.dll"

# --- run ---------------------------------------------------------------------------------
wine_version=$("$WINE" --version 2>/dev/null || echo "Wine")
set +e
bash "$ROOT/scripts/with-display.sh" "$0" --run
rc=$?
set -e

# One summary over every test binary: "test result: ok. 12 passed; 0 failed; 1 ignored; ..."
read -r passed failed ignored binaries < <(awk '
    /^test result:/ {
        for (i = 1; i <= NF; i++) {
            if ($(i) ~ /^passed;?$/) p += $(i - 1)
            if ($(i) ~ /^failed;?$/) f += $(i - 1)
            if ($(i) ~ /^ignored;?$/) g += $(i - 1)
        }
        b++
    }
    END { printf "%d %d %d %d\n", p, f, g, b }' "$OUT/last-run.log")
summary="$passed passed, $failed failed, $ignored ignored in $binaries test binaries under $wine_version ($TARGET)"
if [[ $rc -ne 0 || $failed -ne 0 || $binaries -eq 0 ]]; then
    log "FAILED: $summary"
    exit 1
fi
log "ok: $summary"
