#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CAPACITY BENCHMARK: Switchboard's own ceiling. Prosody saturates a core long before Switchboard does, so
# here Switchboard sits in front of `switchboard-bench --mode capacity-server`, a minimal XMPP server that
# accepts any SASL PLAIN login and any resource and routes messages between bound full JIDs at a fraction
# of Switchboard's cost per stanza (a capacity benchmark backend, NOT a correctness backend). Sessions
# over BOSH and WebSocket echo messages to their own full JID as fast as the echoes return (closed loop);
# the report gives the saturated msgs/s, Switchboard's CPU per 1000 stanzas (and what that makes per
# core), and the capacity server's and the load generator's own CPU beside it, to show that Switchboard
# is the part that costs. Runs as `BENCH_BACKEND=capacity tests/bench/run-bench.sh` or directly.
# Builds nothing: build first (a Release build, see docs/BENCHMARKS.md).
#
#   tests/bench/run-capacity.sh [BUILD_DIR]        (default: build)
#
# Environment:
#   BENCH_ROUNDS (3)          rounds, each with a fresh capacity server and Switchboard; figures are
#                             medians over the rounds with the spread (min-max) beside them
#   BENCH_FRONTS ("bosh ws")  also tcp: the load generator straight to the capacity server (no
#                             Switchboard), the ceiling of the server and load generator alone
#   BENCH_SESSIONS (200), BENCH_INFLIGHT (16: messages in flight per session; with 1 the round trips,
#                             not the CPU, set the pace), BENCH_SAT_DURATION (10)
#   BENCH_WORKERS (1)         Switchboard's `workers` key, passed when this Switchboard has one
#                             (--print-config lists it); without it the runs record 1 worker
#   BENCH_ACCEPT              Switchboard's `worker_accept` values to compare, e.g. "reuseport acceptor":
#                             each round runs every one in turn (interleaved), each with a fresh
#                             Switchboard; empty (the default): the key is not passed ("default")
#   BENCH_NICE                a niceness (e.g. -10, needs root) for Switchboard, the capacity server and
#                             the load generator: on a machine busy with other work they otherwise get
#                             only a fair share of the cores, whatever they need. With the kernel's
#                             autogroups on (sched(7)), each is started in a session of its own and the
#                             niceness set on its autogroup, since a process's own niceness only counts
#                             against the processes of its own session
#   BENCH_STROPHE_IDLE_MS (0) the strophe.js-like BOSH client's idle timer
#   BENCH_SWITCHBOARD         the switchboard binary (default: BUILD_DIR/app/switchboard)
#   BENCH_LOG_DIR             keeps every run's raw output (default: a temporary directory)
# Prints a Markdown table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=bench-common.sh
source "$root/tests/bench/bench-common.sh"
build="$(cd "${1:-$root/build}" && pwd)"
bench="$build/app/bench/switchboard-bench"
switchboard="${BENCH_SWITCHBOARD:-$build/app/switchboard}"
sessions="${BENCH_SESSIONS:-200}"
inflight="${BENCH_INFLIGHT:-16}"
sat_duration="${BENCH_SAT_DURATION:-10}"
rounds="${BENCH_ROUNDS:-3}"
fronts=" ${BENCH_FRONTS:-bosh ws} "
want_workers="${BENCH_WORKERS:-1}"
read -r -a accepts <<<"${BENCH_ACCEPT:-}"
strophe_idle_ms="${BENCH_STROPHE_IDLE_MS:-0}"
niceness="${BENCH_NICE:-}"
nice_cmd=()
[[ -n "$niceness" ]] && nice_cmd=(setsid nice -n "$niceness")
# set_nice PID: BENCH_NICE for the autogroup of PID (its own session, started by nice_cmd).
set_nice() {
    [[ -n "$niceness" && -w "/proc/$1/autogroup" ]] || return 0
    # Only once setsid has run: before that the process is still in this script's autogroup.
    for ((i = 0; i < 100; i++)); do
        [[ "$(ps -o sid= -p "$1" | tr -d ' ')" == "$1" ]] && break
        sleep 0.01
    done
    echo "$niceness" >"/proc/$1/autogroup" 2>/dev/null ||
        echo "# warning: cannot set the autogroup niceness of $1" >&2
}
[[ -x "$bench" ]] || { echo "run-capacity.sh: $bench not built (SWITCHBOARD_BUILD_BENCH=ON)" >&2; exit 1; }
[[ -x "$switchboard" ]] || { echo "run-capacity.sh: $switchboard not built" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"


work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-capacity.XXXXXX")"
logs="${BENCH_LOG_DIR:-$work}"
mkdir -p "$logs"
server_pid="" switchboard_pid=""
stop_pid() {
    [[ -n "$1" ]] || return 0
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    set +e
    stop_pid "$switchboard_pid"
    stop_pid "$server_pid"
    [[ "$logs" == "$work" ]] || rm -rf "$work"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The `workers` key is Switchboard's own (one event loop per thread); a build without it runs on one.
# Passed always when the key exists: its default is one per core.
workers=1 pass_workers=0
if "$switchboard" --no-gui --print-config 2>/dev/null | grep -Eq '^#? *workers *='; then
    workers="$want_workers" pass_workers=1
elif [[ "$want_workers" != 1 ]]; then
    echo "# warning: this Switchboard has no workers key; BENCH_WORKERS=$want_workers ignored, running 1" >&2
fi
if ((${#accepts[@]} > 0)) && ! "$switchboard" --no-gui --print-config 2>/dev/null | grep -Eq '^#? *worker_accept *='; then
    echo "run-capacity.sh: this Switchboard has no worker_accept key; unset BENCH_ACCEPT" >&2
    exit 1
fi
((${#accepts[@]} > 0)) || accepts=(default)

c2s="" starts=0
start_server() {
    stop_pid "$server_pid"
    c2s="$(free_port)"
    "${nice_cmd[@]}" "$bench" --mode capacity-server --host 127.0.0.1 --port "$c2s" >>"$logs/capacity-server.log" 2>&1 &
    server_pid=$!
    set_nice "$server_pid"
    wait_for_port "$c2s" "$server_pid" && return 0
    echo "run-capacity.sh: the capacity server did not start; see $logs/capacity-server.log" >&2
    exit 1
}
switchboard_port=""
# start_switchboard ACCEPT: ACCEPT is a worker_accept value, or "default" (not passed).
start_switchboard() {
    stop_pid "$switchboard_pid"
    switchboard_port="$(free_port)"
    local extra=()
    [[ "$pass_workers" == 1 ]] && extra=(--set "workers=$workers")
    [[ "$1" != default ]] && extra+=(--set "worker_accept=$1")
    "${nice_cmd[@]}" "$switchboard" --no-gui --host 127.0.0.1 --port "$switchboard_port" --path /http-bind/ \
        --route "localhost=127.0.0.1:$c2s" --no-tls-domain localhost \
        --set max_connections=1000000 --set max_connections_per_ip=1000000 --set max_sessions_per_ip=1000000 \
        --set max_new_sessions_per_ip=1000000 --set max_sessions=1000000 \
        --set rest_store="$work/rest-$((++starts)).sqlite" --set vapid_key_file="$work/vapid.pem" \
        "${extra[@]}" >>"$logs/switchboard.log" 2>&1 &
    switchboard_pid=$!
    set_nice "$switchboard_pid"
    wait_for_port "$switchboard_port" "$switchboard_pid" && return 0
    echo "run-capacity.sh: Switchboard did not start; see $logs/switchboard.log" >&2
    exit 1
}

echo "# CAPACITY BENCHMARK (backend: switchboard-bench --mode capacity-server, not a real XMPP server)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine takes CPU from every process here)"
echo "# $sessions sessions x $inflight in flight, saturated (closed loop) for $sat_duration s after 2 s of warm-up; $rounds round(s); Switchboard workers: $workers; worker_accept: ${accepts[*]}; niceness ${niceness:-0}; logs in $logs"
echo

# One line per run and round, tab-separated:
#   cap NAME WORKERS ACCEPT ROUND msgs p50 p99 cmPct cm1k perCore server1k serverRatio client1k httpPerMsg
#   logins balance lost dup
results="$work/results.tsv"
: >"$results"
problems=0
# balance PORT: sessions per worker from Switchboard's /status.json ("100/100"), or "" when it has none.
balance() {
    curl -s --max-time 5 "http://127.0.0.1:$1/status.json" 2>/dev/null |
        jq -r --argjson n "$workers" '[.sessions[] | .worker // 0] as $w | [range(0; $n) as $i | [$w[] | select(. == $i)] | length] | map(tostring) | join("/")' 2>/dev/null || true
}
# run NAME PIDS MODE-ARGS... ; PIDS: Switchboard's (or -), then the capacity server's; the load generator
# adds its own. The balance is read every 2 s while the load runs (the reading with the most sessions
# counts: every session logged in).
run() {
    local name="$1" cm_pid="$2"
    shift 2
    local log="$logs/$(echo "$name-$accept-r$round" | tr ' /()' '____').log" pids="$server_pid,self"
    [[ "$cm_pid" != - ]] && pids="$cm_pid,$pids"
    "${nice_cmd[@]}" "$bench" "$@" --sessions "$sessions" --inflight "$inflight" --rate 0 --duration "$sat_duration" \
        --warmup 2 --pids "$pids" --label "$name" >"$log" 2>&1 &
    local bench_pid=$!
    set_nice "$bench_pid"
    local spread="–" best=0 reading total
    if [[ "$cm_pid" != - ]] && command -v curl >/dev/null && command -v jq >/dev/null; then
        while kill -0 "$bench_pid" 2>/dev/null; do
            sleep 2
            reading="$(balance "$switchboard_port")"
            [[ -n "$reading" ]] || continue
            total=$(($(tr '/' '+' <<<"$reading")))
            ((total > best)) && best=$total spread="$reading"
        done
    fi
    wait "$bench_pid" || echo "# $name (round $round) reported errors, see $log" >&2
    local result
    result="$(grep '^RESULT' "$log" || true)"
    if [[ -z "$result" ]]; then
        printf 'cap\t%s\t%s\t%s\t%s\tfailed\n' "$name" "$workers" "$accept" "$round" >>"$results"
        echo "# !!! $name (round $round) FAILED: no result, see $log" >&2
        problems=$((problems + 1))
        return
    fi
    local -A r=()
    parse_result r "$result"
    # "cpu pid N (name): S s = P% of a core, M ms per 1000 stanzas", in the order of --pids.
    local -a pct=() per1k=()
    while read -r line; do
        pct+=("$(sed -E 's/.* = ([0-9.na-]+)% of a core.*/\1/' <<<"$line")")
        per1k+=("$(sed -E 's/.*, ([0-9.na-]+) ms per 1000 stanzas.*/\1/' <<<"$line")")
    done < <(grep '^cpu pid' "$log")
    local cm_pct="–" cm1k="–" per_core="–" server1k ratio="–" client1k
    if [[ "$cm_pid" != - ]]; then
        cm_pct="${pct[0]}" cm1k="${per1k[0]}"
        server1k="${per1k[1]}" client1k="${per1k[2]}"
        # Two stanzas per echoed message cross Switchboard each way: a core's worth of messages per second.
        per_core="$(awk -v m="$cm1k" 'BEGIN { if (m + 0 > 0) printf "%.0f", 1e6 / (2 * m); else print "–" }')"
        ratio="$(awk -v s="$server1k" -v m="$cm1k" 'BEGIN { if (m + 0 > 0) printf "%.2f", s / m; else print "–" }')"
    else
        server1k="${per1k[0]}" client1k="${per1k[1]}"
    fi
    local http="${r[http_per_msg]:-–}"
    [[ "$http" == - ]] && http="–"
    printf 'cap\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$workers" \
        "$accept" "$round" "${r[msgs_per_s]}" "${r[p50_ms]}" "${r[p99_ms]}" "$cm_pct" "$cm1k" "$per_core" \
        "$server1k" "$ratio" "$client1k" "$http" "${r[logins_per_s]:-–}" "$spread" "${r[lost]:-0}" \
        "${r[duplicated]:-0}" >>"$results"
    if [[ "${r[lost]:-0}" != 0 || "${r[duplicated]:-0}" != 0 ]]; then
        echo "# !!! $name (round $round): ${r[lost]:-0} lost, ${r[duplicated]:-0} duplicated, see $log" >&2
        problems=$((problems + 1))
    fi
}

for ((round = 1; round <= rounds; round++)); do
    echo "# round $round: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%SZ)"
    start_server
    accept=-
    if [[ "$fronts" == *" tcp "* ]]; then
        run "direct TCP to the capacity server (no Switchboard)" - --mode tcp --host 127.0.0.1 --port "$c2s"
    fi
    for accept in "${accepts[@]}"; do
        start_switchboard "$accept"
        [[ "$fronts" == *" bosh "* ]] &&
            run "Switchboard BOSH" "$switchboard_pid" --mode bosh --bosh-client strophe \
                --strophe-idle-ms "$strophe_idle_ms" --url "http://127.0.0.1:$switchboard_port/http-bind/"
        [[ "$fronts" == *" ws "* ]] &&
            run "Switchboard WebSocket" "$switchboard_pid" --mode ws --url "ws://127.0.0.1:$switchboard_port/xmpp-websocket"
        stop_pid "$switchboard_pid"
        switchboard_pid=""
    done
done

echo
echo "Capacity benchmark, saturated: median over $rounds round(s), spread (min–max) in brackets; lost and dup summed."
echo "Per core: the msgs/s one fully busy core of Switchboard would carry at the measured CPU per stanza"
echo "(1e6 / (2 × ms per 1000 stanzas)), a projection from the measured cost, not a measured rate."
echo
echo "Logins/s: while the sessions log in (BOSH opens many connections then). Sessions per worker: from"
echo "/status.json while the load runs, one reading per round."
echo
echo "| run | workers | worker_accept | msg/s | p50 ms | p99 ms | Switchboard CPU, % of a core | Switchboard ms / 1000 stanzas | msg/s per Switchboard core (projected) | capacity server ms / 1000 stanzas | server ÷ Switchboard | load generator ms / 1000 stanzas | HTTP / msg | logins/s | sessions per worker | lost | dup |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
awk -F'\t' -v rounds="$rounds" '
    function sort(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    }
    function spread(list,   n, a, m) {
        n = split(list, a, " ")
        if (n == 0 || a[1] == "–" || a[1] == "") return "–"
        sort(a, n)
        if (n == 1 || a[1] == a[n]) return a[1]
        if (n % 2) m = a[(n + 1) / 2]
        else { m = sprintf("%.2f", (a[n / 2] + a[n / 2 + 1]) / 2); sub(/\.0+$/, "", m) }
        return m " (" a[1] "–" a[n] ")"
    }
    {
        key = $2 "\t" $3 "\t" $4
        if (!(key in seen)) { seen[key] = 1; order[++count] = key }
        if ($6 == "failed") { bad[key]++; next }
        for (c = 6; c <= NF; c++) values[key, c] = values[key, c] " " $c
        width[key] = NF
        ok[key]++
    }
    END {
        for (k = 1; k <= count; k++) {
            key = order[k]
            split(key, nw, "\t")
            name = nw[1]
            if (key in bad) name = name " (failed in " bad[key] " of " rounds " rounds)"
            line = "| " name " | " nw[2] " | " nw[3]
            if (!(key in ok)) { print line " | failed |"; continue }
            for (c = 6; c <= width[key]; c++) {
                if (c >= 18) {
                    t = 0; n = split(values[key, c], a, " "); for (i = 1; i <= n; i++) t += a[i]
                    line = line " | " (t > 0 ? "**" t " !!!**" : t)
                } else if (c == 17) {
                    v = values[key, c]; sub(/^ /, "", v); gsub(/ /, ", ", v)
                    line = line " | " v
                } else line = line " | " spread(values[key, c])
            }
            print line " |"
        }
    }' "$results"
echo
((problems == 0)) && echo "# no message lost or duplicated, no run failed" || echo "# !!! $problems problem(s), see above"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%SZ)"
