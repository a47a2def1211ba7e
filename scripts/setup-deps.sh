#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Installs everything pinbus needs to build, run and test, on Debian 12
# (bookworm), Debian 13 (trixie) or Raspberry Pi OS built on them.
#
# libgpiod >= 2 (libgpiod-dev, gpiod) is in bookworm-backports on Debian 12.
# When no configured source offers it, this script adds a backports source
# derived from the Debian entry already configured (same URIs and Signed-By,
# suite <codename>-backports, component main) and installs the two packages
# from there with `apt-get -t <codename>-backports`. On a release whose own
# archive has libgpiod 2 (trixie) nothing is added.
#
# Safe to run again: when every package is already installed (and libgpiod is
# version 2) it changes nothing and needs no root. Otherwise it runs as root,
# re-running itself through sudo when started by a normal user.
# PINBUS_SETUP_FORCE=1 goes through every step (apt-get update, the backports
# check) even when everything is installed.
#
# The cross builds of scripts/test.sh (arm64, armhf) need Debian's cross
# compilers (crossbuild-essential-*), qemu-user-static to run what they build,
# and, through multiarch (dpkg --add-architecture), the -dev packages pinbus
# builds against for each architecture: libgpiod-dev:<arch> at exactly the
# native libgpiod-dev's version (Multi-Arch: same packages must match across
# architectures; on Debian 12 it is the backports one). Before installing them
# it asks apt what would happen, and stops if apt would remove anything.
# PINBUS_CROSS=0 leaves all of that out.
set -euo pipefail

packages=(
        build-essential gcc git pkg-config meson ninja-build
        libsystemd-dev libinih-dev libi2c-dev i2c-tools check
        dbus systemd util-linux passwd
        # modprobe and depmod: the vm rig loads i2c-stub in the guest through the host's kmod.
        kmod
        valgrind libc6-dbg clang-format
        # The libFuzzer targets (tests/fuzz): clang and its runtime (libFuzzer, ASan).
        clang libclang-rt-14-dev
        python3 python3-dbus python3-gi python3-pytest
        # pinbus-mqtt (mqtt/) and its tests against a real broker (tests/mqtt): the client
        # library, the broker, its command-line clients, paho for the test subscriber, and
        # openssl, which makes the tests' TLS certificates.
        libmosquitto-dev mosquitto mosquitto-clients python3-paho-mqtt openssl
        # tests/bindings: the pinbus gpiozero pin factory against Debian's gpiozero; pip and venv for
        # installing bindings/python into a venv.
        python3-gpiozero python3-pip python3-venv
        # The real-kernel test rig (tests/vm): qemu, a static busybox for the guest's
        # initramfs, i2c-tools in the guest, and what building a small kernel from
        # the kernel source package needs (objtool needs libelf; no module signing,
        # so no libssl).
        qemu-system-x86 busybox-static i2c-tools
        bc bison flex cpio gzip xz-utils libelf-dev make perl
)
# The kernel source of the rig: Debian 12's own 6.1 (the one the rig is known to
# build; linux-source would pick a newer one from backports), else the
# release's default (Debian 13: linux-source, 6.12).
kernel_source_packages=(linux-source-6.1 linux-source)
gpiod_packages=(libgpiod-dev gpiod)
backports_name=pinbus-backports

cross=${PINBUS_CROSS:-1}
cross_arches=(arm64 armhf)
# Per architecture in cross_arches, as <name>:<arch>: what the native build links
# (meson.build and tests/meson.build), and pkgconf for <triplet>-pkg-config.
cross_lib_packages=(pkgconf libsystemd-dev libinih-dev libi2c-dev check)

log() { printf 'setup-deps: %s\n' "$*" >&2; }
die() {
        log "error: $*"
        exit 1
}

# The dpkg architecture a package name means: its ":arch" suffix, else the
# native one. With foreign architectures added (dpkg --add-architecture
# arm64), dpkg-query prints one record per installed instance of a name, so
# every query below picks the instance asked for (or the Architecture: all one).
native_arch=$(dpkg --print-architecture)

# pkg_field PKG FIELD: the dpkg-query field (e.g. db:Status-Status, Version) of
# PKG's instance for its architecture; nothing when that instance is unknown.
pkg_field() {
        local name=${1%%:*} arch=$native_arch
        [[ $1 == *:* ]] && arch=${1#*:}
        dpkg-query -W -f="\${Architecture}|\${$2}\n" "$name" 2>/dev/null |
                awk -F'|' -v a="$arch" '$1 == a || $1 == "all" { print $2; exit }'
}

is_installed() {
        local p
        for p in "$@"; do
                [ "$(pkg_field "$p" db:Status-Status)" = installed ] || return 1
        done
}

# libgpiod-dev and gpiod installed, both version 2 or later.
gpiod_v2_installed() {
        local p v
        for p in "${gpiod_packages[@]}"; do
                is_installed "$p" || return 1
                v=$(pkg_field "$p" Version)
                dpkg --compare-versions "$v" ge 2 || return 1
        done
}

# The suites (e.g. "trixie", "bookworm-backports") that offer libgpiod-dev >= 2.
suites_with_gpiod_v2() {
        local version rest suite
        apt-cache madison libgpiod-dev 2>/dev/null |
                while IFS='|' read -r _ version rest; do
                        version=${version// /}
                        [[ $rest == *Packages* ]] || continue
                        # rest: " URI suite/component arch Packages"
                        read -r _ suite _ <<<"$rest"
                        if dpkg --compare-versions "$version" ge 2; then
                                printf '%s\n' "${suite%%/*}"
                        fi
                done | sort -u
}

# Whether any configured source (in any format) has the suite <codename>-backports.
has_backports_source() {
        # shellcheck disable=SC2016 # apt's $(FIELD) syntax, not the shell's
        apt-get indextargets --format '$(RELEASE)' 'Created-By: Packages' 2>/dev/null |
                grep -qx "${codename}-backports"
}

# Prints "file:N" for each configured Debian entry (Origin: Debian, from its
# Release file) of suite <codename>: N is the stanza (deb822) or line number.
debian_entries() {
        # shellcheck disable=SC2016 # apt's $(FIELD) syntax, not the shell's
        apt-get indextargets --format '$(SOURCESENTRY)|$(RELEASE)|$(ORIGIN)|$(TARGET_OF)' \
                'Created-By: Packages' 2>/dev/null |
                awk -F'|' -v c="$codename" '$2 == c && $3 == "Debian" && $4 == "deb" { print $1 }' |
                sort -u
}

# Prints stanza N of a deb822 file (comment lines dropped; paragraphs holding
# only comments do not count, as for apt).
deb822_stanza() {
        awk -v want="$2" '
                /^[[:space:]]*#/ { next }
                /^[[:space:]]*$/ { if (len) { n++; len = 0 } next }
                { if (n + 1 == want) print; len++ }
        ' "$1"
}

# Prints the value of field $2 of a deb822 stanza on stdin, continuation lines included.
deb822_field() {
        awk -v key="$1" '
                BEGIN { k = tolower(key) ":" }
                /^[^[:space:]]/ { on = 0 }
                on { print; next }
                tolower(substr($0, 1, length(k))) == k {
                        on = 1
                        v = substr($0, length(k) + 1)
                        sub(/^[[:space:]]+/, "", v)
                        print v
                }
        '
}

# "deb [options] URI <codename> component..." -> "deb [options] URI <codename>-backports main".
oneline_backports() {
        local -a words
        local out=deb i=1
        read -r -a words <<<"$1"
        [ "${words[0]:-}" = deb ] || return 1
        if [[ ${words[1]:-} == "["* ]]; then
                # Options, possibly several words: up to the one ending in ']'.
                while [ "$i" -lt "${#words[@]}" ]; do
                        out+=" ${words[i]}"
                        i=$((i + 1))
                        [[ ${words[i - 1]} == *"]" ]] && break
                done
        fi
        [ -n "${words[i]:-}" ] && [ "${words[i + 1]:-}" = "$codename" ] || return 1
        printf '%s %s %s-backports main\n' "$out" "${words[i]}" "$codename"
}

write_file() { # path, content
        local tmp
        tmp=$(mktemp "$1.XXXXXX")
        printf '%s\n' "$2" >"$tmp"
        chmod 0644 "$tmp"
        mv "$tmp" "$1"
        log "added $1:"
        sed 's/^/    /' "$1" >&2
}

add_backports_source() {
        local entry file n stanza uris signed_by arch line out
        entry=$(debian_entries | head -n 1)
        [ -n "$entry" ] ||
                die "no configured Debian source for '$codename' to derive ${codename}-backports from; add a ${codename}-backports source (component main) and run this again"
        file=${entry%:*}
        n=${entry##*:}
        log "deriving ${codename}-backports from $file (entry $n)"

        if [[ $file == *.sources ]]; then
                stanza=$(deb822_stanza "$file" "$n")
                uris=$(deb822_field URIs <<<"$stanza")
                signed_by=$(deb822_field Signed-By <<<"$stanza")
                arch=$(deb822_field Architectures <<<"$stanza")
                [ -n "$uris" ] || die "cannot read URIs of entry $n in $file"
                out="# Added by pinbus scripts/setup-deps.sh for libgpiod >= 2 (derived from $file)"
                out+=$'\n'"Types: deb"$'\n'"URIs: $uris"$'\n'"Suites: ${codename}-backports"$'\n'"Components: main"
                [ -z "$arch" ] || out+=$'\n'"Architectures: $arch"
                [ -z "$signed_by" ] || out+=$'\n'"Signed-By: $signed_by"
                write_file "/etc/apt/sources.list.d/${backports_name}.sources" "$out"
        else
                line=$(sed -n "${n}p" "$file")
                out=$(oneline_backports "$line") || die "cannot parse entry $n of $file: $line"
                write_file "/etc/apt/sources.list.d/${backports_name}.list" \
                        "# Added by pinbus scripts/setup-deps.sh for libgpiod >= 2 (derived from $file)"$'\n'"$out"
        fi
}

install_gpiod() {
        local suites
        suites=$(suites_with_gpiod_v2)
        if grep -qv -e '-backports$' -e '^$' <<<"$suites"; then
                log "libgpiod >= 2 is in the release itself ($(tr '\n' ' ' <<<"$suites"))"
                apt-get install -y --no-install-recommends "${gpiod_packages[@]}"
                return
        fi
        if ! grep -qx -- "${codename}-backports" <<<"$suites"; then
                if has_backports_source; then
                        die "a ${codename}-backports source is configured but offers no libgpiod-dev >= 2"
                fi
                add_backports_source
                apt-get update
                suites=$(suites_with_gpiod_v2)
                grep -qx -- "${codename}-backports" <<<"$suites" ||
                        die "${codename}-backports offers no libgpiod-dev >= 2 after all"
        fi
        log "installing ${gpiod_packages[*]} from ${codename}-backports"
        apt-get install -y --no-install-recommends -t "${codename}-backports" "${gpiod_packages[@]}"
}

# The cross packages still missing, one per line: libgpiod-dev:<arch> as
# libgpiod-dev:<arch>=<version of the native libgpiod-dev>. Nothing when the
# cross builds are all set up.
cross_missing() {
        local a p gpiod_version
        gpiod_version=$(pkg_field libgpiod-dev Version)
        is_installed qemu-user-static || echo qemu-user-static
        for a in "${cross_arches[@]}"; do
                is_installed "crossbuild-essential-$a" || echo "crossbuild-essential-$a"
                for p in "${cross_lib_packages[@]}"; do
                        is_installed "$p:$a" || echo "$p:$a"
                done
                if ! is_installed "libgpiod-dev:$a" || [ "$(pkg_field "libgpiod-dev:$a" Version)" != "$gpiod_version" ]; then
                        echo "libgpiod-dev:$a=$gpiod_version"
                fi
        done
}

# Whether every architecture of cross_arches is added to dpkg.
cross_arches_added() {
        local a foreign
        foreign=$(dpkg --print-foreign-architectures)
        for a in "${cross_arches[@]}"; do
                grep -qx -- "$a" <<<"$foreign" || return 1
        done
}

install_cross() {
        local -a want
        local removed
        mapfile -t want < <(cross_missing)
        if [ ${#want[@]} -eq 0 ]; then
                log "the cross build packages are installed"
                return
        fi
        [ -n "$(pkg_field libgpiod-dev Version)" ] || die "libgpiod-dev is not installed: no version for the cross architectures to match"
        # Multi-Arch: same packages (libc6, libsystemd0...) must have one version on every
        # architecture: apt may upgrade native ones to match, but it must remove nothing.
        removed=$(apt-get -s install --no-install-recommends "${want[@]}" 2>&1 | sed -n 's/^Remv //p') ||
                true
        if [ -n "$removed" ]; then
                die "installing the cross build packages (${want[*]}) would remove: $(tr '\n' ' ' <<<"$removed"); install them by hand, or set PINBUS_CROSS=0 to skip the cross builds"
        fi
        log "installing ${want[*]} (the cross builds)"
        apt-get install -y --no-install-recommends "${want[@]}" ||
                die "cannot install the cross build packages (${want[*]}); PINBUS_CROSS=0 skips the cross builds"
}

# Any linux-source-<version> package installed.
kernel_source_installed() {
        dpkg-query -W -f='${db:Status-Status} ${Package}\n' 'linux-source-*' 2>/dev/null |
                grep -q '^installed linux-source-[0-9]'
}

install_kernel_source() {
        local p
        for p in "${kernel_source_packages[@]}"; do
                if [ -n "$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v none)" ]; then
                        log "installing $p (the kernel source of the real-kernel test rig)"
                        apt-get install -y --no-install-recommends "$p"
                        return
                fi
        done
        die "no kernel source package (${kernel_source_packages[*]}) available"
}

if [ "${PINBUS_SETUP_FORCE:-}" != 1 ] && is_installed "${packages[@]}" && gpiod_v2_installed &&
        kernel_source_installed && { [ "$cross" = 0 ] || { cross_arches_added && [ -z "$(cross_missing)" ]; }; }; then
        log "all dependencies are installed"
        exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "installing packages needs root: run this script as root (or install sudo)"
        log "this needs root: running it again with sudo"
        exec sudo env PINBUS_SETUP_FORCE="${PINBUS_SETUP_FORCE:-}" PINBUS_CROSS="$cross" bash "${BASH_SOURCE[0]}" "$@"
fi

command -v apt-get >/dev/null || die "this script needs apt (Debian, Raspberry Pi OS)"
# shellcheck source=/dev/null
. /etc/os-release
codename=${VERSION_CODENAME:-}
[ -n "$codename" ] || die "cannot tell the release codename (VERSION_CODENAME in /etc/os-release)"

export DEBIAN_FRONTEND=noninteractive
if [ "$cross" != 0 ]; then
        for a in "${cross_arches[@]}"; do
                if ! grep -qx -- "$a" < <(dpkg --print-foreign-architectures); then
                        log "adding dpkg architecture $a (the cross builds; PINBUS_CROSS=0 skips them)"
                        dpkg --add-architecture "$a"
                fi
        done
fi
apt-get update
# Only what is missing: naming an installed package would upgrade it.
missing=()
for p in "${packages[@]}"; do
        is_installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get install -y --no-install-recommends "${missing[@]}"
fi
kernel_source_installed || install_kernel_source
if gpiod_v2_installed && [ "${PINBUS_SETUP_FORCE:-}" != 1 ]; then
        log "libgpiod >= 2 is installed"
else
        install_gpiod
fi

gpiod_v2_installed || die "libgpiod-dev and gpiod >= 2 did not get installed"
if [ "$cross" != 0 ]; then
        install_cross
        [ -z "$(cross_missing)" ] || die "the cross build packages did not all get installed: $(cross_missing | tr '\n' ' ')"
fi
log "done: $(for p in "${gpiod_packages[@]}"; do printf '%s %s ' "$p" "$(pkg_field "$p" Version)"; done)"
