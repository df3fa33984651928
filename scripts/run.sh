#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs dependencies, builds a Release Switchboard into build/, starts a throwaway Prosody with two
# demo accounts, and runs Switchboard on port 5280 in front of it (BOSH at /http-bind/, WebSocket at
# /xmpp-websocket, the REST gateway at /api/v1, status page at /status, metrics at /metrics). Prints
# curl commands that log in over REST as the first demo account and read its events. Headless when
# there is no $DISPLAY, else with the monitor window. Ctrl-C stops both.
#
# Environment: SWITCHBOARD_PORT (5280), SWITCHBOARD_BUILD_DIR (build), SWITCHBOARD_SKIP_DEPS=1 to skip the
# apt/npm step.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${SWITCHBOARD_PORT:-5280}"
build="${SWITCHBOARD_BUILD_DIR:-build}"

bash scripts/install-deps.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j2 --target switchboard

# shellcheck source-path=SCRIPTDIR source=ports.sh
source "$root/scripts/ports.sh"
if port_open "$port"; then
    echo "run.sh: port $port is in use; set SWITCHBOARD_PORT to another port" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-run.XXXXXX")"
prosody_pid="" switchboard_pid=""
cleanup() {
    set +e
    trap '' INT TERM # a second Ctrl-C must not cut the clean-up short and leave Prosody running
    if [[ -n "$switchboard_pid" ]]; then
        kill "$switchboard_pid" 2>/dev/null
        wait "$switchboard_pid" 2>/dev/null
    fi
    [[ -n "$prosody_pid" ]] && kill "$prosody_pid" 2>/dev/null
    rm -rf "$work"
    echo "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

c2s="$(free_port)"
alice_pw="alice-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
bob_pw="bob-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
prosody_pid="$(bash scripts/prosody-local.sh --dir "$work/prosody" --c2s "$c2s" \
    --account "alice:$alice_pw" --account "bob:$bob_pw")"

args=(--host 127.0.0.1 --port "$port" --path /http-bind/ --ws-path /xmpp-websocket --route "localhost=127.0.0.1:$c2s" --no-tls-domain localhost)
# The demo's REST sessions belong to its throw-away Prosody: their store goes with it.
args+=(--set rest_store="$work/rest.sqlite")
[[ -z "${DISPLAY:-}" ]] && args=(--no-gui "${args[@]}")
"$build/app/switchboard" "${args[@]}" &
switchboard_pid=$!

if ! wait_for_port "$port" "$switchboard_pid" 10; then
    if kill -0 "$switchboard_pid" 2>/dev/null; then
        echo "run.sh: switchboard is not listening on $port after 10 s" >&2
    else
        echo "run.sh: switchboard exited" >&2
        switchboard_pid=""
    fi
    exit 1
fi

if [[ -n "${DISPLAY:-}" ]]; then
    window="open on display $DISPLAY (the Switchboard monitor)"
else
    window="none (no \$DISPLAY); for the monitor window run from a desktop session, or DISPLAY=:0 $0"
fi
cat <<INFO

Switchboard is running.
  BOSH endpoint:  http://localhost:$port/http-bind/
  WebSocket:      ws://localhost:$port/xmpp-websocket  (subprotocol xmpp)
  REST API:       http://localhost:$port/api/v1  (OpenAPI: /api/v1/openapi.json)
  Status page:    http://localhost:$port/status  (JSON: /status.json)
  Metrics:        http://localhost:$port/metrics  (Prometheus text)
  Window:         $window
  XMPP domain:    localhost  (Prosody on 127.0.0.1:$c2s, data in $work)
  Accounts:       alice@localhost  password $alice_pw
                  bob@localhost    password $bob_pw

REST (docs/REST.md): log in as alice, read her events (the roster comes first; with nothing pending
the call waits up to 30 s for the next), log out:
  S=\$(curl -s -X POST http://localhost:$port/api/v1/sessions -H 'Content-Type: application/json' \\
      -d '{"jid": "alice@localhost", "password": "$alice_pw"}'); echo "\$S"
  curl -s "http://localhost:$port/api/v1/sessions/\$(jq -r .id <<<"\$S")/events?after=0&wait=30" \\
      -H "Authorization: Bearer \$(jq -r .token <<<"\$S")"; echo
  curl -s -X DELETE "http://localhost:$port/api/v1/sessions/\$(jq -r .id <<<"\$S")" \\
      -H "Authorization: Bearer \$(jq -r .token <<<"\$S")" -w '%{http_code}\\n'

Press Ctrl-C to stop.

INFO
wait "$switchboard_pid" || true
switchboard_pid=""
