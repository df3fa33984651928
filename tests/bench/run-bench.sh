#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side benchmark on one fresh Prosody: direct TCP, Prosody's own BOSH and WebSocket, Switchboard's
# BOSH, WebSocket and REST gateway, each at a fixed rate and saturated; then resident memory per idle
# session of Switchboard's BOSH, WebSocket and REST sessions, each against a freshly started Switchboard.
# Builds nothing: build first (bash scripts/test.sh, or a Release build).
#
#   tests/bench/run-bench.sh [BUILD_DIR]        (default: build)
#
# Environment: BENCH_SESSIONS (100), BENCH_RATE (500), BENCH_DURATION (20), BENCH_SAT_DURATION (10),
# BENCH_USERS (200), BENCH_IDLE_SESSIONS (1000; 0 skips the idle runs), BENCH_ROUNDS (1): rounds run
# one after the other, every front once per round, and the tables give each figure's median over the
# rounds; BENCH_FRONTS (all: tcp prosody-bosh bosh prosody-ws ws rest) picks the message runs.
# Prints Markdown tables; raw output goes to BENCH_LOG_DIR (a temporary directory).
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
idle_sessions="${BENCH_IDLE_SESSIONS:-1000}"
rounds="${BENCH_ROUNDS:-1}"
fronts=" ${BENCH_FRONTS:-tcp prosody-bosh bosh prosody-ws ws rest} "
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

switchboard_url="" switchboard_ws="" switchboard_rest="" switchboard_starts=0
# Starts a fresh Switchboard in front of the Prosody (stopping the one before); sets the URLs, or
# leaves them empty when it does not start.
start_switchboard() {
    stop_switchboard
    [[ -x "$switchboard" ]] || return 0
    local port
    port="$(free_port)"
    # A store of its own for each start: a fresh Switchboard must not take up the REST sessions the one
    # before saved when it stopped.
    "$switchboard" --no-gui --host 127.0.0.1 --port "$port" --path /http-bind/ \
        --route "localhost=127.0.0.1:$c2s" --no-tls-domain localhost \
        --set max_connections=1000000 --set max_connections_per_ip=1000000 --set max_sessions_per_ip=1000000 \
        --set max_new_sessions_per_ip=1000000 --set max_sessions=1000000 \
        --set rest_max_sessions_per_account=100000 --set rest_max_sessions_per_ip=100000 \
        --set rest_store="$work/rest-$((++switchboard_starts)).sqlite" \
        --set vapid_key_file="$work/vapid.pem" >>"$logs/switchboard.log" 2>&1 &
    switchboard_pid=$!
    for ((i = 0; i < 100; i++)); do
        port_open "$port" && { switchboard_url="http://127.0.0.1:$port/http-bind/"
            switchboard_ws="ws://127.0.0.1:$port/xmpp-websocket"
            switchboard_rest="http://127.0.0.1:$port/api/v1"; break; }
        kill -0 "$switchboard_pid" 2>/dev/null || break
        sleep 0.05
    done
    [[ -n "$switchboard_url" ]] || { echo "# switchboard did not start; see $logs/switchboard.log" >&2; switchboard_pid=""; }
}
stop_switchboard() {
    if [[ -n "$switchboard_pid" ]]; then
        kill "$switchboard_pid" 2>/dev/null
        wait "$switchboard_pid" 2>/dev/null || true
    fi
    switchboard_pid="" switchboard_url="" switchboard_ws="" switchboard_rest=""
}
start_switchboard

cpu_count="$(nproc)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $cpu_count cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# Prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null || echo '?') on c2s $c2s / http $http (pid $prosody_pid); logs in $logs"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews results)"
echo "# $sessions sessions, each messages its own full JID; rate runs $duration s, saturated runs $sat_duration s (1 in flight per session); $rounds round(s), medians"
echo
# One line per run and round: name, load, then the table's columns, tab-separated.
results="$work/results.tsv"
: >"$results"
round=1
# run NAME MODE-ARGS... : one bench run, its RESULT line turned into a table row.
run() {
    local name="$1" rate_arg="$2" seconds="$3" pids="$4"
    shift 4
    local load
    load="$([[ $rate_arg == 0 ]] && echo saturated || echo "$rate_arg/s")"
    local log="$logs/$(echo "$name-$rate_arg-r$round" | tr ' /()' '____').log" result
    if ! "$bench" "$@" --sessions "$sessions" --users "$users" --password-prefix pass --rate "$rate_arg" \
        --duration "$seconds" --warmup 2 --pids "$pids" --label "$name" >"$log" 2>&1; then
        echo "# $name (rate $rate_arg) reported errors, see $log" >&2
    fi
    result="$(grep '^RESULT' "$log" || true)"
    if [[ -z "$result" ]]; then
        printf '%s\t%s\tfailed\n' "$name" "$load" >>"$results"
        return
    fi
    local -A r=()
    local field
    IFS=$'\t' read -r -a fields <<<"$result"
    for field in "${fields[@]:1}"; do r["${field%%=*}"]="${field#*=}"; done
    # cpu=name:seconds:ms_per_1000,... ; first PID is the CM (when there is one), the last is Prosody.
    local cpu_cm="–" cpu_prosody="–" cm1k="–" per1k=0 entry
    IFS=',' read -r -a entries <<<"${r[cpu]}"
    for entry in "${entries[@]}"; do
        IFS=':' read -r pname psec pk <<<"$entry"
        if [[ "$pname" == lua* || "$pname" == prosody* ]]; then cpu_prosody="$psec"; else cpu_cm="$psec" cm1k="$pk"; fi
        per1k="$(awk -v a="$per1k" -v b="$pk" 'BEGIN { printf "%.1f", a + b }')"
    done
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$load" "${r[logins_per_s]}" "${r[msgs_per_s]}" \
        "${r[p50_ms]}" "${r[p99_ms]}" "$cpu_cm" "$cpu_prosody" "$cm1k" "$per1k" >>"$results"
}
pending() { printf '%s\t%s\tpending\n' "$1" "$([[ $2 == 0 ]] && echo saturated || echo "$2/s")" >>"$results"; }
# idle NAME MODE-ARGS... : logs BENCH_IDLE_SESSIONS in, holds them, reports RSS per session.
idle() {
    local name="$1"
    shift
    local log="$logs/idle-$(echo "$name-r$round" | tr ' /()' '____').log" result
    if ! "$bench" "$@" --sessions "$idle_sessions" --users "$users" --password-prefix pass --idle --warmup 3 \
        --duration 5 --pids "$switchboard_pid,$prosody_pid" --label "$name" >"$log" 2>&1; then
        echo "# idle $name reported errors, see $log" >&2
    fi
    result="$(grep '^RESULT' "$log" || true)"
    [[ -n "$result" ]] || { printf '%s\tidle\tfailed\n' "$name" >>"$results"; return; }
    local -A r=()
    local field
    IFS=$'\t' read -r -a fields <<<"$result"
    for field in "${fields[@]:1}"; do r["${field%%=*}"]="${field#*=}"; done
    local kib_cm="–" kib_prosody="–" entry
    IFS=',' read -r -a entries <<<"${r[kib_per_session]}"
    for entry in "${entries[@]}"; do
        if [[ "$entry" == lua* || "$entry" == prosody* ]]; then kib_prosody="${entry##*:}"; else kib_cm="${entry##*:}"; fi
    done
    printf '%s\tidle\t%s\t%s\t%s\t%s\n' "$name" "${r[idle_sessions]}" "${r[alive]}" "$kib_cm" "$kib_prosody" >>"$results"
}

for ((round = 1; round <= rounds; round++)); do
    echo "# round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    [[ $round == 1 ]] || start_switchboard
    for r in "$rate" 0; do
        s="$duration"; [[ "$r" == 0 ]] && s="$sat_duration"
        [[ "$fronts" == *" tcp "* ]] &&
            run "direct TCP (Prosody c2s)" "$r" "$s" "$prosody_pid" --mode tcp --host 127.0.0.1 --port "$c2s"
        [[ "$fronts" == *" prosody-bosh "* ]] &&
            run "Prosody BOSH (mod_bosh)" "$r" "$s" "$prosody_pid" --mode bosh --url "http://127.0.0.1:$http/http-bind"
        if [[ "$fronts" == *" bosh "* ]]; then
            if [[ -n "$switchboard_url" ]]; then
                run "Switchboard BOSH" "$r" "$s" "$switchboard_pid,$prosody_pid" --mode bosh --url "$switchboard_url"
            else pending "Switchboard BOSH" "$r"; fi
        fi
        [[ "$fronts" == *" prosody-ws "* ]] &&
            run "Prosody WebSocket (mod_websocket)" "$r" "$s" "$prosody_pid" --mode ws --url "ws://127.0.0.1:$http/xmpp-websocket"
        if [[ "$fronts" == *" ws "* ]]; then
            if [[ -n "$switchboard_ws" ]]; then
                run "Switchboard WebSocket" "$r" "$s" "$switchboard_pid,$prosody_pid" --mode ws --url "$switchboard_ws"
            else pending "Switchboard WebSocket" "$r"; fi
        fi
        if [[ "$fronts" == *" rest "* ]]; then
            if [[ -n "$switchboard_rest" ]]; then
                run "Switchboard REST" "$r" "$s" "$switchboard_pid,$prosody_pid" --mode rest --url "$switchboard_rest"
            else pending "Switchboard REST" "$r"; fi
        fi
    done
    if [[ "$idle_sessions" -gt 0 ]]; then
        # A fresh Switchboard for each: memory freed by an earlier run would be reused and hide growth.
        for front in bosh ws rest; do
            start_switchboard
            [[ -n "$switchboard_url" ]] || continue
            case "$front" in
            bosh) idle "Switchboard BOSH" --mode bosh --url "$switchboard_url" ;;
            ws) idle "Switchboard WebSocket" --mode ws --url "$switchboard_ws" ;;
            rest) idle "Switchboard REST" --mode rest --url "$switchboard_rest" ;;
            esac
        done
    fi
done

# The median of each column over the rounds, rows in first-seen order ("failed" when any round failed).
median_rows() {
    awk -F'\t' -v want="$1" '
        function median(list,   n, a, i, j, t) {
            n = split(list, a, " ")
            for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
            if (a[1] == "–") return "–"
            return n % 2 ? a[(n + 1) / 2] : sprintf("%.2f", (a[n / 2] + a[n / 2 + 1]) / 2)
        }
        (want == "idle") != ($2 == "idle") { next }
        {
            key = $1 "\t" $2
            if (!(key in seen)) { seen[key] = 1; order[++count] = key }
            if ($3 == "failed" || $3 == "pending") { bad[key] = $3; next }
            for (c = 3; c <= NF; c++) values[key, c] = values[key, c] " " $c
            width[key] = NF
        }
        END {
            for (k = 1; k <= count; k++) {
                key = order[k]
                split(key, nl, "\t")
                line = "| " nl[1] " | " nl[2]
                if (key in bad) { print line " | " bad[key] " | | | | | | | |"; continue }
                for (c = 3; c <= width[key]; c++) line = line " | " median(values[key, c])
                print line " |"
            }
        }' "$results"
}

echo "| run | load | logins/s | msg/s | p50 ms | p99 ms | CPU s CM | CPU s Prosody | CM ms / 1000 stanzas | all ms / 1000 stanzas |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
median_rows msg
if [[ "$idle_sessions" -gt 0 ]]; then
    echo
    echo "| idle sessions | | logged in | alive after 5 s | Switchboard KiB per session | Prosody KiB per session |"
    echo "|---|---|---:|---:|---:|---:|"
    median_rows idle
fi
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
