// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/plainsocket.h"
#include "http/socketio.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QSslSocket>

namespace Switchboard::Http {

/// The socket of one HTTP connection as Connection, ProxyHeaderReader and LingeringClose use it: a
/// PlainSocket on the plain listener (no Qt socket objects), a QSslSocket on the TLS one. A handle of
/// two words, copied freely: it owns nothing (the socket's owner is its QObject parent) and adds no
/// object to the connection. Calls go to the one socket it names; the socket's thread only.
class Transport
{
public:
    Transport() = default;
    explicit Transport(PlainSocket *socket) : m_object(socket) {}
    explicit Transport(QSslSocket *socket) : m_object(socket), m_tls(true) {}

    bool isNull() const { return !m_object; }
    bool isSecure() const { return m_tls; }
    PlainSocket *plain() const { return m_tls ? nullptr : static_cast<PlainSocket *>(m_object); }
    QSslSocket *tls() const { return m_tls ? static_cast<QSslSocket *>(m_object) : nullptr; }
    QObject *object() const { return m_object; }

    /// What waits, at most `max` bytes (PlainSocket::read(), or readInput() on the TLS socket).
    SocketInput read(qint64 max) const;
    /// Up to `max` bytes of what waits, left in place; `closed` when the stream has ended.
    SocketInput peek(qint64 max) const;
    /// Takes `count` bytes seen with peek() off the input; false when fewer were there.
    bool skip(qint64 count) const;
    /// Output in order; what the kernel does not take waits in the socket.
    void write(const QByteArray &bytes) const;
    /// On TLS, what is queued goes out now rather than on the next write notification.
    void flush() const;
    /// Output not yet taken by the kernel (on TLS: plain and encrypted).
    qint64 bytesToWrite() const;
    /// Input known to wait in the socket itself (TLS: decrypted and buffered; plain: never, the kernel
    /// holds it).
    qint64 bytesBuffered() const;
    bool isConnected() const;
    QHostAddress peerAddress() const;
    quint16 peerPort() const;
    QHostAddress localAddress() const;
    /// Drops the connection now.
    void abort() const;
    void setParent(QObject *parent) const { m_object->setParent(parent); }
    /// Stops every signal of the socket to `receiver`, and removes a PlainSocket's Receiver.
    void disconnectFrom(const QObject *receiver) const
    {
        QObject::disconnect(m_object, nullptr, receiver, nullptr);
        if (PlainSocket *socket = plain())
            socket->setReceiver(nullptr);
    }

    /// Connects the socket's input, output progress (on TLS also encrypted bytes written) and end to
    /// `receiver`'s member functions, none of which takes an argument.
    template <typename Receiver>
    void connectTo(Receiver *receiver, void (Receiver::*readyRead)(), void (Receiver::*written)(),
                   void (Receiver::*ended)()) const
    {
        if (QSslSocket *socket = tls()) {
            QObject::connect(socket, &QIODevice::readyRead, receiver, readyRead);
            if (written) {
                QObject::connect(socket, &QIODevice::bytesWritten, receiver, written);
                QObject::connect(socket, &QSslSocket::encryptedBytesWritten, receiver, written);
            }
            QObject::connect(socket, &QAbstractSocket::disconnected, receiver, ended);
            return;
        }
        PlainSocket *socket = plain();
        QObject::connect(socket, &PlainSocket::readyRead, receiver, readyRead);
        if (written)
            QObject::connect(socket, &PlainSocket::bytesWritten, receiver, written);
        QObject::connect(socket, &PlainSocket::disconnected, receiver, ended);
    }

private:
    QObject *m_object = nullptr;
    bool m_tls = false;
};

} // namespace Switchboard::Http
