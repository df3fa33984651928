#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs a Switchboard Debian package on this machine, checks that its files are in place, starts the
# service as its systemd unit says, checks GET /healthz answers 200, stops it, and purges the package.
# No systemd runs as PID 1 here, so the script plays it: it reads ExecStart= from the installed unit,
# sets STATE_DIRECTORY as StateDirectory= would, runs the command as an unprivileged user (the unit's
# DynamicUser=) with an added --host 127.0.0.1 --port 0 (never a fixed port), and stops it with SIGTERM.
# Root only (dpkg); refuses to run over a switchboard package already installed. Cleans up on any exit.
#
#   tests/package/test-package.sh PACKAGE.deb
set -euo pipefail

deb="$(realpath "${1:?usage: test-package.sh PACKAGE.deb}")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "test-package.sh: needs root (dpkg)" >&2; exit 1; }
if [[ "$(dpkg-query -W -f='${db:Status-Status}' switchboard 2>/dev/null)" == installed ]]; then
    echo "test-package.sh: a switchboard package is already installed; not touching it" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-package.XXXXXX")"
pid=""
installed=0
cleanup() {
    local status=$?
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    if [[ $installed == 1 ]]; then
        DEBIAN_FRONTEND=noninteractive dpkg --purge switchboard >/dev/null || status=1
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

fail() { echo "test-package.sh: FAIL: $*" >&2; [[ -f "$work/out" ]] && sed 's/^/  switchboard: /' "$work/out" "$work/err" >&2; exit 1; }
step() { echo "test-package.sh: $*"; }

step "installing $(basename "$deb")"
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Depends\|Recommends\):/  \1:/p'
installed=1
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
    # Missing dependencies: apt installs them and finishes the configuration.
    apt-get install -f -y -q >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dependencies"; }
fi
[[ "$(dpkg-query -W -f='${db:Status-Status}' switchboard)" == installed ]] || fail "not installed"

step "checking the files"
unit=""
for candidate in /usr/lib/systemd/system/switchboard.service /lib/systemd/system/switchboard.service; do
    [[ -f "$candidate" ]] && { unit="$candidate"; break; }
done
[[ -n "$unit" ]] || fail "no systemd unit"
for file in /usr/bin/switchboard /usr/bin/switchboard-bench /etc/switchboard/switchboard.conf; do
    [[ -e "$file" ]] || fail "$file missing"
    dpkg -S "$file" >/dev/null 2>&1 || fail "$file not owned by the package"
done
[[ -x /usr/bin/switchboard && -x /usr/bin/switchboard-bench ]] || fail "binaries not executable"
if [[ -f "$root/app/check/CMakeLists.txt" || -n "${SWITCHBOARD_EXPECT_CHECK:-}" ]]; then
    [[ -x /usr/bin/switchboard-check ]] || fail "/usr/bin/switchboard-check missing"
fi
conffiles="$(dpkg-query -W -f='${Conffiles}\n' switchboard)"
[[ "$conffiles" == *" /etc/switchboard/switchboard.conf "* ]] || fail "/etc/switchboard/switchboard.conf is not a conffile"
for command in $(dpkg -L switchboard | sed -n 's#^/usr/bin/##p'); do
    page="$(man -w "$command" 2>/dev/null)" || fail "no man page for $command"
    warnings="$(LC_ALL=C.UTF-8 MANROFFSEQ='' man --warnings -l "$page" 2>&1 >/dev/null)"
    [[ -z "$warnings" ]] || fail "man page of $command: $warnings"
done
# Whole outputs first: grep -q would stop reading early, and pipefail count the writer's SIGPIPE.
version="$(/usr/bin/switchboard --version)" || fail "switchboard --version"
[[ "$version" == "switchboard "* ]] || fail "switchboard --version: $version"
help="$(/usr/bin/switchboard-bench --help)" || fail "switchboard-bench --help"
[[ "$help" == *capacity-server* ]] || fail "switchboard-bench --help names no capacity-server"
if command -v systemd-analyze >/dev/null; then
    step "systemd-analyze verify $unit"
    # Only what concerns this unit: the offline machine may have complaints of its own.
    if systemd-analyze verify "$unit" 2>&1 | grep 'switchboard' >"$work/verify"; then
        cat "$work/verify" >&2
        fail "systemd-analyze verify"
    fi
fi

step "starting what ExecStart= says"
exec_start="$(sed -n 's/^ExecStart=//p' "$unit")"
[[ -n "$exec_start" ]] || fail "no ExecStart= in $unit"
[[ "$exec_start" != *[\"\'\\]* ]] || fail "ExecStart= quoting is not handled here: $exec_start"
grep -q '^Type=notify$' "$unit" || fail "the unit is not Type=notify"
grep -q '^StateDirectory=switchboard$' "$unit" || fail "the unit has no StateDirectory=switchboard"
# StateDirectory= and DynamicUser=: a private folder owned by a user with no privileges.
state="$work/state/switchboard"
mkdir -p "$state"
chown 65534:65534 "$state"
chmod 700 "$state"
chmod 755 "$work" "$work/state"
export STATE_DIRECTORY="$state"
exec_start="${exec_start//\$\{STATE_DIRECTORY\}/$STATE_DIRECTORY}"
read -r -a command <<<"$exec_start"
limit="$(sed -n 's/^LimitNOFILE=//p' "$unit")"
if [[ -n "$limit" ]] && [[ "$(ulimit -Hn)" == unlimited || "$(ulimit -Hn)" -ge "$limit" ]]; then
    ulimit -n "$limit"
fi
: >"$work/out" # before the start: the loop below reads it at once
: >"$work/err"
(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs \
    env -i PATH=/usr/bin:/bin STATE_DIRECTORY="$STATE_DIRECTORY" \
    "${command[@]}" --host 127.0.0.1 --port 0) >>"$work/out" 2>>"$work/err" &
pid=$!

port=""
for _ in $(seq 100); do
    port="$(sed -n 's#.*BOSH at http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$work/out" | head -n1)"
    [[ -n "$port" ]] && break
    kill -0 "$pid" 2>/dev/null || fail "switchboard exited at start"
    sleep 0.1 # polling the process's output, with a 10 s deadline
done
[[ -n "$port" ]] || fail "switchboard did not print its URL within 10 s"

step "GET /healthz on port $port"
code="$(curl -sS -o "$work/healthz" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/healthz")"
[[ "$code" == 200 ]] || fail "/healthz answered $code: $(cat "$work/healthz")"
[[ -f "$state/vapid.pem" ]] || fail "no VAPID key in the state directory"

step "stopping (SIGTERM)"
kill -TERM "$pid"
for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1 # a 15 s deadline for the graceful shutdown
done
kill -0 "$pid" 2>/dev/null && fail "switchboard still runs 15 s after SIGTERM"
status=0
wait "$pid" || status=$?
pid=""
[[ $status == 0 ]] || fail "switchboard exited with $status after SIGTERM"

step "purging"
installed=0
dpkg --purge switchboard >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg --purge"; }
for file in /usr/bin/switchboard /usr/bin/switchboard-bench /etc/switchboard "$unit"; do
    [[ ! -e "$file" ]] || fail "$file left after purge"
done
step "PASS"
