#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz/ and runs each over its seed corpus in
# tests/fuzz/corpus/<target>/ for a bounded time. A crash, leak, sanitizer report or timeout fails the
# run; the reproducer is left in build-fuzz/findings/.
#
#   scripts/fuzz.sh [seconds per target, default 60] [target...]
#
# Environment: SWITCHBOARD_FUZZ_BUILD_DIR (build-fuzz), JOBS (2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-60}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(http_request bosh_body stanza_reader ws_frame ws_wire proxy_header rest_request)
build="${SWITCHBOARD_FUZZ_BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-2}"

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWITCHBOARD_FUZZ=ON \
    -DSWITCHBOARD_BUILD_GUI=OFF -DSWITCHBOARD_BUILD_TESTS=OFF -DSWITCHBOARD_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/fuzz_}"

mkdir -p "$build/findings"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for target in "${targets[@]}"; do
    echo "=== fuzz_$target for ${seconds}s"
    # The corpus in the repository stays as it is: new inputs go to a scratch folder.
    work="$build/corpus-$target"
    mkdir -p "$work"
    "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
        "$work" "tests/fuzz/corpus/$target" 2>&1 | tail -n 12
done
echo "fuzzing: no findings"
