#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs node client tests against a real stack: a throwaway Prosody and Switchboard in front of it.
#
#   tests/clients/run-client-tests.sh SWITCHBOARD_BINARY TEST_FILE...
#
# The tests get SWITCHBOARD_BOSH_URL, SWITCHBOARD_WS_URL, SWITCHBOARD_REST_URL (the REST gateway's base,
# only when Switchboard is under test), SWITCHBOARD_ADMIN_TOKEN (the admin API's token, likewise),
# PROSODY_BOSH_URL, PROSODY_WS_URL, XMPP_DOMAIN and XMPP_ACCOUNTS.
# With SWITCHBOARD_CLIENT_PUSH=1, Switchboard trusts a throwaway test CA (ca_file) and may push to
# 127.0.0.1 (push_allowed_hosts); the tests get PUSH_TEST_CERT and PUSH_TEST_KEY, a certificate for
# 127.0.0.1 that CA signed, for a push receiver on loopback. Set SWITCHBOARD_BOSH_URL=prosody beforehand
# to point the tests at Prosody's own /http-bind instead (a check of the tests themselves; the binary
# argument is then ignored), or to any URL to use that server as is. With SWITCHBOARD_CLIENT_NODES=1 the
# tests start their own Switchboards: they get SWITCHBOARD_BINARY, PROSODY_C2S_PORT and SWITCHBOARD_SOURCE_DIR
# instead of the URLs. SWITCHBOARD_CLIENT_WORKERS sets Switchboard's `workers` (default 1). Exits with
# node's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
[[ $# -ge 2 ]] || { sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
binary="$1"
shift
tests=()
for t in "$@"; do
    [[ "$t" = /* ]] && tests+=("$t") || tests+=("$here/$t")
done

command -v node >/dev/null || { echo "run-client-tests.sh: node is not installed" >&2; exit 1; }
if [[ ! -d "$here/node_modules" ]]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# shellcheck source-path=SCRIPTDIR/../../scripts source=ports.sh
source "$root/scripts/ports.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-clients.XXXXXX")"
prosody_pid="" switchboard_pid=""
cleanup() {
    local status=$?
    set +e
    if [[ -n "$switchboard_pid" ]]; then
        kill "$switchboard_pid" 2>/dev/null
        wait "$switchboard_pid" 2>/dev/null
        local sb_status=$?
        # 143: ended by our SIGTERM without handling it; anything else non-zero is a crash worth failing on.
        if [[ $sb_status -ne 0 && $sb_status -ne 143 && $status -eq 0 ]]; then
            echo "run-client-tests.sh: switchboard exited with status $sb_status" >&2
            status=1
        fi
    fi
    [[ -n "$prosody_pid" ]] && kill "$prosody_pid" 2>/dev/null
    if [[ $status -ne 0 ]]; then
        echo "--- logs kept in $work" >&2
        tail -n 30 "$work/switchboard.log" 2>/dev/null >&2 || true
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

c2s="$(free_port)"
http="$(free_port)"
alice_pw="alice-$RANDOM$RANDOM"
bob_pw="bob-$RANDOM$RANDOM"
prosody_pid="$(bash "$root/scripts/prosody-local.sh" --dir "$work/prosody" --c2s "$c2s" --http "$http" \
    --account "alice:$alice_pw" --account "bob:$bob_pw")"

export XMPP_DOMAIN=localhost
export XMPP_ACCOUNTS="alice:$alice_pw bob:$bob_pw"
export PROSODY_BOSH_URL="http://127.0.0.1:$http/http-bind"
export PROSODY_WS_URL="ws://127.0.0.1:$http/xmpp-websocket"

if [[ "${SWITCHBOARD_CLIENT_NODES:-}" == 1 ]]; then
    [[ -x "$binary" ]] || { echo "run-client-tests.sh: $binary is not an executable" >&2; exit 1; }
    export SWITCHBOARD_BINARY="$binary" PROSODY_C2S_PORT="$c2s" SWITCHBOARD_SOURCE_DIR="$root"
    export SWITCHBOARD_BOSH_URL="(the test's own nodes)"
elif [[ "${SWITCHBOARD_BOSH_URL:-}" == prosody ]]; then
    export SWITCHBOARD_BOSH_URL="$PROSODY_BOSH_URL"
    export SWITCHBOARD_WS_URL="$PROSODY_WS_URL"
elif [[ -z "${SWITCHBOARD_BOSH_URL:-}" ]]; then
    [[ -x "$binary" ]] || { echo "run-client-tests.sh: $binary is not an executable" >&2; exit 1; }
    port="$(free_port)"
    # The admin API (docs/ADMIN.md), for the tests that put faults into their sessions.
    export SWITCHBOARD_ADMIN_TOKEN="admin-$RANDOM$RANDOM$RANDOM"
    push_args=()
    if [[ "${SWITCHBOARD_CLIENT_PUSH:-}" == 1 ]]; then
        command -v openssl >/dev/null || { echo "run-client-tests.sh: openssl is not installed" >&2; exit 1; }
        mkdir -p "$work/push"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj "/CN=Switchboard client test CA" -addext basicConstraints=critical,CA:TRUE \
            -keyout "$work/push/ca.key" -out "$work/push/ca.pem" 2>/dev/null
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
            -keyout "$work/push/receiver.key" -out "$work/push/receiver.csr" 2>/dev/null
        echo "subjectAltName=IP:127.0.0.1" >"$work/push/receiver.ext"
        openssl x509 -req -in "$work/push/receiver.csr" -CA "$work/push/ca.pem" -CAkey "$work/push/ca.key" \
            -CAcreateserial -days 2 -extfile "$work/push/receiver.ext" -out "$work/push/receiver.pem" 2>/dev/null
        export PUSH_TEST_CERT="$work/push/receiver.pem" PUSH_TEST_KEY="$work/push/receiver.key"
        push_args=(--set "ca_file=$work/push/ca.pem" --set "push_allowed_hosts=127.0.0.1"
                   --set "push_interval=1")
    fi
    "$binary" --no-gui --host 127.0.0.1 --port "$port" --path /http-bind/ \
        --route "localhost=127.0.0.1:$c2s" --no-tls-domain localhost \
        --set rest_store="$work/rest.sqlite" --set vapid_key_file="$work/vapid.pem" "${push_args[@]}" \
        --set "workers=${SWITCHBOARD_CLIENT_WORKERS:-1}" --set "admin_token=$SWITCHBOARD_ADMIN_TOKEN" --set lint=true \
        >"$work/switchboard.log" 2>&1 &
    switchboard_pid=$!
    if ! wait_for_port "$port" "$switchboard_pid" 10; then
        echo "run-client-tests.sh: switchboard exited or is not listening on $port after 10 s;" \
            "its log:" >&2
        tail -n 20 "$work/switchboard.log" >&2 || true
        exit 1
    fi
    export SWITCHBOARD_BOSH_URL="http://127.0.0.1:$port/http-bind/"
    export SWITCHBOARD_WS_URL="ws://127.0.0.1:$port/xmpp-websocket"
    export SWITCHBOARD_REST_URL="http://127.0.0.1:$port/api/v1"
fi
echo "# BOSH: $SWITCHBOARD_BOSH_URL  (Prosody c2s 127.0.0.1:$c2s, http $http)"

status=0
(cd "$here" && node --test --test-reporter=spec "${tests[@]}") || status=$?
exit "$status"
