#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Stops what scripts/run-demo.sh started: pinbus-mqtt, pinbusd, the demo's
# mosquitto, then its private dbus-daemon. The saved output state and the logs stay in the demo directory.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/demo-env.sh
. "$here/demo-env.sh"

# Stops the process in $demo_dir/<name>.pid if it still is <name>.
stop() {
        local name=$1 pidfile=$demo_dir/$1.pid pid exe i
        [ -f "$pidfile" ] || return 0
        pid=$(cat "$pidfile")
        rm -f "$pidfile"
        [[ $pid =~ ^[0-9]+$ ]] || return 0
        exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
        [ "$(basename "$exe")" = "$name" ] || return 0
        kill -TERM "$pid" 2>/dev/null || return 0
        for ((i = 0; i < 50; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
                echo "$name ($pid) did not stop on SIGTERM; killing it"
                kill -KILL "$pid" 2>/dev/null || true
        fi
        echo "stopped $name ($pid)"
}

[ -d "$demo_dir" ] || exit 0
stop pinbus-mqtt
stop pinbusd
stop mosquitto
stop dbus-daemon
rm -f "$demo_dir/bus"
