// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/proxyprotocol.h"
#include "http/transport.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Switchboard::Http {

/// Reads the PROXY protocol header at the start of one accepted connection (internal to core/http).
///
/// Takes the socket (re-parents it) and reads exactly the header's bytes, nothing after it: the HTTP
/// request, or the TLS ClientHello on the TLS listener, stays in the socket for whoever comes next.
/// It peeks and then skips only what the parser took: a PlainSocket peeks at the kernel's queue
/// (MSG_PEEK), and a QSslSocket still in unencrypted mode peeks and skips on its plain socket without
/// starting a handshake.
///
/// Exactly one of finished() and failed() fires, never from inside the constructor. On finished() the
/// socket's signals no longer reach this object and its parent is this object still: the receiver takes
/// it with takeSocket() (or it goes with this object). On failed() the socket has been aborted. Either
/// way the receiver deletes this object (deleteLater(): the signal comes from inside a socket slot).
class ProxyHeaderReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyHeaderReader)
public:
    /// `timeoutSeconds`: how long the whole header may take to arrive (<= 0: no deadline).
    ProxyHeaderReader(Transport socket, int timeoutSeconds, QObject *parent = nullptr);
    ~ProxyHeaderReader() override;

    /// The socket, parentless, after finished(); null before and after failure.
    Transport takeSocket();
    Transport socket() const { return m_socket; }

Q_SIGNALS:
    /// The header is complete and valid; `header` says whose connection this is.
    void finished(const Switchboard::Http::ProxyHeader &header);
    /// No valid header: malformed, over the size cap, the peer closed, or the deadline passed.
    void failed(const QByteArray &reason);

private:
    void onReadyRead();
    void onDisconnected();
    void fail(const QByteArray &reason);

    Transport m_socket; ///< our child until taken
    ProxyHeaderParser m_parser;
    QTimer m_deadline;
    bool m_done = false;
};

} // namespace Switchboard::Http
