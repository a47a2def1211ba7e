#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The newcomer's "test" command, and what CI runs (.ci/run): installs the
# dependencies, then runs every test three ways natively, the unit and bus
# suites in three cross builds for the Raspberry Pi's architectures, and the
# fuzz targets:
#   1. build/       all suites, the vm suite included
#                                                   meson test -C build
#   2. build-asan/  all suites but vm, AddressSanitizer and UndefinedBehaviorSanitizer
#                                                   meson test -C build-asan --setup=asan --no-suite vm
#   3. build/       unit, bus and mqtt suites under valgrind
#                                                   meson test -C build --setup=valgrind
#   4. build-arm64/    arm64 (cross/aarch64-linux-gnu.ini)
#   5. build-armhf/    armhf (cross/arm-linux-gnueabihf.ini)
#   6. build-armhf64/  armhf with 64-bit time_t, as Debian 13 (the armhf file and
#                      cross/arm-linux-gnueabihf-time64.ini)
#                                                   meson test -C DIR --suite unit --suite bus
#   7. build-fuzz/     the libFuzzer targets (tests/fuzz), clang with ASan: each
#                      target's seed corpus once, then each fuzzed for
#                      PINBUS_FUZZ_SECONDS (60) seconds, two at a time (about 2 minutes)
#                                                   tests/fuzz/run.sh build-fuzz 60
# PINBUS_FUZZ_SECONDS=0 leaves step 7 out.
# The cross builds run their unit tests under qemu-user, and their bus tests
# with this machine's Python driving pinbusd under qemu-user (the cross test
# setup, see meson.build). PINBUS_CROSS=0 leaves steps 4 to 6 out (and
# setup-deps.sh's cross packages).
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
features=(-Dlibgpiod=enabled -Dtests=enabled -Dbus-tests=enabled -Dvm-tests=enabled -Dmqtt=enabled)

cross=${PINBUS_CROSS:-1}
# The cross builds: what test.sh builds without the vm suite (its guest runs
# this machine's x86-64 userland) and without pinbus-mqtt (setup-deps.sh installs no
# libmosquitto for the cross architectures).
cross_features=(-Dlibgpiod=enabled -Dtests=enabled -Dbus-tests=enabled -Dvm-tests=disabled -Dmqtt=disabled)

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

# step NAME TESTLOG COMMAND...: runs the command, records the result and how long it took.
step() {
        local name=$1 log=$2 s t0=$SECONDS
        shift 2
        banner "$name"
        if "$@"; then
                summary+=("PASS  $name ($((SECONDS - t0)) s)")
        else
                summary+=("FAIL  $name ($((SECONDS - t0)) s)")
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
                meson test -C build --setup=valgrind --print-errorlogs --suite unit --suite bus --suite mqtt
}

# The fuzz build: clang, ASan, -Dfuzz=enabled (tests/fuzz/meson.build); its seed corpora as
# tests, then every target fuzzed for fuzz_seconds.
fuzz_seconds=${PINBUS_FUZZ_SECONDS:-60}
tests_fuzz() {
        CC=clang setup build-fuzz -Dfuzz=enabled -Db_sanitize=address -Db_lundef=false \
                -Dlibgpiod=enabled -Dtests=disabled -Dbus-tests=disabled -Dvm-tests=disabled -Dmqtt=disabled &&
                meson test -C build-fuzz --suite fuzz --print-errorlogs &&
                tests/fuzz/run.sh build-fuzz "$fuzz_seconds"
}

# tests_cross DIR CROSS_FILE...: the unit and bus suites of a cross build.
tests_cross() {
        local dir=$1 f
        local -a files=()
        shift
        for f in "$@"; do
                files+=(--cross-file "$f")
        done
        setup "$dir" "${files[@]}" "${cross_features[@]}" &&
                meson test -C "$dir" --suite unit --suite bus --print-errorlogs
}

start=$SECONDS
rm -f build/meson-logs/testlog*.json build-asan/meson-logs/testlog*.json
rm -f build-arm64/meson-logs/testlog*.json build-armhf/meson-logs/testlog*.json build-armhf64/meson-logs/testlog*.json
rm -f build-fuzz/meson-logs/testlog*.json
step "1/7 all tests (build/)" build/meson-logs/testlog.json tests_plain
step "2/7 all tests but vm with ASan+UBSan (build-asan/, --setup=asan)" build-asan/meson-logs/testlog-asan.json tests_asan
step "3/7 unit, bus and mqtt tests under valgrind (build/, --setup=valgrind)" build/meson-logs/testlog-valgrind.json tests_valgrind
if [ "$cross" != 0 ]; then
        step "4/7 unit and bus tests on arm64 under qemu-user (build-arm64/)" build-arm64/meson-logs/testlog.json \
                tests_cross build-arm64 cross/aarch64-linux-gnu.ini
        step "5/7 unit and bus tests on armhf under qemu-user (build-armhf/)" build-armhf/meson-logs/testlog.json \
                tests_cross build-armhf cross/arm-linux-gnueabihf.ini
        step "6/7 unit and bus tests on armhf with 64-bit time_t under qemu-user (build-armhf64/)" \
                build-armhf64/meson-logs/testlog.json \
                tests_cross build-armhf64 cross/arm-linux-gnueabihf.ini cross/arm-linux-gnueabihf-time64.ini
else
        summary+=("SKIP  4/7 to 6/7 cross builds (PINBUS_CROSS=0)")
fi

if [ "$fuzz_seconds" != 0 ]; then
        step "7/7 libFuzzer targets, ${fuzz_seconds} s each (build-fuzz/)" build-fuzz/meson-logs/testlog.json tests_fuzz
else
        summary+=("SKIP  7/7 fuzz targets (PINBUS_FUZZ_SECONDS=0)")
fi

banner "Summary ($((SECONDS - start)) s)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
        printf '\nFAILED: see the logs above (and build*/meson-logs/testlog*.txt)\n'
        exit 1
fi
printf '\nAll tests passed.\n'
