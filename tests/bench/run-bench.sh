#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side benchmark on one fresh Prosody: direct TCP, Prosody's own BOSH and WebSocket, Switchboard's
# BOSH and WebSocket, each at a fixed rate and saturated. Builds nothing: build first (bash scripts/test.sh, or a Release build).
#
#   tests/bench/run-bench.sh [BUILD_DIR]        (default: build)
#
# Environment: BENCH_SESSIONS (100), BENCH_RATE (500), BENCH_DURATION (20), BENCH_SAT_DURATION (10),
# BENCH_USERS (200). Prints a Markdown table; raw output goes to BENCH_LOG_DIR (a temporary directory).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
bench="$build/tests/bench/switchboard-bench"
switchboard="$build/app/switchboard"
sessions="${BENCH_SESSIONS:-100}"
rate="${BENCH_RATE:-500}"
duration="${BENCH_DURATION:-20}"
sat_duration="${BENCH_SAT_DURATION:-10}"
users="${BENCH_USERS:-200}"
[[ -x "$bench" ]] || { echo "run-bench.sh: $bench not built (SWITCHBOARD_BUILD_BENCH=ON)" >&2; exit 1; }

free_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        # Below the kernel's ephemeral range (32768 and up), where sockets bound to port 0 by tests
        # running at the same time could take the port between this check and its use.
        p=$((10000 + RANDOM % 22000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-bench.XXXXXX")"
logs="${BENCH_LOG_DIR:-$work}"
mkdir -p "$logs"
prosody_pid="" switchboard_pid=""
cleanup() {
    set +e
    [[ -n "$switchboard_pid" ]] && kill "$switchboard_pid" 2>/dev/null
    [[ -n "$prosody_pid" ]] && kill "$prosody_pid" 2>/dev/null
    [[ "$logs" == "$work" ]] || rm -rf "$work"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

c2s="$(free_port)"
http="$(free_port)"
prosody_pid="$(bash "$root/scripts/prosody-local.sh" --dir "$work/prosody" --c2s "$c2s" --http "$http" \
    --bench-users "$users" --bench-password-prefix pass)"

switchboard_url="" switchboard_ws=""
if [[ -x "$switchboard" ]]; then
    port="$(free_port)"
    "$switchboard" --no-gui --host 127.0.0.1 --port "$port" --path /http-bind/ \
        --route "localhost=127.0.0.1:$c2s" --no-tls-domain localhost \
        --set max_connections=1000000 --set max_connections_per_ip=1000000 --set max_sessions_per_ip=1000000 \
        --set max_new_sessions_per_ip=1000000 --set rest_store="$work/rest.sqlite" \
        --set vapid_key_file="$work/vapid.pem" >"$logs/switchboard.log" 2>&1 &
    switchboard_pid=$!
    for ((i = 0; i < 100; i++)); do
        port_open "$port" && { switchboard_url="http://127.0.0.1:$port/http-bind/"
            switchboard_ws="ws://127.0.0.1:$port/xmpp-websocket"; break; }
        kill -0 "$switchboard_pid" 2>/dev/null || break
        sleep 0.05
    done
    [[ -n "$switchboard_url" ]] || { echo "# switchboard did not start; see $logs/switchboard.log" >&2; switchboard_pid=""; }
fi

cpu_count="$(nproc)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $cpu_count cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# Prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null || echo '?') on c2s $c2s / http $http (pid $prosody_pid); logs in $logs"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews results)"
echo "# $sessions sessions, each messages its own full JID; rate runs $duration s, saturated runs $sat_duration s (1 in flight per session)"
echo
rows=()
# run NAME MODE-ARGS... : one bench run, its RESULT line turned into a table row.
run() {
    local name="$1" rate_arg="$2" seconds="$3" pids="$4"
    shift 4
    local log="$logs/$(echo "$name-$rate_arg" | tr ' /' '__').log" result
    if ! "$bench" "$@" --sessions "$sessions" --users "$users" --password-prefix pass --rate "$rate_arg" \
        --duration "$seconds" --warmup 2 --pids "$pids" --label "$name" >"$log" 2>&1; then
        echo "# $name (rate $rate_arg) reported errors, see $log" >&2
    fi
    result="$(grep '^RESULT' "$log" || true)"
    if [[ -z "$result" ]]; then
        rows+=("| $name | $([[ $rate_arg == 0 ]] && echo saturated || echo "$rate_arg/s") | failed | | | | | | |")
        return
    fi
    local -A r=()
    local field
    IFS=$'\t' read -r -a fields <<<"$result"
    for field in "${fields[@]:1}"; do r["${field%%=*}"]="${field#*=}"; done
    # cpu=name:seconds:ms_per_1000,... ; first PID is the CM (when there is one), the last is Prosody.
    local cpu_cm="–" cpu_prosody="–" total=0 per1k=0 entry
    IFS=',' read -r -a entries <<<"${r[cpu]}"
    for entry in "${entries[@]}"; do
        IFS=':' read -r pname psec pk <<<"$entry"
        if [[ "$pname" == lua* || "$pname" == prosody* ]]; then cpu_prosody="$psec"; else cpu_cm="$psec"; fi
        per1k="$(awk -v a="$per1k" -v b="$pk" 'BEGIN { printf "%.1f", a + b }')"
    done
    rows+=("| $name | $([[ $rate_arg == 0 ]] && echo saturated || echo "$rate_arg/s") | ${r[logins_per_s]} | ${r[msgs_per_s]} | ${r[p50_ms]} | ${r[p99_ms]} | $cpu_cm | $cpu_prosody | $per1k |")
}

for r in "$rate" 0; do
    s="$duration"; [[ "$r" == 0 ]] && s="$sat_duration"
    run "direct TCP (Prosody c2s)" "$r" "$s" "$prosody_pid" --mode tcp --host 127.0.0.1 --port "$c2s"
    run "Prosody BOSH (mod_bosh)" "$r" "$s" "$prosody_pid" --mode bosh --url "http://127.0.0.1:$http/http-bind"
    if [[ -n "$switchboard_url" ]]; then
        run "Switchboard BOSH" "$r" "$s" "$switchboard_pid,$prosody_pid" --mode bosh --url "$switchboard_url"
    else
        rows+=("| Switchboard BOSH | $([[ $r == 0 ]] && echo saturated || echo "$r/s") | pending | | | | | | |")
    fi
    run "Prosody WebSocket (mod_websocket)" "$r" "$s" "$prosody_pid" --mode ws --url "ws://127.0.0.1:$http/xmpp-websocket"
    if [[ -n "$switchboard_ws" ]]; then
        run "Switchboard WebSocket" "$r" "$s" "$switchboard_pid,$prosody_pid" --mode ws --url "$switchboard_ws"
    else
        rows+=("| Switchboard WebSocket | $([[ $r == 0 ]] && echo saturated || echo "$r/s") | pending | | | | | | |")
    fi
done

echo "| run | load | logins/s | msg/s | p50 ms | p99 ms | CPU s CM | CPU s Prosody | CPU ms / 1000 stanzas |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
