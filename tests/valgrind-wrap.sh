#!/bin/sh
# exe_wrapper of `meson test --setup=valgrind`. C test programs run under
# valgrind directly; a Python bus test runs as it is and puts pinbusd under
# valgrind itself (through PINBUSD_WRAPPER), since valgrinding the Python
# interpreter would test Python, not pinbus.
set -eu
vg="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=30"
case "$(basename "$1")" in
python3*)
        PINBUSD_WRAPPER="$vg"
        export PINBUSD_WRAPPER
        exec "$@"
        ;;
*)
        # shellcheck disable=SC2086 # $vg is a word list on purpose
        exec $vg "$@"
        ;;
esac
