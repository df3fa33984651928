// SPDX-License-Identifier: GPL-3.0-or-later
// ThreadSanitizer build only, linked into every test: clone() with CLONE_VM goes straight to the C
// library. ThreadSanitizer's clone() interceptor runs its after-fork bookkeeping in the child, and a
// CLONE_VM child (QProcess's vfork-style start) shares the parent's memory: with a second thread
// running (QtTest's watchdog) the parent is left marked as forked and ignores its threads' accesses
// from then on, so nothing is reported (docs/ARCHITECTURE.md, "Threads"). Such a child only execs
// or exits, while the parent waits for it; other clones keep the interceptor.
#include <dlfcn.h>
#include <sched.h>
#include <sys/types.h>

#include <cstdarg>

extern "C" int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
    va_list rest;
    va_start(rest, arg);
    pid_t *parentTid = va_arg(rest, pid_t *);
    void *tls = va_arg(rest, void *);
    pid_t *childTid = va_arg(rest, pid_t *);
    va_end(rest);
    using Clone = int (*)(int (*)(void *), void *, int, void *, ...);
    static const auto libc =
        reinterpret_cast<Clone>(dlsym(dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD), "clone"));
    static const auto intercepted = reinterpret_cast<Clone>(dlsym(RTLD_NEXT, "clone"));
    return ((flags & CLONE_VM) ? libc : intercepted)(fn, stack, flags, arg, parentTid, tls, childTid);
}
