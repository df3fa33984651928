// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QTcpSocket>

#include <memory>

namespace Switchboard::Test {

/// A WebSocket client written by hand over a QTcpSocket (RFC 6455), so a test can send what QWebSocket
/// never would (a frame header alone, endless fragments) and can stop reading altogether. Speaks the
/// `xmpp` subprotocol; client frames are masked with a zero key, so payloads go out as they are.
/// Waits run the event loop (the server under test lives in the same thread). Not thread-safe.
class RawWebSocket
{
public:
    enum class Transport { Plain, Tls };
    /// `receiveBuffer` > 0 makes the client a slow reader: the kernel's receive buffer (SO_RCVBUF) and
    /// Qt's read buffer are set to about that size before connecting. (With Transport::Tls only Qt's:
    /// Qt sets socket options only on a socket it has connected.) With Transport::Tls, open()
    /// connects with TLS (wss://), verifying the certificate with this process's default configuration.
    explicit RawWebSocket(qint64 receiveBuffer = 0, Transport transport = Transport::Plain);

    /// Connects to 127.0.0.1:port and completes the opening handshake for `path`; false if the server
    /// does not answer 101 within 5 s.
    bool open(quint16 port, const QByteArray &path);
    /// A client frame header announcing `length` payload bytes (masked, zero key).
    static QByteArray frameHeader(quint8 opcode, bool final, quint64 length);
    static QByteArray textFrame(const QByteArray &payload)
    {
        return frameHeader(0x1, true, payload.size()) + payload;
    }

    /// Writes `bytes` and returns once the socket has handed them to the kernel; false if the
    /// connection is closed by then.
    bool send(const QByteArray &bytes);
    bool sendText(const QByteArray &payload) { return send(textFrame(payload)); }
    /// Sends a ping and waits for its pong: everything sent before it has then been read by the server
    /// (RFC 6455 §5.4 lets control frames come between the fragments of a message). False when the
    /// connection closes first. Text messages that arrive meanwhile are kept for nextText().
    bool roundTrip();
    /// The next text message from the server (empty after `timeoutMs`, or when the connection closed).
    QByteArray nextText(int timeoutMs = 10000);
    /// Waits for a text message containing `needle`; returns it (empty on timeout or close).
    QByteArray waitForText(const QByteArray &needle, int timeoutMs = 10000);
    /// <open/>, SASL PLAIN, restart, bind, by matching text (enough for Prosody in tests). Sets jid().
    bool login(const QString &domain, const QString &user, const QString &password, const QString &resource);

    /// Waits until the server's Close frame came (true) or the connection closed without one.
    bool waitForClose(int timeoutMs = 10000);
    /// Waits until the connection is closed (by either side).
    bool waitForDisconnected(int timeoutMs = 10000);
    /// The status code of the server's Close frame: -1 before one came, 1005 for one without a body.
    int closeCode() const { return m_closeCode; }
    /// The payload of the last Pong.
    QByteArray lastPong() const { return m_lastPong; }
    /// How many Pongs came so far.
    int pongs() const { return m_pongs; }

    bool isOpen() const { return m_socket->state() == QAbstractSocket::ConnectedState; }
    QString jid() const { return m_jid; }
    QTcpSocket &socket() { return *m_socket; }

private:
    /// Takes complete frames off the input: text messages into m_texts, pongs counted, the Close's code
    /// noted.
    void parse();

    std::unique_ptr<QTcpSocket> m_socket;
    bool m_tls = false;
    qint64 m_receiveBuffer = 0;
    QByteArray m_in;
    QByteArray m_partial;
    QList<QByteArray> m_texts;
    int m_pongs = 0;
    int m_closeCode = -1;
    QByteArray m_lastPong;
    QString m_jid;
};

} // namespace Switchboard::Test
