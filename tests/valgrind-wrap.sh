#!/bin/sh
# exe_wrapper of `meson test --setup=valgrind`. Compiled test programs run
# under valgrind directly. Scripts (Python bus tests, shell checks) run as they
# are and put pinbusd under valgrind themselves through PINBUSD_WRAPPER:
# valgrinding an interpreter would test the interpreter, not pinbus.
set -eu
vg="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=30"
PINBUSD_WRAPPER="$vg"
export PINBUSD_WRAPPER

is_elf() {
        [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]
}

case "$(basename "$1")" in
python3* | sh | bash | dash) exec "$@" ;;
esac
if is_elf "$1"; then
        # shellcheck disable=SC2086 # $vg is a word list on purpose
        exec $vg "$@"
fi
exec "$@"
