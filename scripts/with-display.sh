#!/usr/bin/env bash
# Usage: scripts/with-display.sh CMD [ARGS...]
#
# Runs CMD with a reachable X display. If $DISPLAY is unset or cannot be
# reached, starts a private Xvfb on the first free display number, exports
# DISPLAY for CMD, and stops the server when CMD ends. Exits with CMD's status.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

log() { printf '[with-display] %s\n' "$*" >&2; }

# Can we talk to the X server named by $1?
display_reachable() {
    local d=$1
    [[ -n $d ]] || return 1
    if command -v xdpyinfo >/dev/null 2>&1; then
        DISPLAY=$d timeout 5 xdpyinfo >/dev/null 2>&1
        return
    fi
    # Without xdpyinfo: a local display is reachable if its socket exists.
    if [[ $d =~ ^(unix)?:([0-9]+)(\.[0-9]+)?$ ]]; then
        [[ -S /tmp/.X11-unix/X${BASH_REMATCH[2]} ]]
        return
    fi
    return 0 # remote or unusual display: trust it
}

if display_reachable "${DISPLAY:-}"; then
    exec "$@"
fi

command -v Xvfb >/dev/null 2>&1 || { log "Xvfb not found (run scripts/setup.sh)"; exit 127; }

XVFB_PID=""
XVFB_LOG=$(mktemp "${TMPDIR:-/tmp}/xvfb.XXXXXX.log")
OWN_RUNTIME_DIR=""

cleanup() {
    if [[ -n $XVFB_PID ]]; then
        kill "$XVFB_PID" 2>/dev/null || true
        wait "$XVFB_PID" 2>/dev/null || true
    fi
    rm -f "$XVFB_LOG"
    [[ -z $OWN_RUNTIME_DIR ]] || rm -rf "$OWN_RUNTIME_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Try display numbers from 99 upward; a number is free when neither its lock
# file nor its socket exists. Another process may grab the same number
# between our check and Xvfb's start, so a failed start moves on to the next.
started=""
for n in $(seq 99 160); do
    [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
    Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >"$XVFB_LOG" 2>&1 &
    XVFB_PID=$!
    # Wait up to 10 s for the server's socket, giving up early if it exits.
    # The socket only counts if the lock file names our server: with two
    # concurrent runs the loser sees the winner's socket before it exits.
    for _ in $(seq 100); do
        kill -0 "$XVFB_PID" 2>/dev/null || break
        if [[ -S /tmp/.X11-unix/X$n && -r /tmp/.X$n-lock ]]; then
            lock_pid=$(tr -dc '0-9' </tmp/.X$n-lock 2>/dev/null || true)
            if [[ $lock_pid == "$XVFB_PID" ]]; then
                started=$n
                break
            fi
            [[ -z $lock_pid ]] || break # another server owns :$n
        fi
        sleep 0.1
    done
    [[ -n $started ]] && break
    kill "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
    XVFB_PID=""
done

if [[ -z $started ]]; then
    log "could not start Xvfb; last server output:"
    cat "$XVFB_LOG" >&2 || true
    exit 1
fi

export DISPLAY=":$started"
# Qt and GTK want a private runtime directory; give them one if none is set.
if [[ -z ${XDG_RUNTIME_DIR:-} ]]; then
    OWN_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/runtime.XXXXXX")
    chmod 700 "$OWN_RUNTIME_DIR"
    export XDG_RUNTIME_DIR=$OWN_RUNTIME_DIR
fi

set +e
"$@"
rc=$?
set -e
exit "$rc"
