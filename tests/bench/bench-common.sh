# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Shell functions that run-bench.sh and run-capacity.sh share (with scripts/ports.sh); sourced by both,
# not run on its own.

# shellcheck source-path=SCRIPTDIR/../../scripts source=ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/ports.sh"

# parse_result ARRAY LINE: splits a bench RESULT line (tab-separated key=value fields after "RESULT")
# into the associative array named ARRAY.
# shellcheck disable=SC2034 # `into` is a nameref: the caller's array is filled
parse_result() {
    local -n into="$1"
    local field
    IFS=$'\t' read -r -a fields <<<"$2"
    for field in "${fields[@]:1}"; do into["${field%%=*}"]="${field#*=}"; done
}
