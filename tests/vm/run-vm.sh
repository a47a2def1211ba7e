#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs one command in a qemu guest with a real kernel that has gpio-sim and
# i2c-stub, and exits with the command's status.
#
#   tests/vm/run-vm.sh [--i2c-stub=ADDR,...] [--timeout=SECONDS] [--] COMMAND [ARG...]
#
# The kernel comes from build-kernel.sh (built once, cached). The guest boots
# under qemu-system-x86_64 with TCG (software emulation) from a busybox
# initramfs (init, next to this script), mounts this machine's / read-only
# over 9p with a tmpfs overlay on top (writes stay in the guest), and runs, as
# root in a chroot of it and in the current directory,
#     guest-setup.sh COMMAND [ARG...]
# which creates the gpio-sim chips (see guest-setup.sh) and runs COMMAND.
# COMMAND therefore runs this machine's own programs (python3, dbus-daemon,
# gpioinfo, the freshly built pinbusd) against the guest's kernel.
#
#   --i2c-stub=0x76,0x48   load i2c-stub with these chip_addr (it is /dev/i2c-0)
#   --build-only           only check that qemu can run and build (or find) the kernel
#   --timeout=SECONDS      limit of the guest's command (default 600); the guest
#                          as a whole gets 60 s more, then qemu is killed
#
# The command's output, and the guest's console, are copied to stdout. The
# environment variables CI and PINBUS* are passed to the command; nothing else
# is. Exit status: the command's; 77 (skip) when qemu cannot run here at all
# (a failure instead under CI=true, which installs it); 125 when the guest
# gave no result (crashed, timed out: the console above says what happened).
# With PINBUS_TEST_NO_SKIP=1 (the vm suite sets it) the command's own 77 is a
# failure: in the guest a test has what it needs, so a skip means it did not run.
#
# Debugging: PINBUS_VM_KEEP=1 keeps the run directory (console.log, the
# command script, what the command left in $PINBUS_VM_OUT); PINBUS_VM_SHELL=1
# runs an interactive shell in the guest instead of COMMAND (needs a terminal).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf 'vm: %s\n' "$*" >&2; }
skip() {
        if [ "${CI:-}" = true ]; then
                log "FAIL: $* (CI=true: CI installs qemu, so the vm suite must run)"
                exit 1
        fi
        echo "SKIP: $*"
        exit 77
}

i2c_stub=
timeout=600
build_only=
while [ $# -gt 0 ]; do
        case $1 in
        --build-only) build_only=1 ;;
        --i2c-stub=*) i2c_stub=${1#--i2c-stub=} ;;
        --timeout=*) timeout=${1#--timeout=} ;;
        --) shift; break ;;
        -*) log "unknown option $1"; exit 2 ;;
        *) break ;;
        esac
        shift
done
[ $# -gt 0 ] || [ "${PINBUS_VM_SHELL:-}" = 1 ] || [ -n "$build_only" ] || { log "usage: $0 [--i2c-stub=ADDR,...] [--timeout=S] [--] COMMAND [ARG...]"; exit 2; }
[[ $i2c_stub =~ ^(0x[0-9a-fA-F]{1,2}(,0x[0-9a-fA-F]{1,2})*)?$ ]] || { log "--i2c-stub: give addresses like 0x76,0x48"; exit 2; }

# Can qemu run at all? (No KVM needed: TCG works everywhere.)
qemu=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 not installed (Debian package qemu-system-x86)"
"$qemu" -accel help 2>/dev/null | grep -qx tcg || skip "$qemu cannot emulate (no TCG accelerator)"
busybox=/bin/busybox
# ldd fails on a static executable, which the initramfs needs.
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 ||
        { log "a static $busybox is needed for the guest's initramfs (Debian package busybox-static)"; exit 1; }

kernel=$("$here/build-kernel.sh" | tail -n 1) || { log "no kernel: the build failed (see above)"; exit 1; }
[ -f "$kernel/bzImage" ] || { log "no kernel in '$kernel'"; exit 1; }
if [ -n "$build_only" ]; then
        sed 's/^/vm: /' "$kernel/info"
        exit 0
fi

run=$(mktemp -d "${TMPDIR:-/tmp}/pinbus-vm.XXXXXX") || exit 1
cleanup() {
        if [ "${PINBUS_VM_KEEP:-}" = 1 ]; then
                log "kept the run directory $run"
        else
                rm -rf "$run"
        fi
}
trap cleanup EXIT
mkdir -p "$run/initramfs/bin" "$run/initramfs/dev" "$run/initramfs/proc" "$run/initramfs/sys" \
        "$run/initramfs/lib/modules" "$run/out"

# The initramfs: busybox, /init and i2c-stub.ko; a second or so to make.
cp "$busybox" "$run/initramfs/bin/busybox"
cp "$here/init" "$run/initramfs/init"
chmod 0755 "$run/initramfs/init"
cp "$kernel/i2c-stub.ko" "$run/initramfs/lib/modules/"
(cd "$run/initramfs" && find . | cpio -o -H newc --quiet | gzip -1 >"$run/initramfs.cpio.gz") ||
        { log "cannot make the initramfs"; exit 1; }
rm -rf "$run/initramfs"

# The command script the guest runs: this directory, the variables passed on, the command.
{
        printf 'cd %q || { echo "vm: cannot enter %q in the guest"; exit 126; }\n' "$PWD" "$PWD"
        while IFS= read -r name; do
                printf 'export %s=%q\n' "$name" "${!name}"
        done < <(compgen -e | grep -E '^(CI|PINBUS[A-Z0-9_]*)$' | grep -vE '^PINBUS_VM_(CACHE|KEEP|SHELL)$')
        echo "export PINBUS_VM_OUT=/run/pinbus-vm/out PINBUS_VM_GUEST=1"
        if [ "${PINBUS_VM_SHELL:-}" = 1 ]; then
                echo "$(printf '%q' "$here/guest-setup.sh") /bin/sh -i </dev/console >/dev/console 2>&1"
        else
                printf 'exec timeout -k 5 %q %q' "$timeout" "$here/guest-setup.sh"
                printf ' %q' "$@"
                echo
        fi
} >"$run/cmd.sh"

append="console=ttyS0 panic=-1 quiet loglevel=4"
[ -n "$i2c_stub" ] && append+=" pinbus.i2c_stub=$i2c_stub"
qemu_args=(-accel tcg -m 1024 -smp 2 -kernel "$kernel/bzImage" -initrd "$run/initramfs.cpio.gz"
        -append "$append" -nographic -no-reboot -nodefaults -serial stdio -monitor none
        -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
        -device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
        -fsdev "local,id=pinbusrun,path=$run,security_model=none"
        -device "virtio-9p-pci,fsdev=pinbusrun,mount_tag=pinbusrun")

if [ "${PINBUS_VM_SHELL:-}" = 1 ]; then
        "$qemu" "${qemu_args[@]}"
        exit $?
fi

log "booting $(sed -n 's/^kernel: //p' "$kernel/info") under TCG: ${*}"
start=$(date +%s.%N)
# The console, without SeaBIOS's screen control codes; the boot time is when /init reports.
timeout -k 10 $((timeout + 60)) "$qemu" "${qemu_args[@]}" </dev/null 2>&1 |
        sed -u -e 's/\r$//' -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' \
                -e '/^SeaBIOS (version/d' -e 's/^Booting from ROM\.\.//' |
        while IFS= read -r line; do
                case $line in
                PINBUS-VM-BEGIN*)
                        printf 'vm: guest booted in %.1f s (kernel uptime %s s)\n' \
                                "$(echo "$(date +%s.%N) - $start" | bc)" "${line#*uptime=}"
                        ;;
                *) printf '%s\n' "$line" ;;
                esac
                printf '%s\n' "$line" >>"$run/console.log"
        done
qemu_status=${PIPESTATUS[0]}
wall=$(echo "$(date +%s.%N) - $start" | bc)

status=$(sed -n 's/^PINBUS-VM-EXIT=\([0-9]*\)$/\1/p' "$run/console.log" 2>/dev/null | tail -n 1)
if [ -z "$status" ]; then
        why="qemu exit status $qemu_status"
        [ "$qemu_status" = 124 ] && why="killed after $((timeout + 60)) s"
        log "the guest ended without a result ($why); the console is above"
        status=125
elif [ "$status" = 124 ]; then
        log "the command timed out after $timeout s in the guest"
elif [ "$status" = 77 ] && [ "${PINBUS_TEST_NO_SKIP:-}" = 1 ]; then
        log "FAIL: the command skipped (exit 77) in the guest, which has everything it needs (PINBUS_TEST_NO_SKIP=1)"
        status=1
fi
if [ -n "$(ls -A "$run/out" 2>/dev/null)" ]; then
        PINBUS_VM_KEEP=1
        log "the command left files in $run/out"
fi
printf 'vm: guest exit status %s after %.1f s\n' "$status" "$wall" >&2
exit "$status"
