#!/usr/bin/env bash
# Bring a Debian 12 machine up to what auroraview's build and tests need:
#   1. Debian packages (only those missing; `apt-get update` at most once),
#   2. the Python virtualenv .venv with requirements-dev.txt (skipped when a
#      stamp shows the requirements file is unchanged),
#   3. the rustfmt and clippy components of the Rust toolchain.
# Safe to run repeatedly; a run on a complete machine takes about a second.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

VENV="$ROOT/.venv"
REQS="$ROOT/requirements-dev.txt"
STAMP="$VENV/.requirements-dev.stamp"

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
# Build tools, the virtual X server, and every shared library that the
# PySide6-Essentials and bpy wheels load (found with ldd/readelf over the
# wheels' .so files, mapped to packages with dpkg -S). Most are present on a
# desktop-ish image but not on a minimal one. Dependencies of these packages
# come in through apt.
APT_PACKAGES=(
    # toolchain bits for cargo/maturin and -sys crates
    build-essential pkg-config ca-certificates git make
    # headless X server for the xcb platform and the demo
    xvfb xauth x11-xkb-utils xkb-data
    # fonts: Qt's font database is empty without at least one font
    fontconfig fonts-dejavu-core
    # Qt core/gui: glib event loop, D-Bus, fonts, compression, Kerberos (QtNetwork)
    libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 libharfbuzz0b
    libzstd1 zlib1g libbrotli1 libgssapi-krb5-2
    # OpenGL/EGL (libglvnd front ends plus Mesa's software implementations)
    libgl1 libegl1 libopengl0 libgbm1 libdrm2
    libgl1-mesa-dri libglx-mesa0 libegl-mesa0
    # X11 client libraries (Qt xcb plugin, bpy's __init__.so, MaterialX)
    libx11-6 libx11-xcb1 libxext6 libxfixes3 libxi6 libxrender1
    libsm6 libice6 libxt6 libxkbcommon0 libxkbcommon-x11-0
    # XCB libraries required by Qt's xcb platform plugin (libqxcb.so,
    # libQt6XcbQpa.so.6, libqxcb-glx-integration.so)
    libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0
    libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
    libxcb-xkb1
    # ... and by the Qt 5 xcb plugins of PySide2 5.15 and PyQt5 (version matrix; PyQt6's
    # needs nothing beyond the above; checked with ldd)
    libxcb-xinerama0
    # Qt's wayland platform plugin and gtk3 platform theme plugin
    libwayland-client0 libwayland-cursor0 libwayland-egl1 libgtk-3-0
    # WebKitGTK for the WebView crate (pulls GTK 3, libsoup 3, JSC headers)
    libwebkit2gtk-4.1-dev
    # GDK from Debian's python3: tests read the X screen's pixels (tests/webview/screen_colour.py)
    python3-gi gir1.2-gtk-3.0
    # real X input and window properties in the window-event, file-drop and dialog tests
    # (tests/webview/xinput.py): xdotool (XTEST), xprop and xwininfo (x11-utils)
    xdotool x11-utils
)

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
fi

APT_UPDATED=0
apt_install() {
    if [[ $(id -u) -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
        die "need root (or sudo) to install: $*"
    fi
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "apt-get update"
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@"
}

# Print the packages among "$@" that dpkg does not list as installed.
apt_missing() {
    local installed
    # dpkg-query exits 1 when some names are unknown to it; that is expected.
    installed=$({ dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null || true; } |
        awk '$2 == "installed" { print $1 }' | sort -u)
    local p
    for p in "$@"; do
        grep -qxF "$p" <<<"$installed" || printf '%s\n' "$p"
    done
}

if command -v dpkg-query >/dev/null 2>&1; then
    mapfile -t missing < <(apt_missing "${APT_PACKAGES[@]}")
    if [[ ${#missing[@]} -gt 0 ]]; then
        apt_install "${missing[@]}"
    else
        log "Debian packages: all ${#APT_PACKAGES[@]} present"
    fi
else
    log "no dpkg-query: not a Debian system, skipping system packages"
fi

# --- Node.js and npm (js/ and examples/vite-panel) ----------------------------
# The machines come with Node.js 20 and npm; a machine without them gets Debian's (Node 18:
# enough for js/, while Vite 8 in examples/vite-panel needs Node >= 20.19, which
# scripts/vite-panel.sh checks and explains).
if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
else
    log "Node.js $(node --version), npm $(npm --version) present"
fi

# --- Python virtualenv -----------------------------------------------------
# bpy 5.0.x ships wheels for CPython 3.11 only, so prefer a 3.11 interpreter.
is_py311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; }

pick_python() {
    local c
    for c in ${PYTHON:-} python3.11 python3; do
        if command -v "$c" >/dev/null 2>&1 && is_py311 "$c"; then
            printf '%s\n' "$c"
            return
        fi
    done
    for c in ${PYTHON:-} python3; do
        if command -v "$c" >/dev/null 2>&1; then
            printf '%s\n' "$c"
            return
        fi
    done
}

venv_ok() { [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1; }

if ! venv_ok; then
    PY=$(pick_python)
    if [[ -z $PY ]]; then
        apt_install python3 python3-venv
        PY=python3
    fi
    is_py311 "$PY" || log "warning: $PY is not CPython 3.11; bpy==5.0.1 may not install"
    log "creating $VENV with $PY ($("$PY" --version 2>&1))"
    rm -rf "$VENV"
    if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian's python3 leaves out venv/ensurepip unless python3-venv is there.
        rm -rf "$VENV"
        pyver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        apt_install python3-venv "python${pyver}-venv"
        "$PY" -m venv "$VENV"
    fi
    rm -f "$STAMP"
fi

want_stamp="$(sha256sum "$REQS" | cut -d' ' -f1) $("$VENV/bin/python" -c 'import sys; print(sys.version.split()[0])')"
if [[ -f $STAMP && $(<"$STAMP") == "$want_stamp" ]]; then
    log "Python packages: .venv is up to date with requirements-dev.txt"
else
    log "pip install -r requirements-dev.txt into .venv"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$REQS"
    printf '%s\n' "$want_stamp" >"$STAMP"
fi

# --- Rust ------------------------------------------------------------------
if [[ -d $HOME/.cargo/bin && :$PATH: != *":$HOME/.cargo/bin:"* ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found: install a Rust toolchain with rustup"

rust_missing=()
cargo fmt --version >/dev/null 2>&1 || rust_missing+=(rustfmt)
cargo clippy --version >/dev/null 2>&1 || rust_missing+=(clippy)
if [[ ${#rust_missing[@]} -gt 0 ]]; then
    command -v rustup >/dev/null 2>&1 || die "missing ${rust_missing[*]} and no rustup to add them"
    log "rustup component add ${rust_missing[*]}"
    rustup component add "${rust_missing[@]}"
else
    log "Rust: cargo, rustfmt and clippy present"
fi
if ! cargo nextest --version >/dev/null 2>&1; then
    log "note: cargo-nextest not found; make test-rust falls back to cargo test"
fi

log "everything is present"
