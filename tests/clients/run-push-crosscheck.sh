#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks Switchboard's Web Push requests with independent implementations (npm http_ece, web-push and
# Node's crypto); no server needed.
#
#   tests/clients/run-push-crosscheck.sh SWITCHBOARD_PUSH_SAMPLE
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 1 ]] || { sed -n '3,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
command -v node >/dev/null || { echo "run-push-crosscheck.sh: node is not installed" >&2; exit 1; }
if [[ ! -d "$here/node_modules/http_ece" || ! -d "$here/node_modules/web-push" ]]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
SWITCHBOARD_PUSH_SAMPLE="$1" exec node --test "$here/push_crosscheck.test.mjs"
