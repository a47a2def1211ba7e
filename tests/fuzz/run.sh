#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs every libFuzzer target of a fuzz build for SECONDS each, two at a time:
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]
#
# BUILD_DIR is configured with CC=clang -Dfuzz=enabled -Db_sanitize=address (see
# tests/fuzz/meson.build). Each target starts from its seed corpus, tests/fuzz/corpus/NAME/
# (read only: what it finds is kept in BUILD_DIR/fuzz/corpus-NAME, reused by the next run);
# a crash, leak or trap leaves its input in BUILD_DIR/fuzz/ (crash-*, leak-*) and fails the run.
# Reproduce one with: BUILD_DIR/tests/fuzz/fuzz-NAME BUILD_DIR/fuzz/crash-...
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS] [TARGET...]}" && pwd)
seconds=${2:-60}
shift $(($# > 1 ? 2 : 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config state line-spec duration)
jobs=${PINBUS_FUZZ_JOBS:-2}
out=$build/fuzz
mkdir -p "$out"

run_one() {
        local name=$1 exe=$build/tests/fuzz/fuzz-$1 dict=()
        [ -x "$exe" ] || { echo "fuzz: $exe is not built" >&2; return 1; }
        [ -f "$root/tests/fuzz/$name.dict" ] && dict=(-dict="$root/tests/fuzz/$name.dict")
        mkdir -p "$out/corpus-$name"
        "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                -artifact_prefix="$out/" "${dict[@]}" \
                "$out/corpus-$name" "$root/tests/fuzz/corpus/$name" >"$out/$name.log" 2>&1
}

failed=0
pids=()
names=()
for name in "${targets[@]}"; do
        run_one "$name" &
        pids+=($!)
        names+=("$name")
        if [ ${#pids[@]} -ge "$jobs" ]; then
                for i in "${!pids[@]}"; do
                        if wait "${pids[$i]}"; then s=ok; else s=FAILED; failed=1; fi
                        echo "fuzz-${names[$i]}: $s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/${names[$i]}.log" | awk '{print $2}') runs in ${seconds} s (log: $out/${names[$i]}.log)"
                        [ $s = ok ] || tail -40 "$out/${names[$i]}.log"
                done
                pids=()
                names=()
        fi
done
for i in "${!pids[@]}"; do
        if wait "${pids[$i]}"; then s=ok; else s=FAILED; failed=1; fi
        echo "fuzz-${names[$i]}: $s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/${names[$i]}.log" | awk '{print $2}') runs in ${seconds} s (log: $out/${names[$i]}.log)"
        [ $s = ok ] || tail -40 "$out/${names[$i]}.log"
done
exit $failed
