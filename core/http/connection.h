// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"
#include "http/requestparser.h"
#include "http/responsewriter.h"
#include "http/transport.h"

#include <QBasicTimer>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>

#include <list>
#include <memory>

namespace Switchboard {
struct Config;
}

namespace Switchboard::Http {

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

class Exchange;
class HttpServer;

/// One accepted TCP connection of the HTTP front (internal to core/http).
///
/// Owns its socket and the Exchanges of its requests (Qt children). Reads and parses requests one at a
/// time with its RequestParser (requestparser.h), hands each complete request to the server's handler
/// and writes the answers, serialised by its ResponseWriter (responsewriter.h), strictly in request
/// order (RFC 9112 §9.3.2: pipelined responses go out in the order of the requests). It never blocks:
/// answers may come later from any slot. Every socket call of a connection is made here: the parser
/// and the writer see only bytes.
///
/// Lifetime: the connection deletes itself with deleteLater() after the socket closed (or was taken by
/// the upgrade handler); it tells its HttpServer first. Nothing else may delete it.
///
/// Thread: its HttpServer's, like its socket, timers and Exchanges. It has no signals of its own: it
/// calls its HttpServer back (connectionFinished(), reportRefusal()) and emits the signals of its
/// Exchanges (Exchange::writable() when a stream's backlog drained, Exchange::aborted() when the
/// connection ends before an answer went out).
class Connection final : public QObject, private PlainSocket::Receiver
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connection)
public:
    /// Takes ownership of `socket` (re-parents it): a PlainSocket from the plain listener, a QSslSocket
    /// from the TLS one, encrypted. `origin` is where the connection comes from when a PROXY protocol
    /// header said so (null: the socket's peer); forwarding headers of trusted proxies are applied on
    /// top of it for each request.
    Connection(Transport socket, HttpServer *server, const QHostAddress &origin = {}, quint16 originPort = 0);
    ~Connection() override;

private:
    friend class Exchange;

    /// One request awaiting its turn on the wire.
    struct Pending
    {
        QPointer<Exchange> exchange; ///< null for answers the server made itself (preflight, refusals)
        Exchange *key = nullptr;     ///< identity of the exchange, valid for lookups even while it dies
        ResponseContext context;
        QByteArray data; ///< the serialised response, once ready
        bool ready = false;
        bool close = false;
        bool streaming = false; ///< a streamed answer whose end has not come: it stays at the front
        bool chunked = false;   ///< its body is framed in chunks (HTTP/1.1)
        bool blocked = false;   ///< a write() was refused for the backlog; writable() is owed
    };
    enum class State { Open, Closing, Closed };
    /// One deadline of the connection: a time on the steady clock, not a timer of its own. The
    /// connection's one timer runs to the earliest (armTimer()), so a request that moves the idle
    /// deadline, or sets and clears the request deadline within one read, re-registers nothing.
    struct Deadline
    {
        qint64 at = 0; ///< steady clock, ms; 0: not running
        bool isActive() const { return at != 0; }
        void stop() { at = 0; }
    };

    /// A PlainSocket calls back as a Receiver (no signal connections on thousands of idle ones); a
    /// QSslSocket through its signals.
    void connectSocket();
    void socketReadyRead() override { onReadyRead(); }
    void socketBytesWritten(qint64) override { onBytesWritten(); }
    void socketDisconnected() override { onDisconnected(); }
    void onReadyRead();
    /// Reads a plain socket while nothing is parsed (see onReadyRead()).
    void holdInput();
    void onBytesWritten();
    void onDisconnected();
    void onIdleTimeout();
    void onRequestTimeout();
    void onWriteTimeout();
    /// Response bytes not yet taken by the kernel (on TLS: plain and encrypted).
    qint64 outputWaiting() const;

    void checkUpgrade();
    void finishUpgradeCheck();
    bool upgradeMayFollow() const;
    void processInput();
    void scheduleProcessInput();
    bool canParse() const;
    bool inputWaiting() const; ///< input read but not parsed, or announced and not read yet
    void dispatch();
    bool identifyClient(Request &request) const;
    void refuse(int status, const QByteArray &reason);
    bool exchangeAnswered(Exchange *exchange, Response response, bool destroying = false);
    /// Exchange::abandon(): the socket is aborted and the connection finishes.
    void abandon();
    /// Exchange::startStream(), write() and endStream() (`destroying`: from the Exchange's destructor).
    bool streamStarted(Exchange *exchange, Response head);
    bool streamWrite(Exchange *exchange, QByteArrayView data);
    void streamEnded(Exchange *exchange, bool destroying = false);
    Pending *findPending(Exchange *exchange);
    void flush();
    void beginClose();
    void abortPending();
    void finish();
    void updateTimers();
    /// Runs the timer to the earliest deadline when it is not armed for that or earlier already (it
    /// fires early at worst, and is armed again then). Called once a read or an answer is handled.
    void armTimer();
    void timerEvent(QTimerEvent *event) override;

    /// The answer to an OPTIONS request; CORS preflight headers only when `cors`.
    Response preflightResponse(const Request &request, bool cors) const;

    HttpServer *m_server;
    const Config &m_config;
    Transport m_socket;         ///< null once handed to the upgrade handler
    QHostAddress m_peerAddress; ///< the origin: the PROXY protocol's source, else the socket's peer
    quint16 m_peerPort = 0;
    QHostAddress m_socketAddress; ///< the socket's peer (the nearest proxy, if any)
    quint16 m_socketPort = 0;
    QHostAddress m_localAddress; ///< the address the client reached this server at
    RequestParser m_parser;      ///< the request side: http_parser, limits, framing checks
    ResponseWriter m_writer;     ///< the response side: heads, CORS, compression, framing
    /// A std::list, not a std::deque: an empty deque holds a 512-byte block, and a connection idles
    /// with its queue empty (or one held exchange); elements stay put while others come and go.
    std::list<Pending> m_queue;
    QByteArray m_unparsed;   ///< bytes read but not parsed yet (pipelining cap reached)
    Deadline m_idleTimer;    ///< http_idle_timeout with no request and no answer owed
    Deadline m_requestTimer; ///< deadline of the request being received
    Deadline m_writeTimer;   ///< deadline for progress while output waits
    QBasicTimer m_timer;     ///< runs to m_armedAt, the earliest deadline when it was armed
    qint64 m_armedAt = 0;
    qsizetype m_upgradeScanFrom = 0; ///< where to resume looking for the end of the head
    State m_state = State::Open;
    bool m_awaitingUpgradeCheck = false;
    bool m_upgradeChecked = false; ///< the request now arriving was looked at for an upgrade already
    bool m_stopParsing = false;
    bool m_processQueued = false;
    bool m_continueSent = false;
    bool m_inputPending = false;        ///< readyRead() came and no read found the socket empty since
    QPointer<QObject> m_upgradedSocket; ///< handed to the upgrade handler (keeps its connection slot)
};

} // namespace Switchboard::Http
