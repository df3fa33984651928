// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <expat.h>

namespace Switchboard::Xmpp {

/// The hash salt every Expat parser of this process uses: random once per process, so hash flooding
/// stays out of reach, without each new or reset parser asking the kernel for entropy (a system call
/// per parsed request or message).
unsigned long expatHashSalt();

/// Borrows a namespace-aware Expat parser (UTF-8 forced) from a small per-thread pool for one document
/// and gives it back reset: creating a parser per BOSH request or WebSocket message costs allocations
/// that a reset avoids. Set every handler and option after borrowing; the reset clears them.
class PooledParser
{
public:
    explicit PooledParser(char namespaceSeparator);
    ~PooledParser();
    PooledParser(const PooledParser &) = delete;
    PooledParser &operator=(const PooledParser &) = delete;

    XML_Parser get() const { return m_parser; }

private:
    XML_Parser m_parser;
    char m_separator;
};

} // namespace Switchboard::Xmpp
