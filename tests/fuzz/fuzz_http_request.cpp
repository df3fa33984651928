// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the HTTP request path (http_parser, the framing checks and the size limits) as a
// connection runs it, without a socket (Http::parseRequests). Small limits so they are reached often.
#include "base/config.h"
#include "http/requestparser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const Switchboard::Config config = [] {
        Switchboard::Config c;
        c.maxDataHeld = 4096;
        c.maxHeaderSize = 1024;
        c.maxHeaderCount = 16;
        return c;
    }();
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const Switchboard::Http::ParsedRequests parsed = Switchboard::Http::parseRequests(input, config);
    for (const Switchboard::Http::Request &request : parsed.requests) {
        // What the handlers do with every request: header lookups and query decoding.
        (void)request.header("host");
        (void)request.queryParameter("data");
        if (request.body.size() > config.maxDataHeld)
            __builtin_trap(); // a limit let too much through
    }
    return 0;
}
