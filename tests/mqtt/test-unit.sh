#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Checks pinbus-mqtt.service and its sysusers.d file with systemd's own tools,
# offline: `systemd-analyze verify` (ExecStart pointed at the built program),
# an exposure level of at most 2.5 in `systemd-analyze security --offline=yes`
# (pinbusd's is held to 2.0; this one needs the network), no device access,
# and user pinbus-mqtt in group gpio in a scratch root.
# A missing tool is a skip (exit 77), except under CI=true.
#
# Usage: test-unit.sh UNIT PINBUS_MQTT SYSUSERS
set -eu

unit=$1 program=$2 sysusers=$3

skip() {
        echo "SKIP: $*"
        if [ "${CI:-}" = true ]; then exit 1; fi
        exit 77
}
fail() {
        echo "FAIL: $*"
        exit 1
}

for tool in systemd-analyze systemd-sysusers; do
        command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed "s|^ExecStart=.*/pinbus-mqtt|ExecStart=$program|" "$unit" >"$tmp/pinbus-mqtt.service"
grep -q "^ExecStart=$program\$" "$tmp/pinbus-mqtt.service" || fail "no ExecStart=.../pinbus-mqtt line in $unit"
if ! out=$(systemd-analyze verify "$tmp/pinbus-mqtt.service" 2>&1) || [ -n "$out" ]; then
        printf '%s\n' "$out"
        fail "systemd-analyze verify found problems in pinbus-mqtt.service"
fi
echo "ok   systemd-analyze verify pinbus-mqtt.service"

if ! out=$(systemd-analyze security --offline=yes --threshold=25 "$tmp/pinbus-mqtt.service" 2>&1); then
        printf '%s\n' "$out"
        fail "pinbus-mqtt.service's sandbox got weaker: exposure above 2.5"
fi
echo "ok   systemd-analyze security: $(printf '%s\n' "$out" | grep -o 'Overall exposure level.*' | sed 's/ [^ ]*$//')"

for key in Type=notify User=pinbus-mqtt PrivateDevices=yes DevicePolicy=closed; do
        grep -qx "$key" "$unit" || fail "pinbus-mqtt.service has no $key"
done
if grep -q '^DeviceAllow=' "$unit"; then
        fail "pinbus-mqtt.service allows a device"
fi
echo "ok   no device access"

mkdir -p "$tmp/root/etc"
systemd-sysusers --root="$tmp/root" "$sysusers" >/dev/null 2>&1 || fail "systemd-sysusers rejected $sysusers"
grep -q '^pinbus-mqtt:' "$tmp/root/etc/passwd" || fail "sysusers.d does not create user pinbus-mqtt"
grep -Eq "^gpio:x:[0-9]+:(.*,)?pinbus-mqtt(,|\$)" "$tmp/root/etc/group" ||
        fail "sysusers.d does not put pinbus-mqtt in group gpio"
echo "ok   sysusers.d: user pinbus-mqtt, member of gpio"
echo "PASS"
