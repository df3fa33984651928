#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs everything Switchboard needs to build, test and benchmark on Debian 12, then the npm packages
# of the client tests. Idempotent: with everything present it touches neither apt nor npm.
# Run as root (or with sudo available). Set SWITCHBOARD_SKIP_DEPS=1 to skip it entirely.
set -euo pipefail

[[ "${SWITCHBOARD_SKIP_DEPS:-0}" == 1 ]] && exit 0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

sudo=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps.sh: run as root (or install sudo)" >&2; exit 1; }
    sudo="sudo"
fi

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev git ca-certificates openssl
    # Qt 6.4 (Core, Network, WebSockets, Xml, Sql, Widgets, Test, translations); Widgets needs the GL
    # headers; the REST session store needs Qt Sql's SQLite driver (QSQLITE)
    qt6-base-dev qt6-websockets-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev libqt6sql6-sqlite
    # Qt's private QtCore headers: the ThreadSanitizer build's hooks (core/base/tsanhandover.h)
    qt6-base-private-dev
    # libraries
    libhttp-parser-dev libexpat1-dev zlib1g-dev libssl-dev
    # integration tests and benchmarks: the XMPP server, a DNS server for SRV tests, a browser, and the
    # reverse proxies the PROXY protocol and X-Forwarded-For tests run in front of Switchboard
    prosody dnsmasq-base chromium xvfb haproxy nginx-light libnginx-mod-stream
    # a second XMPP server, for the PROXY protocol toward servers (ejabberd's use_proxy_protocol)
    ejabberd
    # the REST example scripts/run.sh prints
    curl jq
    man-db  # the man pages' checks (man --warnings, lexgrog); the package is built with dpkg-dev's shlibdeps
)
# Node >= 18 for the client tests: Debian 12 ships 18.x. Keep a Node that is already there (e.g. from
# NodeSource, which bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] || missing+=("$p")
done

stop_system_prosody() {
    # The package starts a system-wide Prosody on 5222/5269 where an init system exists; tests run their
    # own. Stop only that one (its pidfile under /run/prosody), quietly when there is none.
    local pidfile=/run/prosody/prosody.pid pid
    if [[ -f "$pidfile" ]]; then
        $sudo service prosody stop >/dev/null 2>&1 || $sudo prosodyctl stop >/dev/null 2>&1 || true
        pid="$(cat "$pidfile" 2>/dev/null || true)"
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then $sudo kill "$pid" 2>/dev/null || true; fi
    fi
    $sudo systemctl disable --now prosody >/dev/null 2>&1 || true
    $sudo update-rc.d prosody disable >/dev/null 2>&1 || true
}

if [[ ${#missing[@]} -gt 0 ]]; then
    echo "install-deps.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep package scripts from starting services (prosody) while installing, unless a policy exists.
    policy=/usr/sbin/policy-rc.d added_policy=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && added_policy=1
    fi
    trap '[[ $added_policy == 1 ]] && $sudo rm -f "$policy"' EXIT
    # apt-get update only when the package lists are missing or a day old, or the install fails.
    lists=(/var/lib/apt/lists/*_Packages)
    if [[ ! -e "${lists[0]}" ]] || [[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin +1440 -print -quit)" ]]; then
        $sudo apt-get update -q
    fi
    if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; then
        $sudo apt-get update -q
        $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    # The proxies' and ejabberd's packages enable a system service; the tests run their own. Disable only
    # the ones installed just now, never one that was there before.
    for service in haproxy nginx ejabberd; do
        package="$service"
        [[ "$service" == nginx ]] && package=nginx-light
        if [[ " ${missing[*]} " == *" $package "* ]]; then
            $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
            $sudo update-rc.d "$service" disable >/dev/null 2>&1 || true
        fi
    done
fi
stop_system_prosody

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" -lt 18 ]]; then
    echo "install-deps.sh: node $(node --version) is too old; the client tests need >= 18" >&2
    exit 1
fi

# npm packages of the client tests, when missing or older than the lock file.
clients="$root/tests/clients"
if [[ ! -f "$clients/node_modules/.package-lock.json" || "$clients/package-lock.json" -nt "$clients/node_modules/.package-lock.json" ]]; then
    (cd "$clients" && npm ci --no-audit --no-fund --loglevel=error)
fi
