// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "stream/upstream.h"

namespace Switchboard::Test {

/// An XMPP server side that takes everything and does nothing, for tests of a client stream that
/// play the server by calling its UpstreamEvents themselves (or need no server at all).
struct NullUpstream final : Stream::Upstream
{
    void open(const OpenParams &) override {}
    void restart(const QString &, const Xmpp::StreamAttributes &) override {}
    void send(const QByteArray &) override {}
    void close() override {}
    bool isEncrypted() const override { return false; }
    QString peer() const override { return QStringLiteral("127.0.0.1:5222"); }
};

} // namespace Switchboard::Test
