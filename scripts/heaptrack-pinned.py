#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Which live heap blocks keep pages of the main heap resident at one moment, by allocation site.
# malloc_trim(0) gives back only whole 4 KiB pages without a block in use, so one small live block
# pins its page: this replays a raw heaptrack recording up to the moment, maps every live block of
# the brk heap (with its 16-byte chunk header) onto pages, and shares each pinned page among the sites
# of the blocks on it ("sole": pages that site alone pins). "freed<10s": how many of the site's blocks
# were freed within 10 s after the moment (what a trim at that moment still found in use).
#
#   heaptrack --raw -o FILE build-rel/app/switchboard --no-gui ...      (stop it once measured)
#   zstd -dc FILE.raw.zst > FILE.raw
#   scripts/heaptrack-pinned.py FILE.raw tMS [DEPTH [ROWS]]     the moment MS ms after the start
#
# The moment can also be the first of a marker allocation of 123457 bytes: pass its index (0, 1, ...)
# instead of tMS. Symbols come from gdb's "info symbol" on the binaries recorded in the file, so keep
# the binary that ran. docs/BENCHMARKS.md ("Memory after logout: what pinned it") has the runs.
import bisect
import collections
import subprocess
import sys

MARKER = 0x1E241
PAGE = 4096
# Frames skipped at the top of a stack: the allocator and containers, not who asked.
SKIP = ("operator new", "malloc", "realloc", "calloc", "QArrayData", "QTypedArrayData", "QArrayDataPointer",
        "QHashPrivate", "std::", "__gnu_cxx", "QString::reallocData", "QByteArray::reallocData",
        "QByteArray::resize", "QByteArray::QByteArray", "heaptrack", "QtPrivate::QPodArrayOps",
        "QtPrivate::QGenericArrayOps", "QtPrivate::QMovableArrayOps", "QtPrivate::QCommonArrayOps",
        "QList<", "QString::QString", "QHash<", "QMap<", "QByteArray::append", "QString::append",
        "QString::resize")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__ or "usage: heaptrack-pinned.py FILE.raw tMS|MARKER-INDEX [DEPTH [ROWS]]")
    raw, when = sys.argv[1], sys.argv[2]
    depth = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    at_time = int(when[1:]) if when.startswith("t") else None
    marker_index = None if at_time is not None else int(when)

    modules, traces = [], [None]  # traces[i] = (ip, parent)
    live, freed_at = {}, {}
    snapshot, snap_time, markers, t, exe = None, 0, 0, 0, None
    with open(raw, "rb") as f:
        for line in f:
            line = line.decode("latin1").rstrip("\n")
            kind = line[:1]
            if kind == "+":
                _, size, trace, ptr = line.split()
                size = int(size, 16)
                if size == MARKER and marker_index is not None:
                    if markers == marker_index and snapshot is None:
                        snapshot, snap_time = dict(live), t
                    markers += 1
                    continue
                live[int(ptr, 16)] = (size, int(trace, 16))
            elif kind == "-":
                ptr = int(line[2:], 16)
                if live.pop(ptr, None) is not None and snapshot is not None and ptr in snapshot:
                    freed_at.setdefault(ptr, t)
            elif kind == "t":
                _, ip, parent = line.split()
                traces.append((int(ip, 16), int(parent, 16)))
            elif kind == "c":
                t = int(line[2:], 16)
                if at_time is not None and snapshot is None and t >= at_time:
                    snapshot, snap_time = dict(live), t
            elif kind == "x":
                exe = line.split(" ", 2)[2]
            elif kind == "m":
                parts = line.split()
                if len(parts) < 4:
                    continue
                name = exe if parts[2] == "x" else parts[2]
                base = int(parts[3], 16)
                segments = parts[4:]
                for i in range(0, len(segments) - 1, 2):
                    start = base + int(segments[i], 16)
                    modules.append((start, start + int(segments[i + 1], 16), name, base))
    if snapshot is None:
        sys.exit("the moment is not in the recording")
    modules.sort()

    # The brk heap: the lowest addresses (arenas of other threads and mmapped blocks lie far above).
    pointers = sorted(snapshot)
    low = pointers[0]
    heap = [p for p in pointers if p - low < 1 << 32]
    pages = collections.defaultdict(list)
    for p in heap:
        size = snapshot[p][0]
        for page in range((p - 16) // PAGE, (p + size - 1) // PAGE + 1):
            pages[page].append(p)
    spanned = max(pages) - min(pages) + 1
    print(f"at {snap_time} ms: {len(snapshot)} live blocks, {sum(v[0] for v in snapshot.values()) / 1024:.0f} KiB; "
          f"heap pages spanned {spanned} ({spanned * 4} KiB), pinned by live blocks {len(pages)} "
          f"({len(pages) * 4} KiB)")

    symbols = {}
    wanted = set()
    for p in heap:
        trace, n = snapshot[p][1], 0
        while trace and n < 40:
            ip, trace = traces[trace]
            wanted.add(ip)
            n += 1
    by_module = collections.defaultdict(list)
    for ip in wanted:
        i = bisect.bisect_right(modules, (ip, 1 << 64)) - 1
        if i >= 0 and modules[i][0] <= ip < modules[i][1]:
            by_module[i].append(ip)
    for i, ips in by_module.items():
        _, _, name, base = modules[i]
        command = ["gdb", "-nx", "-batch", name]
        for ip in ips:
            command += ["-ex", f"info symbol {hex(ip - base - 1)}"]
        out = [o for o in subprocess.run(command, capture_output=True, text=True).stdout.split("\n") if o.strip()]
        short = name.split("/")[-1].split(".so")[0]
        for ip, o in zip(ips, out):
            o = o.split(" in section")[0].rsplit(" + ", 1)[0]
            symbols[ip] = ("?" if o.startswith("No symbol") else o) + f" [{short}]"

    def site(trace):
        frames = []
        while trace and len(frames) < 40:
            ip, trace = traces[trace]
            frames.append(symbols.get(ip, hex(ip)))
        j = 0
        while j < len(frames) - 1 and any(k in frames[j] for k in SKIP):
            j += 1
        return " <- ".join(f.split("(")[0][:80] for f in frames[j:j + depth])

    site_of = {}
    share, sole = collections.Counter(), collections.Counter()
    blocks, size, freed = collections.Counter(), collections.Counter(), collections.Counter()
    for p in heap:
        site_of[p] = site_of.get(p) or site(snapshot[p][1])
    for on_page in pages.values():
        sites = {site_of[p] for p in on_page}
        for s in sites:
            share[s] += 1.0 / len(sites)
        if len(sites) == 1:
            sole[next(iter(sites))] += 1
    for p in heap:
        s = site_of[p]
        blocks[s] += 1
        size[s] += snapshot[p][0]
        if p in freed_at and freed_at[p] <= snap_time + 10000:
            freed[s] += 1
    print(f"{'pages':>7} {'sole':>6} {'blocks':>7} {'KiB':>7} {'freed<10s':>9}  site")
    for s, v in sorted(share.items(), key=lambda x: -x[1])[:rows]:
        print(f"{v:7.0f} {sole[s]:6d} {blocks[s]:7d} {size[s] / 1024:7.0f} {freed[s]:9d}  {s}")


if __name__ == "__main__":
    main()
