# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Loopback ports for the scripts that start Prosody, Switchboard or a bench server; sourced by them, not
# run on its own.

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on.
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

# port_open PORT: true when something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for_port PORT PID [SECONDS]: true once PORT accepts connections; false when the process PID ends
# first or SECONDS (5) pass.
wait_for_port() {
    local i
    for ((i = 0; i < ${3:-5} * 20; i++)); do
        port_open "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
