// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpSocket>
#include <QTimer>
#include <QXmlStreamAttributes>
#include <QXmlStreamReader>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

namespace Switchboard::Bench {

/// A parsed XML element, just enough of a DOM for login steps and echo ids.
struct Element
{
    QString name; ///< local name
    QString ns;
    QXmlStreamAttributes attributes;
    QList<Element> children;
    QString text;

    QString attribute(const QString &name) const { return attributes.value(name).toString(); }
    const Element *child(const QString &localName) const;
};

/// Splits an XML stream into its depth-1 elements (stanzas), fed in any split. The root element's
/// attributes are kept (the BOSH <body> carries sid and type).
class StanzaSplitter
{
public:
    void reset();
    /// Feeds bytes; returns the stanzas completed by them. Sets error() on malformed XML.
    QList<Element> feed(const QByteArray &bytes);
    bool hasError() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    const QXmlStreamAttributes &rootAttributes() const { return m_rootAttributes; }
    /// Parses one complete element (a WebSocket message); nullopt when it is not well-formed.
    static std::optional<Element> parseElement(const QByteArray &xml);

private:
    QXmlStreamReader m_reader;
    QList<Element> m_stack; ///< elements open below the root
    QXmlStreamAttributes m_rootAttributes;
    int m_depth = 0;
    QString m_error;
};

/// Who to log in as and where.
struct Account
{
    QString user;
    QString password;
    QString domain;
    QString resource;
};

/// One client session: logs in with SASL PLAIN and binds, then sends and receives stanzas. The
/// transport (raw TCP, BOSH, WebSocket) is the subclass; the XMPP steps are here. A REST session
/// (Switchboard holds the XMPP session) replaces the steps with its HTTP calls.
class BenchSession : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchSession)
public:
    explicit BenchSession(const Account &account, QObject *parent = nullptr);

    virtual void start() = 0;
    /// Ends the session politely (</stream:stream>, a BOSH terminate, RFC 7395 <close/>, REST DELETE);
    /// closed() fires once the server has confirmed it or the connection is gone.
    virtual void close() = 0;
    /// HTTP requests this session has sent so far (BOSH and REST; 0 for the other transports).
    virtual qint64 httpRequests() const { return 0; }

    bool isBound() const { return !m_jid.isEmpty(); }
    QString jid() const { return m_jid; }
    /// Sends a message to the session's own full JID; `id` comes back with the echo.
    virtual void sendEcho(const QByteArray &id);

Q_SIGNALS:
    void loggedIn();
    void failed(const QString &reason);
    /// A message with this id came back to us.
    void echoReceived(const QByteArray &id);
    /// close() is done: the server confirmed the end, or the connection is gone. Fires once.
    void closed();

protected:
    virtual void sendStanza(const QByteArray &xml) = 0;
    /// SASL succeeded: open a new stream (RFC 6120 §6.4.6).
    virtual void restartStream() = 0;
    void handleStanza(const Element &stanza);
    /// The cheap path for a bound session's echo flood (so that the load generator stays cheaper per
    /// stanza than what it loads): when `xml` (one WebSocket message, or with `boshBody` a whole BOSH
    /// <body/>) holds only <message/> elements, emits echoReceived() for each id without building
    /// elements and returns true; otherwise returns false and emits nothing (parse it the full way).
    bool takeEchoes(QByteArrayView xml, bool boshBody);
    void fail(const QString &reason);
    /// The logout started by close() is over: emits closed() (once).
    void finishClose();
    /// For a session over one TCP connection, `socket` (a member of the subclass): while `closing` (the
    /// subclass's flag, set by close()) its error or disconnect ends the close; an error before that
    /// fails the session.
    void endWithSocket(QTcpSocket &socket, const bool &closing);
    /// Logged in without the XMPP steps here (REST): bound to `jid`; emits loggedIn().
    void setBound(const QString &jid);

    Account m_account;

private:
    bool m_authenticated = false;
    bool m_bindSent = false;
    bool m_failed = false;
    bool m_closeFinished = false;
    QString m_jid;
};

/// XMPP over a plain TCP connection (RFC 6120 without TLS, for a loopback server), TCP_NODELAY on.
class TcpSession final : public BenchSession
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TcpSession)
public:
    TcpSession(const QString &host, quint16 port, const Account &account, QObject *parent = nullptr);
    void start() override;
    void close() override;

protected:
    void sendStanza(const QByteArray &xml) override;
    void restartStream() override;

private:
    void openStream();
    void onReadyRead();

    bool m_closing = false;
    QString m_host;
    quint16 m_port;
    QTcpSocket m_socket;
    StanzaSplitter m_splitter;
    bool m_restart = false;
};

/// One keep-alive HTTP/1.1 connection that runs one POST at a time (Content-Length or chunked replies).
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)
public:
    HttpConnection(const QString &host, quint16 port, QObject *parent = nullptr);
    bool isBusy() const { return m_busy; }
    /// Requests sent on this connection so far (each one HTTP exchange).
    qint64 requestCount() const { return m_requestCount; }
    /// A POST of an XML body (BOSH).
    void post(const QByteArray &path, const QByteArray &body);
    /// Any request; `headers` are extra header lines, each ending in CRLF.
    void request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                 const QByteArray &headers = {});
    /// Drops the connection and whatever request was out.
    void abort()
    {
        m_socket.abort();
        m_busy = false;
        m_request.clear();
        m_buffer.clear();
    }

Q_SIGNALS:
    void finished(int status, const QByteArray &body);
    void failed(const QString &reason);

private:
    void onReadyRead();
    void writeRequest();

    QString m_host;
    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_request;
    QByteArray m_buffer;
    qint64 m_requestCount = 0;
    bool m_busy = false;
};

/// XMPP over BOSH (XEP-0124/0206) with hold=1: at most two requests out, one kept waiting at the server
/// (the original client, `--bosh-client pipelined`): a stanza goes out at once in a second request when
/// one is free, otherwise with the next; an empty request whenever none is out, from session creation on.
class BoshSession final : public BenchSession
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BoshSession)
public:
    BoshSession(const QString &host, quint16 port, const QByteArray &path, const Account &account,
                QObject *parent = nullptr);
    void start() override;
    void close() override;
    qint64 httpRequests() const override;

protected:
    void sendStanza(const QByteArray &xml) override;
    void restartStream() override;

private:
    void pump();
    void send(const QByteArray &body);
    void onResponse(HttpConnection *connection, int status, const QByteArray &body);

    QByteArray m_path;
    QByteArray m_sid;
    qint64 m_rid;
    std::vector<std::unique_ptr<HttpConnection>> m_connections; // no Qt parent: owned here only
    QByteArray m_pending;                                       ///< stanzas waiting for a request
    HttpConnection *m_terminate = nullptr;                      ///< the connection carrying our terminate
    bool m_created = false;
    bool m_restartPending = false;
    bool m_closing = false;
};

/// XMPP over BOSH the way strophe.js (and so Converse.js) drives it, after strophe.js 5's
/// transports/bosh.ts and connection.ts (`--bosh-client strophe`):
/// - the session is created with hold=1; the server's `requests` caps the requests out, and like
///   strophe.js at most two carry data or polls (its `_requests.length < 2`);
/// - send() queues the stanza and runs the idle handler (`_onIdle`): when fewer than two requests are
///   out, ONE new request carries everything queued (stanzas queued while two are out wait and go
///   together); it never waits for the held request to come back;
/// - an empty request (the long poll) goes out only once the session is bound and no request at all is
///   out (strophe.js: `authenticated && _requests.length === 0 && data.length === 0`);
/// - rids rise by one per request, in the order the requests are sent; a terminate waits for a free slot.
/// strophe.js runs its idle handler from a 100 ms timer that each send() re-arms (or at once on
/// `flush()`); with `idleMs` 0 it runs at once after each send and after each response, which is the
/// pattern of a client that flushes (and what a bench that times round trips needs); `idleMs` 100 copies
/// strophe.js's timer as it is.
class StropheBoshSession final : public BenchSession
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StropheBoshSession)
public:
    StropheBoshSession(const QString &host, quint16 port, const QByteArray &path, const Account &account,
                       int idleMs, QObject *parent = nullptr);
    void start() override;
    void close() override;
    qint64 httpRequests() const override;

protected:
    void sendStanza(const QByteArray &xml) override;
    void restartStream() override;

private:
    struct Open
    {
        qint64 rid;
        HttpConnection *connection;
        bool terminate;
    };
    /// strophe.js `_onIdle`: sends what is queued, or the empty poll, or the terminate.
    void onIdle();
    /// strophe.js `_send`: run the idle handler now, or re-arm its timer.
    void scheduleIdle();
    void post(const QByteArray &body, bool terminate);
    QByteArray head();
    void onResponse(HttpConnection *connection, int status, const QByteArray &body);
    int limit() const { return std::min(2, m_window); }

    QString m_host;
    quint16 m_port;
    QByteArray m_path;
    QByteArray m_sid;
    qint64 m_rid;
    int m_window = 2; ///< the server's `requests`
    int m_idleMs;
    QTimer *m_idleTimer = nullptr;
    /// Like a browser's pool: a request takes a free keep-alive connection, or opens one.
    std::vector<std::unique_ptr<HttpConnection>> m_connections;
    QList<Open> m_open;     ///< requests out, oldest first
    QByteArray m_data;      ///< queued stanzas (strophe.js `_data`)
    bool m_restart = false; ///< xmpp:restart queued
    bool m_created = false;
    bool m_closing = false;
    bool m_terminateQueued = false;
};

/// XMPP over WebSocket (RFC 7395) on a minimal RFC 6455 client: one stanza per text message.
class WebSocketSession final : public BenchSession
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketSession)
public:
    WebSocketSession(const QString &host, quint16 port, const QByteArray &path, const Account &account,
                     QObject *parent = nullptr);
    void start() override;
    void close() override;

protected:
    void sendStanza(const QByteArray &xml) override;
    void restartStream() override;

private:
    void onReadyRead();
    void sendFrame(quint8 opcode, const QByteArray &payload);
    void openStream();

    QString m_host;
    quint16 m_port;
    QByteArray m_path;
    QByteArray m_key;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_message; ///< a fragmented message being assembled
    bool m_upgraded = false;
    bool m_closing = false;
};

/// A session of Switchboard's REST gateway (docs/REST.md): POST /sessions logs in (no initial
/// presence, like the other sessions here), each echo is a POST /messages to the session's own full
/// JID, and a long poll (GET /events) that is always waiting reads the echoes. Without `poll` the
/// session is held idle with no connection of its own once logged in, as an app that is not running.
class RestSession final : public BenchSession
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestSession)
public:
    RestSession(const QString &host, quint16 port, const QByteArray &basePath, const Account &account,
                bool poll, QObject *parent = nullptr);
    void start() override;
    void close() override;
    qint64 httpRequests() const override { return m_sender.requestCount() + m_poller.requestCount(); }
    void sendEcho(const QByteArray &id) override;

protected:
    void sendStanza(const QByteArray &xml) override;
    void restartStream() override {}

private:
    void onLogin(int status, const QByteArray &body);
    void onPoll(int status, const QByteArray &body);
    void onSent(int status, const QByteArray &body);
    void pumpSends();
    void poll();
    QByteArray auth() const { return "Authorization: Bearer " + m_token + "\r\n"; }

    QByteArray m_base;
    QByteArray m_sessionPath;
    QByteArray m_token;
    HttpConnection m_sender;   ///< login, messages, logout: one request at a time
    HttpConnection m_poller;   ///< the waiting GET /events
    QList<QByteArray> m_sends; ///< POST /messages (JSON) or /stanzas (XML, prefixed '<') not yet sent
    qint64 m_after = 0;
    bool m_poll;
    bool m_loggedIn = false;
    bool m_closing = false;
};

} // namespace Switchboard::Bench
