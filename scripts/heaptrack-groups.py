#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Sums a heaptrack peak profile by what holds the memory (socket buffers, parsers, timers, signal
# connections, monitor, ...) and prints KiB per session. Each stack is classified by its frames from
# the allocation up to the first Switchboard frame (what our code asked Qt or Expat for).
#
#   heaptrack_print -f FILE.zst -F STACKS --flamegraph-cost-type peak
#   scripts/heaptrack-groups.py STACKS SESSIONS [-v]
#
# -v also lists the largest stacks of each group. docs/BENCHMARKS.md has the figures and the runs.
import collections
import re
import sys

RULES = [
    ("socket buffers: written, client side",
     lambda s: "QRingBuffer" in s and "writeData" in s and "ServerLink" not in s and "QSslSocket" not in s),
    ("socket buffers: written, server link", lambda s: "QRingBuffer" in s and "writeData" in s),
    ("socket buffers: read", lambda s: "QRingBuffer" in s or "readFromSocket" in s),
    ("parsers (Expat, StanzaReader)", lambda s: "XML_" in s or "StanzaReader" in s),
    ("timers", lambda s: re.search(r"QTimer|startTimer|registerTimer", s)),
    ("signal connections", lambda s: "connectImpl" in s or "QObject::connect" in s),
    ("monitor (hub, registry, traffic)", lambda s: "Monitor::" in s),
    ("WebSocket object (QWebSocket)", lambda s: re.search(r"QWebSocket|QHttpHeaderParser|QNetworkRequest|QUrl", s)),
    ("socket objects", lambda s: re.search(
        r"QTcpSocket::QTcpSocket|QSslSocket|QAbstractSocket|QSocketNotifier|createPlainSocket|"
        r"acceptDescriptor|setSocketDescriptor|QHostAddress|QNativeSocketEngine|PlainSocket", s)),
    ("QObject privates", lambda s: "QObject::QObject" in s or "QObjectPrivate" in s),
]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__ or "usage: heaptrack-groups.py STACKS SESSIONS [-v]")
    path, sessions, verbose = sys.argv[1], int(sys.argv[2]), "-v" in sys.argv
    groups = collections.Counter()
    examples = collections.defaultdict(collections.Counter)
    total = 0
    with open(path) as stacks:
        for line in stacks:
            stack, _, cost = line.rstrip("\n").rpartition(" ")
            cost = int(cost)
            total += cost
            # Function names without their parameters (a parameter type must not decide the group).
            names = [re.sub(r"\(.*", "", f) for f in stack.split(";") if f and not f.startswith("0x")]
            cut = 0
            for i in range(len(names) - 1, -1, -1):
                if "Switchboard::" in names[i] and not re.search(r"EpollEventDispatcher|Switchboard::Server::", names[i]):
                    cut = i
                    break
            scope = ";".join(names[cut:])
            group = next((name for name, rule in RULES if rule(scope)), None)
            if group is None:
                group = "the session's own state" if any("Switchboard::" in n for n in names) else "other"
            groups[group] += cost
            examples[group][" <- ".join(reversed([n[:60] for n in names[-4:]]))] += cost
    print(f"peak heap {total / 1e6:.2f} MB = {total / sessions / 1024:.2f} KiB per session ({sessions} sessions)")
    for group, cost in groups.most_common():
        print(f"{cost / sessions / 1024:8.2f} KiB  {group}")
        if verbose:
            for stack, c in examples[group].most_common(8):
                print(f"            {c / sessions:8.0f} B  {stack}")


if __name__ == "__main__":
    main()
