#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the small x86-64 kernel of the real-kernel test rig, once per machine:
# Debian's linux-source-6.1 tarball, `make tinyconfig` plus kernel.config (next
# to this script), bzImage and the i2c-stub module. Prints the directory that
# holds the result (bzImage, i2c-stub.ko, config, info) as the last line of
# stdout; progress and errors go to stderr.
#
# Cache: ${PINBUS_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinbus-vm}/kernel-<key>,
# key = hash of the source package version, kernel.config and build_version
# below, so changing any of them builds a new kernel (older ones are kept; delete the
# directory to reclaim space). A lock file serialises concurrent builds: a
# second caller waits and then uses the first one's kernel.
#
# Environment: PINBUS_VM_CACHE (cache root), PINBUS_VM_SOURCE (a linux-source
# tarball; default /usr/src/linux-source-6.1.tar.xz, else the newest there),
# PINBUS_VM_BUILD_TIMEOUT (seconds for the whole build, default 3000).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fragment=$here/kernel.config
# Bump when a change to this script changes the kernel it builds.
build_version=1

log() { printf 'vm: %s\n' "$*" >&2; }
die() {
        log "error: $*"
        exit 1
}

cache=${PINBUS_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinbus-vm}
# Debian 12's 6.1 when installed (the version the rig is made for), else the newest.
source=${PINBUS_VM_SOURCE:-}
[ -n "$source" ] || [ ! -f /usr/src/linux-source-6.1.tar.xz ] || source=/usr/src/linux-source-6.1.tar.xz
[ -n "$source" ] || source=$(ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$source" ] && [ -f "$source" ] ||
        die "no kernel source: install linux-source-6.1 (scripts/setup-deps.sh does), or set PINBUS_VM_SOURCE"
for tool in make gcc flex bison bc xz cpio perl; do
        command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup-deps.sh installs the kernel build tools)"
done

# The source's identity: its Debian package version, else its size and mtime.
pkg=$(dpkg-query -S "$source" 2>/dev/null | cut -d: -f1 | head -n 1 || true)
if [ -n "$pkg" ]; then
        version="$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
else
        version="$(basename "$source") $(stat -c '%s %Y' "$source")"
fi
key=$({ printf '%s\nbuild %s\n' "$version" "$build_version"; cat "$fragment"; } | sha256sum | cut -c1-16)
out=$cache/kernel-$key

if [ -f "$out/bzImage" ]; then
        log "kernel cached: $out ($version)"
        echo "$out"
        exit 0
fi

mkdir -p "$cache"
exec {lock}>"$cache/kernel-$key.lock"
if ! flock -n "$lock"; then
        log "another build of this kernel is running; waiting for it"
        flock -w "${PINBUS_VM_BUILD_TIMEOUT:-3000}" "$lock" || die "timed out waiting for the other build"
fi
if [ -f "$out/bzImage" ]; then
        log "kernel built by the other run: $out"
        echo "$out"
        exit 0
fi

build=$cache/kernel-$key.build
rm -rf "$build"
mkdir -p "$build/obj"
# On failure the log is kept next to the cache entry; the tree (about 1 GB) never is.
trap 'if [ ! -f "$out/bzImage" ] && [ -f "$build/build.log" ]; then cp "$build/build.log" "$cache/kernel-$key.failed.log"; log "build log kept: $cache/kernel-$key.failed.log"; fi; rm -rf "$build"' EXIT
log "building the test kernel from $source ($version) in $build; log: $build/build.log"
start=$SECONDS
deadline=$((SECONDS + ${PINBUS_VM_BUILD_TIMEOUT:-3000}))
left() {
        local l=$((deadline - SECONDS))
        [ "$l" -gt 0 ] || die "kernel build timed out"
        echo "$l"
}

timeout "$(left)" tar -C "$build" -xf "$source" ||
        die "cannot unpack $source"
src=$(find "$build" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -n 1)
[ -n "$src" ] || die "$source holds no linux-source-* directory"
unpacked=$SECONDS

obj=$build/obj
mk() { timeout "$(left)" make -C "$src" O="$obj" ARCH=x86_64 "$@" >>"$build/build.log" 2>&1; }
mk tinyconfig || die "make tinyconfig failed"
KCONFIG_CONFIG=$obj/.config "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" \
        >>"$build/build.log" 2>&1 || die "merging kernel.config failed"
mk olddefconfig || die "make olddefconfig failed"
# Every option asked for must have survived (a dependency may silently drop one).
missing=0
while IFS= read -r line; do
        case $line in
        CONFIG_*) grep -qxF "$line" "$obj/.config" || { log "kernel.config: '$line' did not survive olddefconfig"; missing=1; } ;;
        esac
done <"$fragment"
[ "$missing" = 0 ] || die "kernel.config asks for options this source cannot give (see above)"

jobs=$(nproc)
log "compiling with make -j$jobs (unpacking took $((unpacked - start)) s)"
if ! mk -j"$jobs" bzImage modules; then
        tail -n 40 "$build/build.log" >&2
        die "kernel build failed (log above)"
fi
stub=$(find "$obj" -name i2c-stub.ko | head -n 1)
[ -n "$stub" ] || die "the build made no i2c-stub.ko"

mkdir -p "$build/result"
cp "$obj/arch/x86/boot/bzImage" "$stub" "$build/result/"
cp "$obj/.config" "$build/result/config"
took=$((SECONDS - start))
printf 'source: %s\nkernel: %s\nbuild seconds: %s\njobs: %s\n' "$version" \
        "$(make -s -C "$src" O="$obj" kernelrelease 2>/dev/null)" "$took" "$jobs" >"$build/result/info"
rm -rf "$out"
mv "$build/result" "$out"
log "kernel build took $took s (unpack $((unpacked - start)) s, compile $((SECONDS - unpacked)) s): $out"
echo "$out"
