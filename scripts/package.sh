#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the dependencies, then builds the Debian package: a Release tree for /usr in build-package/
# (no tests) and CPack's DEB generator (cmake/packaging.cmake). Prints the path of the .deb on its last
# line; tests/package/test-package.sh installs and checks it.
#
#   scripts/package.sh [BUILD_DIR]        (default: build-package)
#
# Environment: SWITCHBOARD_SKIP_DEPS=1 skips the apt/npm step; JOBS (2) sets build parallelism.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="${1:-build-package}"
bash scripts/install-deps.sh >&2
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DSWITCHBOARD_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target package >&2
deb="$(ls -t "$build"/switchboard_*.deb | head -n1)"
realpath "$deb"
