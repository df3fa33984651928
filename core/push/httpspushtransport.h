// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "push/pushtransport.h"
#include "push/targetpolicy.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>

#include <chrono>

namespace Switchboard::Push {

/// PushTransport over HTTPS/1.1 with QSslSocket, built so a client-chosen URL cannot reach what it must
/// not: the host is resolved (QHostInfo, asynchronously), every address is judged by the TargetPolicy,
/// the socket connects to an address that passed (not to the name again, so a second DNS answer cannot
/// differ), the connected peer address is judged once more before TLS starts, and the certificate is
/// verified for the URL's host against the system CAs plus `extraCas` (the server link's `ca_file`).
/// One attempt may take `timeout` in all (resolve, connect, handshake, request, status line); the
/// response is read only up to its status line, at most MaxResponseHead octets, then the connection is
/// closed (Connection: close), so a slow or endless answer costs nothing.
///
/// Lives on one thread (its parent's); `done` callbacks run there, from the event loop.
class HttpsPushTransport final : public QObject, public PushTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpsPushTransport)
public:
    static constexpr int MaxResponseHead = 16 * 1024;

    HttpsPushTransport(TargetPolicy policy, QList<QSslCertificate> extraCas,
                       std::chrono::milliseconds timeout, QObject *parent = nullptr);
    ~HttpsPushTransport() override;

    void send(const PushRequest &request, std::function<void(const TransportResult &)> done) override;

    /// Attempts under way.
    int pending() const;

private:
    class Attempt;
    TargetPolicy m_policy;
    QList<QSslCertificate> m_extraCas;
    std::chrono::milliseconds m_timeout;
    int m_pending = 0;
};

} // namespace Switchboard::Push
