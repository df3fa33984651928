#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks what the package installs beside the binaries, without installing anything:
#   manpages BUILD_DIR VERSION   every command built has a page in docs/man/, and every page of a built
#                                command renders without warnings (man --warnings), has a NAME section
#                                lexgrog reads, names VERSION, and documents every long option the
#                                command's --help lists
#   unit BUILD_DIR               the generated systemd unit passes systemd-analyze verify, with ExecStart=
#                                pointed at the built binary (skipped, exit 77, without systemd-analyze)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="$1" build="$(realpath "$2")"
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

binary() { # the built binary of a command, empty when it is not built
    local name="$1" path
    for path in "$build/app/$name" "$build/app/${name#switchboard-}/$name"; do
        [[ -x "$path" ]] && { echo "$path"; return 0; }
    done
    return 0
}

case "$mode" in
manpages)
    version="$3"
    pages=0
    for page in "$root"/docs/man/*.1; do
        name="$(basename "$page" .1)"
        bin="$(binary "$name")"
        [[ -n "$bin" ]] || { echo "skip $name: not built"; continue; }
        pages=$((pages + 1))
        warnings="$(LC_ALL=C.UTF-8 man --warnings -l "$page" 2>&1 >/dev/null)"
        [[ -z "$warnings" ]] || fail "$name.1 renders with warnings: $warnings"
        lexgrog "$page" >/dev/null || fail "$name.1: lexgrog finds no NAME section"
        grep -q "^\.TH .* \"Switchboard $version\"" "$page" || fail "$name.1 does not name version $version"
        rendered="$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$page" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')"
        mapfile -t options < <(QT_QPA_PLATFORM=offscreen "$bin" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
        [[ ${#options[@]} -gt 3 ]] || fail "$name --help lists no options"
        for option in "${options[@]}"; do
            grep -q -- "$option\b" <<<"$rendered" || fail "$name.1 does not document $option"
        done
        echo "$name.1: renders, ${#options[@]} options documented"
    done
    [[ $pages -gt 0 ]] || fail "no man page checked"
    # And the other way round: every command built has its page.
    for bin in "$build"/app/switchboard "$build"/app/*/switchboard-*; do
        [[ -f "$bin" && -x "$bin" ]] || continue
        [[ -f "$root/docs/man/$(basename "$bin").1" ]] || fail "$(basename "$bin") has no docs/man/$(basename "$bin").1"
    done
    ;;
unit)
    command -v systemd-analyze >/dev/null || { echo "skip: no systemd-analyze"; exit 77; }
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    unit="$build/deploy/switchboard.service"
    [[ -f "$unit" ]] || { fail "$unit not generated"; exit 1; }
    exec_binary="$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")"
    sed "s#^ExecStart=$exec_binary #ExecStart=$build/app/switchboard #" "$unit" >"$work/switchboard.service"
    output="$(systemd-analyze verify --man=no "$work/switchboard.service" 2>&1 | grep switchboard || true)"
    [[ -z "$output" ]] || fail "systemd-analyze verify: $output"
    grep -q '^Type=notify$' "$unit" || fail "the unit is not Type=notify"
    echo "switchboard.service verifies"
    ;;
*)
    echo "usage: check-installables.sh manpages|unit BUILD_DIR [VERSION]" >&2
    exit 2
    ;;
esac
exit "$failed"
