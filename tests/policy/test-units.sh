#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Checks the installed systemd files with systemd's own tools, offline (no
# PID 1 needed):
#  - pinbusd.service passes `systemd-analyze verify` (with ExecStart pointed at
#    the built pinbusd, which verify wants to exist) and keeps an exposure level
#    of at most 2.0 in `systemd-analyze security --offline=yes`;
#  - the D-Bus activation file names the same bus name and unit;
#  - sysusers.d creates user pinbus in groups gpio and i2c, and tmpfiles.d
#    creates the configuration directories, in a scratch root.
# A missing tool is a skip (exit 77), except under CI=true.
#
# Usage: test-units.sh UNIT PINBUSD SYSUSERS TMPFILES DBUS_SERVICE
set -eu

if [ $# -ne 5 ]; then
        echo "usage: $0 UNIT PINBUSD SYSUSERS TMPFILES DBUS_SERVICE" >&2
        exit 2
fi
unit=$1 pinbusd=$2 sysusers=$3 tmpfiles=$4 dbus_service=$5

skip() {
        echo "SKIP: $*"
        if [ "${CI:-}" = true ]; then exit 1; fi
        exit 77
}
fail() {
        echo "FAIL: $*"
        exit 1
}

for tool in systemd-analyze systemd-sysusers systemd-tmpfiles; do
        command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# verify: the unit as installed, but running the binary just built.
sed "s|^ExecStart=.*/pinbusd|ExecStart=$pinbusd|" "$unit" >"$tmp/pinbusd.service"
grep -q "^ExecStart=$pinbusd\$" "$tmp/pinbusd.service" || fail "no ExecStart=.../pinbusd line in $unit"
if ! out=$(systemd-analyze verify "$tmp/pinbusd.service" 2>&1) || [ -n "$out" ]; then
        printf '%s\n' "$out"
        fail "systemd-analyze verify found problems in pinbusd.service"
fi
echo "ok   systemd-analyze verify pinbusd.service"

# security: exposure 0.0 (best) .. 10.0; --threshold is in tenths.
if ! out=$(systemd-analyze security --offline=yes --threshold=20 "$tmp/pinbusd.service" 2>&1); then
        printf '%s\n' "$out"
        fail "pinbusd.service's sandbox got weaker: exposure above 2.0"
fi
echo "ok   systemd-analyze security: $(printf '%s\n' "$out" | grep -o 'Overall exposure level.*' | sed 's/ [^ ]*$//')"

# Unit and activation file agree.
for key in Type=notify BusName=io.pinbus1 User=pinbus; do
        grep -qx "$key" "$unit" || fail "pinbusd.service has no $key"
done
grep -qx 'Name=io.pinbus1' "$dbus_service" || fail "$dbus_service has no Name=io.pinbus1"
grep -qx 'SystemdService=pinbusd.service' "$dbus_service" || fail "$dbus_service has no SystemdService=pinbusd.service"
echo "ok   BusName and D-Bus activation file agree"

# sysusers.d and tmpfiles.d, applied to a scratch root.
mkdir -p "$tmp/root/etc"
systemd-sysusers --root="$tmp/root" "$sysusers" >/dev/null 2>&1 || fail "systemd-sysusers rejected $sysusers"
grep -q '^pinbus:' "$tmp/root/etc/passwd" || fail "sysusers.d does not create user pinbus"
for g in gpio i2c; do
        grep -Eq "^$g:x:[0-9]+:(.*,)?pinbus(,|\$)" "$tmp/root/etc/group" ||
                fail "sysusers.d does not put pinbus in group $g"
done
echo "ok   sysusers.d: user pinbus, member of gpio and i2c"

# Only root may give the directories to root: others apply it with the
# ownership left out ("-"), which checks everything else.
if [ "$(id -u)" -eq 0 ]; then
        cp "$tmpfiles" "$tmp/tmpfiles.conf"
else
        awk '$1 == "d" { $4 = "-"; $5 = "-" } { print }' "$tmpfiles" >"$tmp/tmpfiles.conf"
fi
if ! out=$(systemd-tmpfiles --root="$tmp/root" --create "$tmp/tmpfiles.conf" 2>&1); then
        printf '%s\n' "$out"
        fail "systemd-tmpfiles rejected $tmpfiles"
fi
dirs=$(awk '$1 == "d" { print $2 }' "$tmpfiles")
[ -n "$dirs" ] || fail "$tmpfiles creates no directory"
for d in $dirs; do
        [ -d "$tmp/root$d" ] || fail "tmpfiles.d did not create $d"
done
echo "ok   tmpfiles.d: $(echo "$dirs" | tr '\n' ' ')"
echo "PASS"
