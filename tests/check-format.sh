#!/bin/sh
# Fails when a C file of the project differs from what .clang-format makes of it.
set -eu
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
                echo "clang-format is not installed (scripts/setup-deps.sh installs it)" >&2
                exit 1
        fi
        echo "SKIP: clang-format is not installed"
        exit 77
fi
if git rev-parse --git-dir >/dev/null 2>&1; then
        files=$(git ls-files '*.c' '*.h')
else
        files=$(find lib daemon mqtt tests -name '*.[ch]')
fi
# shellcheck disable=SC2086 # one word per file
clang-format --dry-run --Werror $files
echo "$(echo "$files" | wc -w) files formatted as .clang-format says"
