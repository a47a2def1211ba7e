#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The newcomer's "test" command, and what CI runs (.ci/run): installs the
# dependencies, then runs every test three ways:
#   1. build/       all suites, the vm suite included
#                                                   meson test -C build
#   2. build-asan/  all suites but vm, AddressSanitizer and UndefinedBehaviorSanitizer
#                                                   meson test -C build-asan --setup=asan --no-suite vm
#   3. build/       unit and bus suites under valgrind
#                                                   meson test -C build --setup=valgrind
# The vm suite (tests/vm: pinbusd against gpio-sim and i2c-stub in a qemu guest)
# runs only in step 1: it tests the daemon against a real kernel, not memory
# errors, and TCG emulation under a sanitizer would multiply its minutes. On a
# machine without a cached test kernel it first builds one (7 to 10 minutes on
# 2 cores; cached in ~/.cache/pinbus-vm, see tests/vm/README.md).
# Existing build directories are reused (reconfigured). Every step runs even
# when an earlier one failed; the summary at the end lists them, and the exit
# status is non-zero if any failed. The D-Bus policy test needs root: as a
# normal user it is skipped (the summary says so).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/setup-deps.sh

# setup-deps installed everything: a feature that is not found is an error,
# not a silently smaller test run.
features=(-Dlibgpiod=enabled -Dtests=enabled -Dbus-tests=enabled -Dvm-tests=enabled)

summary=()
failed=0

banner() { printf '\n==== %s\n\n' "$*"; }

# meson setup DIR OPTIONS..., reusing DIR when it already is a build directory.
setup() {
        local dir=$1
        shift
        if [ -f "$dir/meson-private/coredata.dat" ]; then
                meson setup --reconfigure "$dir" "$@" || meson setup --wipe "$dir" "$@"
        else
                meson setup "$dir" "$@"
        fi
}

# Skipped tests in a meson test log (testlog*.json), one per line with the reason.
skipped() {
        /usr/bin/python3 - "$1" <<'EOF' 2>/dev/null || true
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t.get("result") == "SKIP":
        reason = next((l for l in t.get("stdout", "").splitlines() if l.startswith("SKIP")), "")
        print(f"{t['name']}: {reason}" if reason else t["name"])
EOF
}

# step NAME TESTLOG COMMAND...: runs the command, records the result.
step() {
        local name=$1 log=$2 s
        shift 2
        banner "$name"
        if "$@"; then
                summary+=("PASS  $name")
        else
                summary+=("FAIL  $name")
                failed=1
        fi
        while IFS= read -r s; do
                [ -n "$s" ] && summary+=("        skipped: $s")
        done < <(if [ -f "$log" ]; then skipped "$log"; fi)
}

tests_plain() {
        setup build "${features[@]}" && meson test -C build --print-errorlogs
}

tests_asan() {
        setup build-asan "${features[@]}" -Db_sanitize=address,undefined -Db_lundef=false &&
                meson test -C build-asan --setup=asan --print-errorlogs --no-suite vm
}

tests_valgrind() {
        setup build "${features[@]}" &&
                meson test -C build --setup=valgrind --print-errorlogs --suite unit --suite bus
}

start=$SECONDS
rm -f build/meson-logs/testlog*.json build-asan/meson-logs/testlog*.json
step "1/3 all tests (build/)" build/meson-logs/testlog.json tests_plain
step "2/3 all tests but vm with ASan+UBSan (build-asan/, --setup=asan)" build-asan/meson-logs/testlog-asan.json tests_asan
step "3/3 unit and bus tests under valgrind (build/, --setup=valgrind)" build/meson-logs/testlog-valgrind.json tests_valgrind

banner "Summary ($((SECONDS - start)) s)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
        printf '\nFAILED: see the logs above (and build*/meson-logs/testlog*.txt)\n'
        exit 1
fi
printf '\nAll tests passed.\n'
