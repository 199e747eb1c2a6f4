#!/usr/bin/env bash
# Usage: scripts/test-matrix.sh [COMBINATION...]      (make test-matrix builds the wheel first)
#
# The Python/Qt version matrix: installs the abi3 wheel that `make wheel` left in
# target/wheels into one virtualenv per combination (target/matrix/<name>/venv, pinned by
# tests/matrix/<name>.txt) and runs there, against the installed wheel (see QT_TESTS and
# PY_TESTS below for which tests):
#   every combination: dispatch on the Qt loop, the Qt-hosted and docking tests, 3ds Max;
#   a Python other than the main suite's: also the rest of the non-Qt suite;
#   3.9 + PySide2: the whole WebView suite in hosted mode (on Qt 5's GLib loop).
# Python 3.11 + PySide6 is also what `make test-py` runs, from the develop build, with the
# WebView suite in both modes; so here that combination proves the wheel and skips the
# duplicate WebView run (MATRIX_FULL=1 runs it here too).
#
# Interpreters: CPython 3.9 and 3.10 come from pyenv (~/.pyenv/versions/3.9.*, 3.10.*; the
# image carries them) or pythonX.Y on PATH; 3.11 likewise. A missing one is reported and
# fails the run. Combinations run in parallel (MATRIX_JOBS, default 2), each under its own
# Xvfb; logs in target/matrix/<name>/log.txt. Exit status: 0 only if every combination ran
# and passed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# name           python  binding   WebView suite in hosted mode here
COMBINATIONS=(
    "py39-pyside2  3.9   PySide2   yes"
    "py310-pyside2 3.10  PySide2   no"
    "py311-pyside6 3.11  PySide6   full-only"
    "py311-pyqt6   3.11  PyQt6     no"
    "py311-pyqt5   3.11  PyQt5     no"
)
# Every combination: dispatch (standalone and Qt loops), the binding finder, the Qt-hosted
# and docking tests, 3ds Max (a Qt host), and the wheel's type stub.
QT_TESTS=(
    tests/test_dispatch.py tests/test_qt_binding.py tests/test_hosted_qt.py
    tests/test_host_max.py tests/test_stubs.py
)
# Where the Python differs from the main suite's (.venv): the rest of the non-Qt suite
# (fake hosts without bpy, which only exists for 3.11; the mode decision).
PY_TESTS=(
    tests/test_host_maya.py tests/test_host_houdini.py tests/test_host_nuke.py
    tests/test_host_unreal.py tests/test_runtime_mode.py
)
OUT="$ROOT/target/matrix"
JOBS=${MATRIX_JOBS:-2}

log() { printf '[matrix] %s\n' "$*"; }

# The newest CPython X.Y from pyenv, else pythonX.Y on PATH; nothing if neither exists.
find_python() {
    local want=$1 candidate best=""
    local root=${PYENV_ROOT:-$HOME/.pyenv}
    for candidate in "$root"/versions/"$want".*/bin/python; do
        [[ -x $candidate ]] || continue
        [[ $candidate =~ /$want\.[0-9]+/bin/python$ ]] || continue # no 3.1x for 3.1
        best=$candidate
    done
    if [[ -z $best ]]; then
        best=$(command -v "python$want" 2>/dev/null || true)
    fi
    [[ -n $best ]] && "$best" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null &&
        printf '%s\n' "$best"
}

# One combination, from virtualenv to results; all output goes to its log.
run_combination() {
    local name=$1 pyver=$2 binding=$3 hosted=$4 wheel=$5
    local dir="$OUT/$name" reqs="$ROOT/tests/matrix/$name.txt"
    local venv="$dir/venv" python
    python=$(find_python "$pyver") || true
    if [[ -z $python ]]; then
        echo "MISSING: no CPython $pyver here (looked in ${PYENV_ROOT:-$HOME/.pyenv}/versions/$pyver.* and for python$pyver on PATH)."
        echo "Install it (pyenv install $pyver.x) to run this combination."
        return 3
    fi
    echo "python: $python ($("$python" --version 2>&1))"
    local stamp
    stamp="$(cat "$reqs" "$ROOT/tests/matrix/tools.txt" | sha256sum | cut -d' ' -f1) $("$python" --version 2>&1)"
    if [[ ! -x $venv/bin/python || ! -f $dir/venv.stamp || $(<"$dir/venv.stamp") != "$stamp" ]]; then
        rm -rf "$venv" "$dir/venv.stamp"
        "$python" -m venv "$venv"
        "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$reqs"
        printf '%s\n' "$stamp" >"$dir/venv.stamp"
    fi
    "$venv/bin/python" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps "$wheel"
    # The tests must see the installed wheel and the wanted binding, nothing else.
    # Every module imports on this Python (the demo app is PySide6-only by design).
    (cd "$dir" && AURORAVIEW_QT_BINDING=$binding "$venv/bin/python" -c "
import importlib, pkgutil, sys, auroraview
from auroraview._qt_binding import import_binding
b = import_binding()
assert 'site-packages' in auroraview.__file__, auroraview.__file__
assert b.name == '$binding', b.name
mods = [m.name for m in pkgutil.walk_packages(auroraview.__path__, 'auroraview.')]
mods = [m for m in mods if not m.startswith('auroraview.demo')]
for m in mods:
    importlib.import_module(m)
version = getattr(b.QtCore, 'PYQT_VERSION_STR', None) or __import__('$binding').__version__
print('auroraview', auroraview.__version__, 'from', auroraview.__file__)
print('imported its', len(mods), 'modules (auroraview.demo left out: PySide6 only)')
print('binding', b.name, version, 'Qt', b.QtCore.qVersion(), 'Python', sys.version.split()[0])
")
    local pytest=("$venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$ROOT")
    export AURORAVIEW_QT_BINDING=$binding QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    local tests=("${QT_TESTS[@]}")
    if [[ $("$venv/bin/python" -c 'import sys; print(sys.version_info[:2])') != "$MAIN_PY" ]]; then
        tests+=("${PY_TESTS[@]}")
        echo "--- dispatch, fake hosts, Qt-hosted and docking tests"
    else
        echo "--- dispatch, Qt-hosted and docking tests (the other fake hosts: make test-py)"
    fi
    bash scripts/with-display.sh "${pytest[@]}" "${tests[@]}"
    if [[ $hosted == yes || ($hosted == full-only && -n ${MATRIX_FULL:-}) ]]; then
        echo "--- the WebView suite, hosted on the Qt application's main thread"
        AURORAVIEW_TEST_WEBVIEW_MODE=hosted bash scripts/with-display.sh "${pytest[@]}" tests/webview
    fi
}

selected=("$@")
wanted() {
    [[ ${#selected[@]} -eq 0 ]] && return 0
    local s
    for s in "${selected[@]}"; do [[ $s == "$1" ]] && return 0; done
    return 1
}

shopt -s nullglob
wheels=("$ROOT"/target/wheels/auroraview-*-cp39-abi3-*.whl)
shopt -u nullglob
if [[ ${#wheels[@]} -ne 1 ]]; then
    log "error: expected one abi3 wheel in target/wheels, found ${#wheels[@]}: run make wheel"
    exit 2
fi
wheel=${wheels[0]}
log "wheel: ${wheel#"$ROOT"/}"
mkdir -p "$OUT"
MAIN_PY=$("$ROOT/.venv/bin/python" -c 'import sys; print(sys.version_info[:2])' 2>/dev/null || echo none)

names=()
matrix_start=$SECONDS
for row in "${COMBINATIONS[@]}"; do
    read -r name pyver binding hosted <<<"$row"
    wanted "$name" || continue
    while [[ $(jobs -rp | wc -l) -ge $JOBS ]]; do wait -n || true; done
    mkdir -p "$OUT/$name"
    log "start $name (Python $pyver, $binding)"
    (
        start=$SECONDS
        set +e
        (set -e; run_combination "$name" "$pyver" "$binding" "$hosted" "$wheel") >"$OUT/$name/log.txt" 2>&1
        rc=$?
        echo "$rc $((SECONDS - start))" >"$OUT/$name/status"
        exit "$rc"
    ) &
    names+=("$name")
done
[[ ${#names[@]} -gt 0 ]] || { log "error: no combination named ${selected[*]}"; exit 2; }
wait || true

failed=0
printf '\n%-15s %-8s %6s  %s\n' combination result time "pytest's summaries (log: target/matrix/<name>/log.txt)"
for name in "${names[@]}"; do
    read -r rc secs <"$OUT/$name/status" 2>/dev/null || { rc=1; secs=0; }
    case $rc in
        0) result=passed ;;
        3) result=MISSING ;;
        *) result=FAILED ;;
    esac
    [[ $rc -eq 0 ]] || failed=1
    last=$(grep -E '^[0-9]+ (passed|failed|error)|^MISSING|^ERROR' "$OUT/$name/log.txt" | paste -sd '|' || true)
    printf '%-15s %-8s %5ss  %s\n' "$name" "$result" "$secs" "$last"
done
log "matrix wall time: $((SECONDS - matrix_start)) s with $JOBS parallel jobs"
# The tests of every combination, added up, as a closing line CI can read.
totals=$(for name in "${names[@]}"; do
    grep -hE '^[0-9]+ (passed|failed|error)' "$OUT/$name/log.txt" || true
done | awk '{ for (i = 2; i <= NF; i++) { w = $i; sub(/,$/, "", w)
        if (w == "passed" || w == "failed" || w == "skipped") n[w] += $(i - 1)
        if (w == "error" || w == "errors") n["failed"] += $(i - 1) } }
    END { printf "%d passed, %d failed, %d skipped", n["passed"], n["failed"], n["skipped"] }')
if [[ $failed -ne 0 ]]; then
    for name in "${names[@]}"; do
        read -r rc _ <"$OUT/$name/status" 2>/dev/null || rc=1
        [[ $rc -eq 0 ]] && continue
        log "---- $name: tail of its log"
        tail -n 40 "$OUT/$name/log.txt" | sed "s/^/[$name] /"
    done
    log "FAILED: not every combination ran and passed"
    echo "matrix: $totals"
    exit 1
fi
log "every combination passed"
echo "matrix: $totals"
