#!/usr/bin/env bash
# Builds and tests the page-side packages with npm:
#   scripts/js.sh bridge   js/ (@auroraview/bridge): npm ci when its lockfile changed, build
#                          (tsc; the .d.ts must match python/auroraview/js/), unit tests
#   scripts/js.sh panel    examples/vite-panel: npm ci when its lockfile changed, vite build
# `npm ci` installs exactly the lockfile (cached in ~/.npm); a stamp in node_modules skips it
# while the lockfile is unchanged, so a warm run only builds and tests (a few seconds).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

install() {
    local dir=$1 stamp=$1/node_modules/.auroraview-installed
    if [[ -f $stamp && $stamp -nt $dir/package-lock.json && $stamp -nt $dir/package.json ]]; then
        return
    fi
    echo "[js] npm ci in ${dir#$ROOT/}"
    (cd "$dir" && npm ci --no-audit --no-fund --prefer-offline)
    touch "$stamp"
}

case ${1:-} in
bridge)
    install "$ROOT/js"
    (cd "$ROOT/js" && npm test)
    ;;
panel)
    major=$(node -p 'process.versions.node.split(".").map(Number).join(" ")' | awk '{ print ($1 > 20 || ($1 == 20 && $2 >= 19)) ? "ok" : "old" }')
    if [[ $major != ok ]]; then
        echo "[js] examples/vite-panel needs Node.js >= 20.19 for Vite 8; this is $(node --version)" >&2
        exit 1
    fi
    [[ -f $ROOT/js/dist/index.js ]] || "$0" bridge
    install "$ROOT/examples/vite-panel"
    (cd "$ROOT/examples/vite-panel" && npm run build)
    ;;
*)
    echo "usage: $0 bridge|panel" >&2
    exit 2
    ;;
esac
