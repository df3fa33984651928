#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side benchmark on a fresh Prosody per round: direct TCP, Prosody's own BOSH and WebSocket, Switchboard's
# BOSH, WebSocket and REST gateway, each at a fixed rate and saturated, in interleaved rounds; then idle
# sessions at several sizes (resident memory per session, and memory after every session logged out) of
# Switchboard's BOSH, WebSocket and REST sessions, each against a freshly started Switchboard.
# Builds nothing: build first (bash scripts/test.sh, or a Release build).
#
#   tests/bench/run-bench.sh [BUILD_DIR]        (default: build)
#
# Environment:
#   BENCH_BACKEND (prosody)   capacity: the CAPACITY BENCHMARK instead (tests/bench/run-capacity.sh, which
#                             lists its own settings, BENCH_WORKERS among them): Switchboard saturated in
#                             front of switchboard-bench's minimal server, not Prosody
#   BENCH_ROUNDS (3)          rounds one after the other, every front once per round (a fresh Switchboard
#                             per round); every table figure is the median over the rounds, with the
#                             spread (min-max) beside it
#   BENCH_FRONTS              message runs (default: tcp prosody-bosh bosh prosody-ws ws rest); also
#                             bosh-pipelined and prosody-bosh-pipelined: the same BOSH runs with
#                             switchboard-bench's original BOSH client instead of the strophe.js-like one
#   BENCH_SESSIONS (100), BENCH_RATE (500), BENCH_DURATION (20), BENCH_SAT_DURATION (10), BENCH_USERS (200)
#   BENCH_STROPHE_IDLE_MS (0) the strophe.js-like client's idle timer (100: strophe.js's own, which delays
#                             every send by up to 100 ms)
#   BENCH_IDLE_SIZES ("1000 5000 9500"; "" or 0 skips) idle runs, each size for each of BENCH_IDLE_FRONTS
#   BENCH_IDLE_FRONTS ("bosh ws rest"), BENCH_IDLE_REST_SIZES ("1000": REST logins are slow, ~25/s)
#   BENCH_SWITCHBOARD         the switchboard binary (default: BUILD_DIR/app/switchboard), e.g. another
#                             build's, to measure it with this build's bench
#   BENCH_LOG_DIR             keeps every run's raw output (default: a temporary directory)
#   BENCH_WORKERS             Switchboard's `workers` key (default: Switchboard's own, one per core)
# Prints Markdown tables.
set -euo pipefail

case "${BENCH_BACKEND:-prosody}" in
prosody) ;;
capacity) exec bash "$(dirname "${BASH_SOURCE[0]}")/run-capacity.sh" "$@" ;;
*) echo "run-bench.sh: BENCH_BACKEND must be prosody or capacity" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=bench-common.sh
source "$root/tests/bench/bench-common.sh"
build="$(cd "${1:-$root/build}" && pwd)"
bench="$build/app/bench/switchboard-bench"
switchboard="${BENCH_SWITCHBOARD:-$build/app/switchboard}"
sessions="${BENCH_SESSIONS:-100}"
rate="${BENCH_RATE:-500}"
duration="${BENCH_DURATION:-20}"
sat_duration="${BENCH_SAT_DURATION:-10}"
users="${BENCH_USERS:-200}"
rounds="${BENCH_ROUNDS:-3}"
fronts=" ${BENCH_FRONTS:-tcp prosody-bosh bosh prosody-ws ws rest} "
strophe_idle_ms="${BENCH_STROPHE_IDLE_MS:-0}"
workers_set=()
[[ -n "${BENCH_WORKERS:-}" ]] && workers_set=(--set "workers=$BENCH_WORKERS")
# BENCH_IDLE_SESSIONS (one size; 0 skips) is still understood.
idle_sizes="${BENCH_IDLE_SIZES-${BENCH_IDLE_SESSIONS-1000 5000 9500}}"
[[ "$idle_sizes" == 0 ]] && idle_sizes=""
idle_fronts=" ${BENCH_IDLE_FRONTS:-bosh ws rest} "
idle_rest_sizes=" ${BENCH_IDLE_REST_SIZES:-1000} "
[[ -x "$bench" ]] || { echo "run-bench.sh: $bench not built (SWITCHBOARD_BUILD_BENCH=ON)" >&2; exit 1; }

# Thousands of idle sessions: every process started from here (Prosody, Switchboard, the bench) inherits
# the descriptor limit, so take the hard one. An idle BOSH session costs Switchboard two descriptors (the
# held request's connection and the server link), the bench one, Prosody one.
hard_nofile="$(ulimit -Hn)"
ulimit -n "$hard_nofile"
largest=0
for n in $idle_sizes; do ((n > largest)) && largest=$n; done
if [[ "$hard_nofile" != unlimited ]] && ((2 * largest + 256 > hard_nofile)); then
    echo "# warning: descriptor limit $hard_nofile is too low for $largest idle sessions (needs $((2 * largest + 256)))" >&2
fi


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
prosody_starts=0
# Starts a fresh Prosody (stopping the one before, and waiting for it to go): each round begins with one, so
# that what earlier rounds left in it (the idle runs' thousands of sessions, its garbage) does not slow the
# direct-TCP baseline that every ratio is taken against.
start_prosody() {
    if [[ -n "$prosody_pid" ]]; then
        kill "$prosody_pid" 2>/dev/null
        for ((i = 0; i < 200; i++)); do kill -0 "$prosody_pid" 2>/dev/null || break; sleep 0.05; done
    fi
    prosody_pid="$(bash "$root/scripts/prosody-local.sh" --dir "$work/prosody-$((++prosody_starts))" --c2s "$c2s" \
        --http "$http" --bench-users "$users" --bench-password-prefix pass)"
}
start_prosody

switchboard_url="" switchboard_ws="" switchboard_rest="" switchboard_metrics="" switchboard_starts=0
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
        --set vapid_key_file="$work/vapid.pem" "${workers_set[@]}" >>"$logs/switchboard.log" 2>&1 &
    switchboard_pid=$!
    if ! wait_for_port "$port" "$switchboard_pid"; then
        echo "# switchboard did not start; see $logs/switchboard.log" >&2
        switchboard_pid=""
        return 0
    fi
    switchboard_url="http://127.0.0.1:$port/http-bind/"
    switchboard_ws="ws://127.0.0.1:$port/xmpp-websocket"
    switchboard_rest="http://127.0.0.1:$port/api/v1"
    switchboard_metrics="http://127.0.0.1:$port/metrics"
}
stop_switchboard() {
    if [[ -n "$switchboard_pid" ]]; then
        kill "$switchboard_pid" 2>/dev/null
        wait "$switchboard_pid" 2>/dev/null || true
    fi
    switchboard_pid="" switchboard_url="" switchboard_ws="" switchboard_rest="" switchboard_metrics=""
}
start_switchboard

cpu_count="$(nproc)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $cpu_count cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# Prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null || echo '?') on c2s $c2s / http $http (pid $prosody_pid); logs in $logs"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews results)"
echo "# $sessions sessions, each messages its own full JID; rate runs $duration s, saturated runs $sat_duration s (1 in flight per session); $rounds round(s), interleaved"
echo "# Switchboard workers: ${BENCH_WORKERS:-default (one per core: $cpu_count)}"
echo "# BOSH runs use the strophe.js-like client (idle timer ${strophe_idle_ms} ms)$([[ "$fronts" == *pipelined* ]] && echo '; *(pipelined)* rows the original client')"
if [[ -n "$idle_sizes" ]]; then
    rest_note=""
    if [[ "$idle_fronts" == *" rest "* ]]; then
        rest_at=""
        for n in $idle_sizes; do [[ "$idle_rest_sizes" == *" $n "* ]] && rest_at+=" $n"; done
        rest_note="; REST only at${rest_at:- none of them} (BENCH_IDLE_REST_SIZES:$idle_rest_sizes; REST logins are slow, ~25/s)"
    fi
    echo "# idle runs: $idle_sizes sessions ($(echo $idle_fronts))$rest_note; descriptor limit $(ulimit -n)"
fi
echo
# One line per run and round, tab-separated:
#   msg  NAME LOAD ROUND logins msgs p50 p99 cpuCM cpuProsody cm1k all1k cmRatio allRatio httpPerMsg lost dup
#   idle NAME SIZE ROUND loggedIn alive kibCM kibProsody afterPctCM logoutS drainS
results="$work/results.tsv"
alarms="$work/alarms.txt"
: >"$results"
: >"$alarms"
round=1
declare -A tcp_prosody_1k=() # "round load" -> Prosody's CPU per 1000 stanzas serving direct TCP
alarm() {
    echo "# !!! $*" | tee -a "$alarms" >&2
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "–" || b == "" || b + 0 <= 0) print "–"; else printf "%.2f", a / b }'; }
# run NAME RATE SECONDS PIDS MODE-ARGS... : one bench run, its RESULT line turned into a row.
run() {
    local name="$1" rate_arg="$2" seconds="$3" pids="$4"
    shift 4
    local load
    load="$([[ $rate_arg == 0 ]] && echo saturated || echo "$rate_arg/s")"
    local log="$logs/$(echo "$name-$rate_arg-r$round" | tr ' /()' '____').log" result
    if ! "$bench" "$@" --sessions "$sessions" --users "$users" --password-prefix pass --rate "$rate_arg" \
        --duration "$seconds" --warmup 2 --pids "$pids" --label "$name" >"$log" 2>&1; then
        echo "# $name ($load, round $round) reported errors, see $log" >&2
    fi
    result="$(grep '^RESULT' "$log" || true)"
    if [[ -z "$result" ]]; then
        printf 'msg\t%s\t%s\t%s\tfailed\n' "$name" "$load" "$round" >>"$results"
        alarm "$name ($load, round $round) FAILED: no result, see $log"
        return
    fi
    local -A r=()
    parse_result r "$result"
    # cpu=name:seconds:ms_per_1000,... ; the first PID is the CM (when there is one), the last Prosody.
    local cpu_cm="–" cpu_prosody="–" cm1k="–" prosody1k="–" per1k=0 entry
    IFS=',' read -r -a entries <<<"${r[cpu]}"
    for entry in "${entries[@]}"; do
        IFS=':' read -r pname psec pk <<<"$entry"
        if [[ "$pname" == lua* || "$pname" == prosody* ]]; then cpu_prosody="$psec" prosody1k="$pk"; else cpu_cm="$psec" cm1k="$pk"; fi
        per1k="$(awk -v a="$per1k" -v b="$pk" 'BEGIN { printf "%.1f", a + b }')"
    done
    [[ "$name" == "direct TCP"* ]] && tcp_prosody_1k["$round $load"]="$prosody1k"
    local base="${tcp_prosody_1k["$round $load"]:-}" http_per_msg="${r[http_per_msg]:-–}"
    [[ "$http_per_msg" == - ]] && http_per_msg="–"
    local cm_ratio all_ratio="–"
    cm_ratio="$(ratio "$cm1k" "$base")"
    [[ "$name" == "direct TCP"* ]] || all_ratio="$(ratio "$per1k" "$base")"
    printf 'msg\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$load" "$round" \
        "${r[logins_per_s]}" "${r[msgs_per_s]}" "${r[p50_ms]}" "${r[p99_ms]}" "$cpu_cm" "$cpu_prosody" "$cm1k" \
        "$per1k" "$cm_ratio" "$all_ratio" "$http_per_msg" "${r[lost]:-0}" "${r[duplicated]:-0}" >>"$results"
    if [[ "${r[lost]:-0}" != 0 || "${r[duplicated]:-0}" != 0 ]]; then
        alarm "$name ($load, round $round): ${r[lost]:-0} MESSAGES LOST, ${r[duplicated]:-0} DUPLICATED, see $log"
    fi
}
pending() { printf 'msg\t%s\t%s\t%s\tpending\n' "$1" "$([[ $2 == 0 ]] && echo saturated || echo "$2/s")" "$round" >>"$results"; }
# idle NAME SIZE MODE-ARGS... : logs SIZE sessions in, holds them, logs them out; RSS per session and after.
idle() {
    local name="$1" size="$2"
    shift 2
    local log="$logs/idle-$(echo "$name-$size-r$round" | tr ' /()' '____').log" result
    if ! "$bench" "$@" --sessions "$size" --users "$users" --password-prefix pass --idle --warmup 3 \
        --duration 5 --pids "$switchboard_pid,$prosody_pid" --metrics-url "$switchboard_metrics" \
        --label "$name" >"$log" 2>&1; then
        echo "# idle $name ($size, round $round) reported errors, see $log" >&2
    fi
    result="$(grep '^RESULT' "$log" || true)"
    if [[ -z "$result" ]]; then
        printf 'idle\t%s\t%s\t%s\tfailed\n' "$name" "$size" "$round" >>"$results"
        alarm "idle $name ($size sessions, round $round) FAILED: no result, see $log"
        return
    fi
    local -A r=()
    parse_result r "$result"
    local kib_cm="–" kib_prosody="–" after_cm="–" entry
    IFS=',' read -r -a entries <<<"${r[kib_per_session]}"
    for entry in "${entries[@]}"; do
        if [[ "$entry" == lua* || "$entry" == prosody* ]]; then kib_prosody="${entry##*:}"; else kib_cm="${entry##*:}"; fi
    done
    # rss_after_logout=name:KiB:percent,... ; Switchboard's is the one that matters.
    IFS=',' read -r -a entries <<<"${r[rss_after_logout]}"
    for entry in "${entries[@]}"; do
        [[ "$entry" == lua* || "$entry" == prosody* ]] || after_cm="${entry##*:}"
    done
    printf 'idle\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$round" "${r[idle_sessions]}" \
        "${r[alive]}" "$kib_cm" "$kib_prosody" "$after_cm" "${r[logout_s]}" "${r[drain_s]}" >>"$results"
    if [[ "${r[idle_sessions]}" != "$size" || "${r[alive]}" != "$size" || "${r[logged_out]}" != "$size" ||
        "${r[server_sessions_after_logout]}" != 0 ]]; then
        alarm "idle $name ($size, round $round): ${r[idle_sessions]} logged in, ${r[alive]} alive, ${r[logged_out]} logged out, Switchboard still counted ${r[server_sessions_after_logout]}; see $log"
    fi
}

bosh_args=(--mode bosh --bosh-client strophe --strophe-idle-ms "$strophe_idle_ms")
for ((round = 1; round <= rounds; round++)); do
    echo "# round $round: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%SZ)"
    if [[ $round != 1 ]]; then
        start_prosody
        start_switchboard
    fi
    for r in "$rate" 0; do
        s="$duration"; [[ "$r" == 0 ]] && s="$sat_duration"
        [[ "$fronts" == *" tcp "* ]] &&
            run "direct TCP (Prosody c2s)" "$r" "$s" "$prosody_pid" --mode tcp --host 127.0.0.1 --port "$c2s"
        [[ "$fronts" == *" prosody-bosh "* ]] &&
            run "Prosody BOSH (mod_bosh)" "$r" "$s" "$prosody_pid" "${bosh_args[@]}" --url "http://127.0.0.1:$http/http-bind"
        [[ "$fronts" == *" prosody-bosh-pipelined "* ]] &&
            run "Prosody BOSH (mod_bosh) (pipelined)" "$r" "$s" "$prosody_pid" --mode bosh --bosh-client pipelined \
                --url "http://127.0.0.1:$http/http-bind"
        if [[ "$fronts" == *" bosh "* ]]; then
            if [[ -n "$switchboard_url" ]]; then
                run "Switchboard BOSH" "$r" "$s" "$switchboard_pid,$prosody_pid" "${bosh_args[@]}" --url "$switchboard_url"
            else pending "Switchboard BOSH" "$r"; fi
        fi
        if [[ "$fronts" == *" bosh-pipelined "* ]]; then
            if [[ -n "$switchboard_url" ]]; then
                run "Switchboard BOSH (pipelined)" "$r" "$s" "$switchboard_pid,$prosody_pid" --mode bosh \
                    --bosh-client pipelined --url "$switchboard_url"
            else pending "Switchboard BOSH (pipelined)" "$r"; fi
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
    # A fresh Switchboard for each idle run: memory freed by an earlier run would be reused and hide growth,
    # and "after logout" compares with the RSS before the first login.
    for size in $idle_sizes; do
        for front in bosh ws rest; do
            [[ "$idle_fronts" == *" $front "* ]] || continue
            [[ "$front" != rest || "$idle_rest_sizes" == *" $size "* ]] || continue
            start_switchboard
            [[ -n "$switchboard_url" ]] || { alarm "Switchboard did not start for idle $front $size"; continue; }
            case "$front" in
            bosh) idle "Switchboard BOSH" "$size" "${bosh_args[@]}" --url "$switchboard_url" ;;
            ws) idle "Switchboard WebSocket" "$size" --mode ws --url "$switchboard_ws" ;;
            rest) idle "Switchboard REST" "$size" --mode rest --url "$switchboard_rest" ;;
            esac
        done
    done
done

# Each column over the rounds: the median, with the spread (min–max) beside it when the rounds differ;
# lost and duplicated messages are summed instead (one lost message in any round shows). Rows in first-seen
# order; a row that failed in some rounds says so, and its figures come from the rounds that worked.
summary() {
    awk -F'\t' -v want="$1" -v rounds="$rounds" '
        function sort(a, n,   i, j, t) {
            for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
        }
        function spread(list,   n, a, m) {
            n = split(list, a, " ")
            if (n == 0 || a[1] == "–" || a[1] == "-" || a[1] == "") return "–"
            sort(a, n)
            if (n == 1 || a[1] == a[n]) return a[1]
            if (n % 2) m = a[(n + 1) / 2]
            else { m = sprintf("%.2f", (a[n / 2] + a[n / 2 + 1]) / 2); sub(/\.0+$/, "", m) }
            return m " (" a[1] "–" a[n] ")"
        }
        function total(list,   n, a, i, t) { n = split(list, a, " "); t = 0; for (i = 1; i <= n; i++) t += a[i]; return t }
        $1 != want { next }
        {
            key = $2 "\t" $3
            if (!(key in seen)) { seen[key] = 1; order[++count] = key }
            if ($5 == "failed" || $5 == "pending") { bad[key]++; why[key] = $5; next }
            ok[key]++
            for (c = 5; c <= NF; c++) values[key, c] = values[key, c] " " $c
            width[key] = NF
        }
        END {
            for (k = 1; k <= count; k++) {
                key = order[k]
                split(key, nl, "\t")
                name = nl[1]
                if (key in bad) name = name " (" why[key] " in " bad[key] " of " rounds " rounds)"
                line = "| " name " | " nl[2]
                if (!(key in ok)) { print line " | " why[key] " |"; continue }
                for (c = 5; c <= width[key]; c++) {
                    if (want == "msg" && c >= 16) {
                        t = total(values[key, c])
                        line = line " | " (t > 0 ? "**" t " !!!**" : t)
                    } else line = line " | " spread(values[key, c])
                }
                print line " |"
            }
        }' "$results"
}

echo
echo "Message runs: median over $rounds round(s), spread (min–max) in brackets; lost and dup summed over the rounds."
echo "CM ÷ TCP: Switchboard's CPU per 1000 stanzas over Prosody's serving direct TCP at the same load in the same round"
echo "(median of the per-round ratios); all ÷ TCP: the same for every measured process together."
echo
echo "| run | load | logins/s | msg/s | p50 ms | p99 ms | CPU s CM | CPU s Prosody | CM ms / 1000 stanzas | all ms / 1000 stanzas | CM ÷ TCP | all ÷ TCP | HTTP / msg | lost | dup |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
summary msg
if [[ -n "$idle_sizes" ]]; then
    echo
    echo "Idle sessions, each run on a freshly started Switchboard: median over $rounds round(s), spread in brackets."
    echo "After logout: Switchboard's RSS once it counts no session any more and its memory has settled (no 1 % drop for 10 s, at most 45 s), in % above its RSS before the first login."
    echo
    echo "| idle run | sessions | logged in | alive after 5 s | Switchboard KiB / session | Prosody KiB / session | Switchboard after logout, % above start | logout s | drain s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    summary idle
fi
echo
if [[ -s "$alarms" ]]; then
    echo "# !!! PROBLEMS ($(wc -l <"$alarms")):"
    cat "$alarms"
else
    echo "# no message lost or duplicated, no run failed"
fi
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%SZ)"
