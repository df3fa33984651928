#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs dependencies, builds Debug into build/ and runs every test (unit, integration with a real
# Prosody, client libraries). With --sanitize: the same in build-asan/ with ASan and UBSan; with
# --tsan: in build-tsan/ with ThreadSanitizer (no GUI, no benchmarks), any report failing the test.
#
#   scripts/test.sh [--sanitize|--tsan] [extra ctest arguments, e.g. -L unit or -R bosh]
#
# Environment: SWITCHBOARD_SKIP_DEPS=1 skips the apt/npm step; JOBS (2) sets build and test parallelism;
# SWITCHBOARD_BUILD_DIR (build, build-asan with --sanitize, build-tsan with --tsan) picks the build tree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs="${JOBS:-2}"
build="${SWITCHBOARD_BUILD_DIR:-build}"
cmake_args=(-DCMAKE_BUILD_TYPE=Debug)
if [[ "${1:-}" == --sanitize ]]; then
    shift
    build="${SWITCHBOARD_BUILD_DIR:-build-asan}"
    cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DSWITCHBOARD_SANITIZE=ON)
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
    # Leaks inside glibc's resolver that only Qt's DNS thread could free (the file says which).
    export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0}"
elif [[ "${1:-}" == --tsan ]]; then
    shift
    build="${SWITCHBOARD_BUILD_DIR:-build-tsan}"
    # No GUI: the window adds nothing threaded, and Qt Widgets would add more uninstrumented code.
    cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DSWITCHBOARD_TSAN=ON -DSWITCHBOARD_BUILD_GUI=OFF
                -DSWITCHBOARD_BUILD_BENCH=OFF)
    # die_after_fork=0: the tests start Prosody, HAProxy and the binary (QProcess) while threads run.
    # ignore_noninstrumented_modules=1: what Qt allocates, copies and frees itself (a posted event) is
    # not checked; our own code is, and core/base/tsanhandover.h tells it of Qt's hand-overs.
    export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:ignore_noninstrumented_modules=1}"
fi

bash scripts/install-deps.sh
cmake -S . -B "$build" -G Ninja "${cmake_args[@]}"
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs" "$@"
