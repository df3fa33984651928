// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/transport.h"

#include <QObject>
#include <QTimer>

#include <chrono>

class QSocketNotifier;

namespace Switchboard::Http {

/// Ends an HTTP connection whose last response has been written to its socket, so that the response
/// reaches the client whole (internal to core/http).
///
/// RFC 9112 §9.6: closing a socket that still has unread input makes the kernel send a reset, which
/// can destroy the response before the client has read it. So everything queued goes out first, then
/// only our sending side is shut down, and input is read and discarded until the client closes or the
/// linger deadline passes (a PlainSocket does the shutdown itself once what it keeps has gone). On a
/// TLS socket the close_notify alert goes out before the end of the
/// stream (RFC 9112 §9.8): Qt sends it from QSslSocket::disconnectFromHost() and then closes its
/// descriptor once the alert is flushed, so a duplicate of the descriptor keeps the TCP connection
/// for the rest of the lingering close.
///
/// Takes ownership of the socket (re-parents it) and disconnects nothing of the caller's: the caller
/// must stop handling the socket's signals itself. finished() fires once, when the client closed, the
/// connection failed or the deadline passed; the socket is closed by then. Deleting this object
/// earlier aborts the connection.
class LingeringClose final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LingeringClose)
public:
    /// The longest a closing connection waits for the client to read the last response and close.
    static constexpr std::chrono::seconds MaxLinger{5};

    LingeringClose(Transport socket, std::chrono::milliseconds deadline, QObject *parent = nullptr);
    ~LingeringClose() override;

    /// Starts closing. Call once, after the last bytes were written to the socket.
    void start();
    Transport socket() const { return m_socket; }

Q_SIGNALS:
    void finished();

private:
    enum class Stage { Sending, Notifying, Lingering, Done };
    void step();
    void onDisconnected();
    void discardInput();
    void readDuplicate();
    void finish();

    Transport m_socket; ///< our child
    QTimer m_deadline;
    QSocketNotifier *m_notifier = nullptr;
    int m_duplicate = -1; ///< our own descriptor of the TLS connection once Qt let go of its own
    Stage m_stage = Stage::Sending;
};

} // namespace Switchboard::Http
