// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: what a proxy (or anyone) puts in front of a request. The PROXY protocol parser is
// fed the input in pieces whose sizes the input itself chooses, and must agree with a single feed,
// never take more than its cap, nor anything beyond the header; the same bytes as X-Forwarded-For and
// Forwarded values go through the trusted-proxy rule.
#include "base/addressranges.h"
#include "http/forwarded.h"
#include "http/proxyprotocol.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace Switchboard;
using namespace Switchboard::Http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype step = 1 + data[0] % 32;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));

    ProxyHeaderParser whole;
    qsizetype wholeTaken = 0;
    const auto wholeStatus = whole.feed(input, &wholeTaken);

    ProxyHeaderParser pieces;
    qsizetype taken = 0;
    for (qsizetype at = 0; at < input.size(); at += step) {
        qsizetype consumed = 0;
        const QByteArrayView piece = input.sliced(at, qMin(step, input.size() - at));
        pieces.feed(piece, &consumed);
        if (consumed < 0 || consumed > piece.size())
            std::abort();
        taken += consumed;
        if (pieces.status() != ProxyHeaderParser::Status::NeedMore)
            break;
    }
    if (pieces.status() != wholeStatus || pieces.size() > ProxyHeaderParser::MaxHeaderSize)
        std::abort();
    if (wholeStatus == ProxyHeaderParser::Status::Complete &&
        (taken != wholeTaken || whole.size() != wholeTaken ||
         whole.header().proxied != pieces.header().proxied ||
         whole.header().source != pieces.header().source))
        std::abort();

    static const AddressRanges trusted = [] {
        AddressRanges ranges;
        ranges.setEntries(
            {QStringLiteral("127.0.0.0/8"), QStringLiteral("10.0.0.0/8"), QStringLiteral("::1")});
        return ranges;
    }();
    const QByteArray value = input.toByteArray();
    for (const auto which : {ForwardedHeader::XForwardedFor, ForwardedHeader::Forwarded}) {
        const QByteArray name = which == ForwardedHeader::Forwarded ? "forwarded" : "x-forwarded-for";
        const ClientAddress client =
            findClientAddress(QHostAddress(QHostAddress::LocalHost), 1, {{name, value}}, which, trusted);
        // The result is the peer, or an address the header named; never null while ok.
        if (client.ok && client.address.isNull())
            std::abort();
    }
    return 0;
}
