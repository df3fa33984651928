// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/addressranges.h"
#include "base/config.h"
#include "base/relaxed.h"
#include "http/forwarded.h"
#include "http/httpmessage.h"
#include "http/transport.h"

#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>

#include <functional>
#include <memory>

class QSslSocket;

namespace Switchboard {
class Limits;
}

namespace Switchboard::Http {

class Connection;
struct ProxyHeader;

/// One request waiting for its answer. Owned by its Connection; a handler keeps a QPointer to it and
/// calls respond() now or later (a BOSH long poll answers after up to `wait` seconds). If the client
/// goes away first, aborted() fires and the Exchange is deleted soon after. Once answered, it is
/// deleted soon after too (deleteLater), so keep a QPointer rather than a raw pointer. Handlers must
/// not delete it.
///
/// A relayed Exchange (exchangerelay.h) stands on another thread for one of a connection's: the same
/// calls and signals, carried to and from the connection's thread by a Relay.
class Exchange final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Exchange)
public:
    /// Where a relayed Exchange's answer goes instead of a Connection (exchangerelay.cpp). Called on
    /// the relayed Exchange's thread, each at most as the Exchange's own call allows (respond() or
    /// startStream() once, write() and endStream() while streaming).
    class Relay
    {
    public:
        virtual ~Relay() = default;
        virtual bool respond(Response response) = 0;
        virtual bool startStream(Response head) = 0;
        virtual bool write(QByteArrayView data) = 0;
        virtual void endStream() = 0;
    };

    explicit Exchange(Request request, Connection *connection);
    /// A relayed Exchange, a child of `parent`: answers go through `relay`; relayAborted() ends it.
    Exchange(Request request, std::unique_ptr<Relay> relay, QObject *parent);
    ~Exchange() override;

    const Request &request() const { return m_request; }
    /// Frees the request's target, header fields and body once the handler has taken what it needs
    /// from them: a held BOSH request waits up to `wait` seconds, an idle session's whole life. What
    /// stays: the method, the version and the addresses.
    void releaseRequest();
    /// Sends the response (once; later calls are ignored). Safe to call from any slot, also from inside
    /// the handler call. After the connection closed it does nothing. Responses go out in request
    /// order: an answer to a later pipelined request waits for the earlier ones.
    /// Returns true when the response was taken for sending, false when it was dropped (answered
    /// before, or the connection is gone: the caller still holds the only copy of what it meant to say).
    bool respond(Response response);
    /// Closes the connection at once, without an answer to this request (a fault on demand: a
    /// response lost on the wire). The exchange is aborted like every other still open on it.
    void abandon();
    bool isAnswered() const { return m_answered; }
    /// True once the connection closed before an answer (aborted() has fired or is firing).
    bool isAborted() const { return m_aborted; }
    /// One handler called when the connection closes before an answer, just before aborted(); a
    /// later call replaces it. What a BOSH session sets on each request it holds: no signal
    /// connection (about 0.25 KB while the request waits).
    void onAborted(std::function<void()> handler) { m_onAborted = std::move(handler); }

    /// Starts an open-ended answer instead of respond(): `head` (status, type, headers; its body, if
    /// any, is the first piece) goes out in request order, the rest follows with write() until
    /// endStream(). HTTP/1.1 frames it chunked (RFC 9112 §7.1), so the connection can carry on after
    /// it; HTTP/1.0 delimits it by closing the connection (RFC 9112 §6.3). Never compressed. A HEAD
    /// request gets the head alone and the stream is over at once. Returns false like respond().
    /// While the stream is open, the connection's idle deadline does not run and its write-progress
    /// deadline (http_request_timeout without the client taking a byte) does; aborted() fires when
    /// the client goes away.
    bool startStream(Response head);
    /// Appends `data` to a streamed answer. Returns false when the stream is not open (never started,
    /// ended, the connection gone), or when the output not yet taken by the client would grow beyond
    /// kMaxStreamBacklog: then nothing was taken, and writable() fires once the client has read enough
    /// (a piece is always taken while nothing waits, whatever its size).
    bool write(QByteArrayView data);
    /// Ends a streamed answer (the last chunk); the connection then goes on with its next request, or
    /// closes (HTTP/1.0, Connection: close). The Exchange is deleted soon after. Safe to call twice.
    void endStream();
    /// True between startStream() and endStream() (or the connection's end).
    bool isStreaming() const { return m_streaming; }
    /// The most output of a connection that may wait unsent before write() refuses more.
    static constexpr qint64 kMaxStreamBacklog = 256 * 1024;

Q_SIGNALS:
    /// The connection closed before respond() was called, or while a stream was open.
    void aborted();
    /// A write() was refused for the backlog, and the client has since taken enough to write again.
    void writable();

public:
    /// For a relayed Exchange: the connection it stands for closed (or its thread is ending) before
    /// the answer or while a stream was open. Aborts it like a Connection would (onAborted()'s
    /// handler, aborted()) and deletes it later; once answered (and not streaming), only deletes it.
    void relayAborted();
    /// For a relayed Exchange: the connection took enough of a refused write() (emits writable()).
    void relayWritable();

private:
    friend class Connection;
    /// From the connection: onAborted()'s handler, then aborted().
    void notifyAborted();
    Request m_request;
    std::function<void()> m_onAborted;
    QPointer<Connection> m_connection;
    std::unique_ptr<Relay> m_relay; ///< a relayed Exchange's way to its connection (else null)
    bool m_answered = false;
    bool m_aborted = false;
    bool m_streaming = false;
};

/// The HTTP/1.x front: accepts TCP connections (plain, and TLS on a second listener), parses requests
/// with the http_parser library, enforces size and time limits, and hands each complete request to the
/// handler. Responses go out in request
/// order (HTTP/1.1 pipelining) with Content-Length, optional gzip/deflate, the CORS headers and the
/// configured extra headers.
class HttpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)
public:
    using Handler = std::function<void(Exchange *)>;
    /// Asked with the request head before it is parsed as HTTP; returns true when it took the socket
    /// (WebSocket upgrade). A TLS socket (a QSslSocket, encrypted) is handed over unread, with Qt's
    /// default (unlimited) read buffer: QWebSocketServer reads the handshake again. A plain one (a
    /// PlainSocket) comes with `received`, what was read of it: the whole head, and possibly more
    /// behind it; the rest is still in the kernel.
    /// Called for a GET whose `Upgrade` header lists `websocket` that is the first request of a
    /// connection, or a later one that starts when every earlier request has been answered (a reverse
    /// proxy reusing its connection; not within a pipelined batch). During the call the socket has no parent
    /// and no connection to the HTTP front. Returning true transfers ownership of the socket to the handler
    /// (parent it or delete it); the HTTP connection then ends. Returning false gives it back (`received`
    /// untouched), and the request is processed as ordinary HTTP.
    using UpgradeHandler =
        std::function<bool(Transport socket, const QByteArray &received, const Request &head)>;

    /// Takes a copy of `config`. The handlers are called on this object's thread.
    explicit HttpServer(const Config &config, QObject *parent = nullptr);
    /// Closes every connection at once; Exchanges still pending are deleted without aborted().
    ~HttpServer() override;

    /// Decides whether responses for a request path may carry CORS headers (Access-Control-Allow-Origin
    /// and the preflight answer); without a policy, every path may.
    using CorsPolicy = std::function<bool(const QByteArray &path)>;

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    void setCorsPolicy(CorsPolicy policy) { m_corsPolicy = std::move(policy); }
    /// The methods a preflight (OPTIONS) answer names for a path, in Allow and
    /// Access-Control-Allow-Methods; an empty answer, or no policy, means "GET, POST, OPTIONS".
    using PreflightMethods = std::function<QByteArray(const QByteArray &path)>;
    void setPreflightMethods(PreflightMethods methods) { m_preflightMethods = std::move(methods); }
    void setUpgradeHandler(UpgradeHandler handler) { m_upgradeHandler = std::move(handler); }

    /// Connection limits (max_connections, max_connections_per_ip) and refusal reporting; may be null.
    /// Must outlive this object.
    void setLimits(Limits *limits) { m_limits = limits; }

    /// With several workers, each listens on the same port with a socket of its own (SO_REUSEPORT,
    /// base/reuseport.h) and the kernel spreads connections over them. Set before listen().
    void setReusePort(bool reusePort) { m_reusePort = reusePort; }
    /// With one acceptor for several workers (`worker_accept = acceptor`, http/acceptor.h): every
    /// connection this server's listeners accept goes to `handoff` (on this thread, at once) instead of
    /// being served here; it owns the descriptor from then on. Set before listen().
    using Handoff = std::function<void(qintptr descriptor, bool tls)>;
    void setHandoff(Handoff handoff) { m_handoff = std::move(handoff); }
    /// Serves a connection another server's listener accepted exactly as one of its own: with `tls` as
    /// from the TLS listener (the configuration of listenTls() or setTlsConfiguration()), then the
    /// PROXY header, the limits, the handshake and HTTP. Call on this object's thread; it owns
    /// `descriptor` from then on. After close() (shutdown), or with `tls` and no TLS configuration, the
    /// descriptor is closed at once: nothing is served.
    void takeDescriptor(qintptr descriptor, bool tls);
    bool listen(const QHostAddress &address, quint16 port);
    /// Listens for TLS connections (https://, wss://) with `tls` (certificate, key, protocol floor).
    /// Requests that arrive over it are marked Request::secure. Returns false if the port cannot be bound.
    bool listenTls(const QHostAddress &address, quint16 port, const QSslConfiguration &tls);
    /// Replaces the TLS configuration (certificate reload); connections already open keep theirs.
    void setTlsConfiguration(const QSslConfiguration &tls);
    /// Stops accepting connections on both listeners, and handed ones (takeDescriptor()); open
    /// connections carry on until they close.
    void close();
    quint16 serverPort() const; ///< the plain listener's port (0: not listening)
    quint16 tlsPort() const;    ///< the TLS listener's port (0: not listening)
    QHostAddress serverAddress() const;
    QString errorString() const;
    /// Open connections; may be read from another thread (Server::connectionCount() sums the workers'
    /// counts without waiting for them).
    int connectionCount() const;
    /// connectionCount() and the WebSocket connections taken from this server by the upgrade handler
    /// that are still open: what the acceptor balances. May be read from another thread.
    int openConnections() const;

    /// True when `origin` matches the configured allowlist ('*' and '?' wildcards; empty list: any).
    bool originAllowed(const QByteArray &origin) const;

Q_SIGNALS:
    /// A TCP connection was accepted within the limits (connectionCount() already counts it). On the
    /// TLS listener this is before its handshake.
    void connectionOpened(const QHostAddress &peer);
    /// A connection ended: closed by either side or taken by the upgrade handler.
    void connectionClosed();
    /// A request was refused by a limit (status 400, 408, 413, 431...).
    void requestRefused(int status, const QByteArray &reason);
    /// With proxy_protocol on, a connection was closed before HTTP: it came from an address outside
    /// trusted_proxies, or its PROXY protocol header was missing, malformed, too large or too slow.
    void proxyHeaderRefused(const QHostAddress &peer, const QByteArray &reason);

protected:
    /// Children come and go per session (accepted sockets and connections): the list is given back after a
    /// wave (squeezeChildListWhenSparse()).
    void childEvent(QChildEvent *event) override;

private:
    friend class Connection;
    class Listener;
    /// The one place where an accepted descriptor becomes a socket (a QSslSocket on the TLS listener).
    void acceptDescriptor(qintptr descriptor, bool tls);
    /// Starts serving a new socket: with proxy_protocol its PROXY header first (readProxyHeader), then
    /// admitConnection() with the client it names; without, admitConnection() at once.
    void admit(Transport socket);
    /// With proxy_protocol: reads the PROXY header of a connection from a trusted proxy (refuses any
    /// other) before anything else, the TLS handshake included, then calls `admit` with the socket and
    /// the client address it names.
    void readProxyHeader(Transport socket,
                         std::function<void(Transport, const QHostAddress &, quint16)> admit);
    /// Counts a connection against the limits as `client` (or turns it away) and starts serving it:
    /// HTTP, or on the TLS listener the handshake first.
    void admitConnection(Transport socket, const QHostAddress &client, quint16 clientPort);
    /// Starts the TLS handshake of an admitted socket; HTTP starts once it is encrypted, and a
    /// handshake that fails or takes longer than http_request_timeout gives its slot back.
    void startTls(QSslSocket *socket, const QHostAddress &client, quint16 clientPort);
    /// A connection from a trusted proxy without the PROXY protocol: it carries many clients.
    bool isSharedConnection(const QHostAddress &peer) const;
    /// Called by a Connection when its socket closed, or was taken by the upgrade handler
    /// (`upgraded`: the connection slot is held until that socket is destroyed).
    void connectionFinished(const QHostAddress &peer, QObject *upgraded = nullptr);
    /// `local` itself, or the equal address the connection before was given: connections share the
    /// one copy while clients reach the server at one address.
    const QHostAddress &sharedLocalAddress(const QHostAddress &local)
    {
        if (!(local == m_localAddress))
            m_localAddress = local;
        return m_localAddress;
    }
    /// Called by a Connection that refuses a request: signals and counts it against its limit.
    void reportRefusal(int status, const QByteArray &reason, const QHostAddress &peer);
    /// Answers a connection over a limit with `status` and closes it; no request is read. A TLS socket
    /// gets its handshake first, within the linger deadline.
    void turnAway(Transport socket, int status, const QByteArray &reason);
    Config m_config;
    AddressRanges m_trustedProxies; ///< from trusted_proxies
    ForwardedHeader m_forwardedHeader = ForwardedHeader::XForwardedFor;
    int m_proxyHeadersPending = 0; ///< connections still sending their PROXY protocol header
    Handler m_handler;
    UpgradeHandler m_upgradeHandler;
    CorsPolicy m_corsPolicy;
    PreflightMethods m_preflightMethods;
    Listener *m_server = nullptr;
    Listener *m_tlsServer = nullptr;
    QSslConfiguration m_tls;
    Limits *m_limits = nullptr;
    Relaxed<int> m_connections = 0; ///< written on this server's thread only
    Relaxed<int> m_upgraded = 0;    ///< upgraded sockets still open; written on this server's thread only
    bool m_reusePort = false;
    bool m_closed = false; ///< close() was called (and no listen() since): handed connections are refused
    Handoff m_handoff;
    QString m_listenError; ///< why a SO_REUSEPORT socket could not listen
    /// `listener`->listen(), or with m_reusePort a socket of its own handed to it.
    bool listenOn(QTcpServer *listener, const QHostAddress &address, quint16 port);
    QHostAddress m_localAddress; ///< sharedLocalAddress()
};

} // namespace Switchboard::Http
