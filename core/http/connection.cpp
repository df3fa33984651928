// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/connection.h"

#include "base/config.h"
#include "http/cors.h"
#include "http/forwarded.h"
#include "http/httpserver.h"
#include "http/lingeringclose.h"
#include "http/requestparser.h"
#include "http/responsewriter.h"
#include "http/socketio.h"

#include <QSslSocket>
#include <QTimerEvent>

#include <chrono>
#include <limits>

namespace Switchboard::Http {

Q_LOGGING_CATEGORY(lcHttp, "switchboard.http", QtWarningMsg)

namespace {

/// At most this many requests of one connection wait for their answers; further pipelined requests
/// stay unread (TCP flow control pushes back) until earlier ones are answered.
constexpr std::size_t MaxPipelined = 16;
/// While more than this many response bytes wait to be sent (a client that pipelines but does not
/// read), no further request is parsed.
constexpr qint64 MaxWriteBacklog = 1024 * 1024;
/// Bytes read from the socket per parser run.
constexpr qint64 ReadChunk = 16 * 1024;

qint64 steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

template <typename Deadline> void startSeconds(Deadline &deadline, int seconds)
{
    if (seconds <= 0) {
        deadline.stop(); // 0 or less disables the limit
        return;
    }
    deadline.at = steadyMs() + qint64(qMin(seconds, 7 * 24 * 3600)) * 1000;
}

} // namespace

namespace {
/// What may wait read and not parsed while nothing is parsed (pipelining cap, waiting for an answer):
/// Qt's read buffer of a TLS connection, m_unparsed of a plain one. It must hold a whole head for the
/// upgrade peek.
qint64 heldInputCap(const Config &config)
{
    return qMax<qint64>(qMax<qint64>(config.maxDataHeld, config.maxHeaderSize), 64 * 1024) + 8192;
}
} // namespace

Connection::Connection(Transport socket, HttpServer *server, const QHostAddress &origin, quint16 originPort)
    : QObject(server), m_server(server), m_config(server->m_config), m_socket(socket),
      m_socketAddress(socket.peerAddress()), m_socketPort(socket.peerPort()),
      m_localAddress(socket.localAddress()), m_parser(m_config), m_writer(m_config)
{
    // One copy of each address (a QHostAddress is a 56-byte block of its own): the origin is the
    // socket's peer unless a PROXY protocol header named another, and most connections reach the
    // server at the address of the one before.
    if (!origin.isNull() && origin == m_socketAddress)
        m_socketAddress = origin;
    m_localAddress = server->sharedLocalAddress(m_localAddress);
    m_peerAddress = origin.isNull() ? m_socketAddress : origin;
    m_peerPort = origin.isNull() ? m_socketPort : originPort;
    m_socket.setParent(this);
    if (QSslSocket *tls = m_socket.tls())
        tls->setReadBufferSize(heldInputCap(m_config));
    m_awaitingUpgradeCheck = bool(server->m_upgradeHandler);
    connectSocket();
    startSeconds(m_idleTimer, m_config.httpIdleTimeout);
    armTimer();
    // A TLS socket may hold decrypted input already (it announces it once); a plain one announces
    // what waits in the kernel on its own.
    if (m_socket.bytesBuffered() > 0)
        QMetaObject::invokeMethod(this, &Connection::onReadyRead, Qt::QueuedConnection);
}

Connection::~Connection()
{
    // The server is going away (connections are its children): no signals to a half-destroyed
    // server, no aborted() into handlers that may be gone too. Exchanges die with us as children.
    if (!m_socket.isNull())
        m_socket.disconnectFrom(this);
}

void Connection::connectSocket()
{
    if (PlainSocket *plain = m_socket.plain()) {
        plain->setReceiver(this);
        return;
    }
    m_socket.connectTo(this, &Connection::onReadyRead, &Connection::onBytesWritten,
                       &Connection::onDisconnected);
}

void Connection::onReadyRead()
{
    // A PlainSocket (and a QSslSocket that had no chunk to fill) announces input once and again only
    // after a read: remembered until a read finds nothing more, so that a pause in parsing (pipelining
    // cap, output waiting) loses none.
    m_inputPending = true;
    if (m_state == State::Closed || m_socket.isNull())
        return;
    if (m_state == State::Closing)
        return; // the lingering close reads and discards
    if (m_awaitingUpgradeCheck)
        checkUpgrade();
    else if (canParse() || !m_socket.plain())
        processInput();
    else
        holdInput();
    armTimer();
}

void Connection::holdInput()
{
    // Read as a QTcpSocket reads into its buffer, so that a client that closes while its request is
    // held is noticed at once. After a request that ends the connection nothing more is parsed: what
    // comes is discarded. Else it waits in m_unparsed, up to the cap.
    while (m_state == State::Open) {
        const qint64 room = m_stopParsing ? ReadChunk : heldInputCap(m_config) - m_unparsed.size();
        if (room <= 0)
            return; // m_inputPending stays: read once parsing goes on
        SocketInput input = m_socket.read(qMin(room, ReadChunk));
        if (input.drained)
            m_inputPending = false;
        if (!m_stopParsing)
            m_unparsed += input.data;
        if (input.closed) {
            onDisconnected();
            return;
        }
        if (input.drained || input.data.isEmpty())
            return;
    }
}

void Connection::checkUpgrade()
{
    const qint64 maxHead = qMax<qint64>(m_config.maxHeaderSize, 1024) + 4;
    QByteArray data;
    if (m_socket.plain()) {
        // Read, not peeked: the kernel would announce bytes left in it again and again while the head
        // is incomplete. What is read waits in m_unparsed: parsed there when this is no upgrade, handed
        // over with the socket when it is.
        while (m_unparsed.size() < maxHead) {
            SocketInput input = m_socket.read(maxHead - m_unparsed.size());
            if (input.drained)
                m_inputPending = false;
            m_unparsed += input.data;
            if (input.closed) {
                onDisconnected();
                return;
            }
            if (input.drained || input.data.isEmpty())
                break;
        }
        if (m_unparsed.isEmpty())
            return;
        data = m_unparsed.first(qMin<qsizetype>(m_unparsed.size(), maxHead));
    } else {
        qint64 available = m_socket.bytesBuffered();
        if (available <= 0) {
            // A peek that finds nothing tells whether the stream ended, and keeps a byte that came.
            const SocketInput first = m_socket.peek(1);
            if (first.data.isEmpty()) {
                if (first.closed)
                    onDisconnected();
                return;
            }
            available = m_socket.bytesBuffered();
        }
        // peek() only: a TLS socket handed over must still hold every byte of the handshake, which
        // QWebSocketServer::handleConnection() reads again.
        data = m_socket.peek(qMin(available, maxHead)).data;
    }
    m_idleTimer.stop();
    if (!m_requestTimer.isActive())
        startSeconds(m_requestTimer, m_config.httpRequestTimeout);

    // RFC 6455 §4.1: the opening handshake is a GET. Anything else is ordinary HTTP.
    static constexpr QByteArrayView get("GET ");
    if (!get.startsWith(QByteArrayView(data).first(qMin<qsizetype>(data.size(), get.size())))) {
        finishUpgradeCheck();
        return;
    }
    const qsizetype end = RequestParser::findHeadEnd(data, m_upgradeScanFrom);
    if (end < 0) {
        m_upgradeScanFrom = qMax<qsizetype>(0, data.size() - 3);
        if (data.size() >= maxHead)
            finishUpgradeCheck(); // the normal parser refuses the oversized head
        return;
    }

    std::optional<Request> upgrade =
        RequestParser::webSocketUpgrade(QByteArrayView(data).first(end), m_config);
    if (!upgrade) {
        finishUpgradeCheck();
        return;
    }
    // RFC 9112 §2.2 lets a server take a bare LF for a line end, but QWebSocketServer reads the
    // handshake again and waits for CR LF CR LF: a head it would never see end must not reach it.
    if (!RequestParser::hasOnlyCrlfLineEnds(QByteArrayView(data).first(end))) {
        refuse(400, QByteArrayLiteral("WebSocket handshake lines must end with CR LF"));
        return;
    }

    Request request = std::move(*upgrade);
    if (!identifyClient(request)) {
        finishUpgradeCheck(); // the normal path refuses it
        return;
    }
    // Hand the socket over: no signal of ours, no parent; a TLS socket as it came (Qt's default
    // buffering, every byte unread), a plain one with what was read of it. If the handler takes it, it
    // owns it; if it declines, we take it back.
    const Transport socket = m_socket;
    socket.disconnectFrom(this);
    if (QSslSocket *tls = socket.tls())
        tls->setReadBufferSize(0);
    socket.setParent(nullptr);
    const bool taken = m_server->m_upgradeHandler(socket, m_unparsed, request);
    if (taken) {
        qCDebug(lcHttp) << "connection from" << m_peerAddress << "upgraded";
        m_upgradedSocket = socket.object();
        m_socket = Transport();
        m_unparsed.clear();
        finish();
        return;
    }
    if (!socket.object()->parent())
        socket.setParent(this);
    if (QSslSocket *tls = socket.tls())
        tls->setReadBufferSize(heldInputCap(m_config));
    connectSocket();
    if (!socket.isConnected()) {
        onDisconnected();
        return;
    }
    finishUpgradeCheck();
}

void Connection::finishUpgradeCheck()
{
    m_awaitingUpgradeCheck = false;
    m_upgradeChecked = true; // until the next request begins (dispatch())
    processInput();
}

bool Connection::upgradeMayFollow() const
{
    // The next request starts on a fresh read, with no answer owed: it may be a WebSocket upgrade.
    // RFC 9110 §7.8 allows Upgrade on any request, and reverse proxies that keep their connections to
    // us open (nginx `keepalive`, HAProxy `http-reuse`) send it after other requests.
    return m_server->m_upgradeHandler && !m_upgradeChecked && m_queue.empty() && m_unparsed.isEmpty() &&
           !m_parser.inMessage() && (m_socket.plain() ? m_inputPending : m_socket.bytesBuffered() > 0);
}

void Connection::processInput()
{
    m_processQueued = false;
    while (m_state == State::Open && canParse()) {
        if (m_unparsed.isEmpty()) {
            if (upgradeMayFollow()) {
                // Looked at before a byte is read, as for the first request: a socket handed over
                // must still hold the whole head.
                m_awaitingUpgradeCheck = true;
                m_upgradeScanFrom = 0;
                checkUpgrade();
                armTimer();
                return;
            }
            // A PlainSocket whose last read emptied the kernel's queue announces the next input: a
            // read now would only find nothing (a recv per request answering EAGAIN).
            if (m_socket.plain() && !m_inputPending)
                break;
            SocketInput input = m_socket.read(ReadChunk);
            if (input.drained)
                m_inputPending = false;
            if (input.closed) {
                onDisconnected();
                return;
            }
            if (input.data.isEmpty())
                break;
            m_unparsed = std::move(input.data);
        }
        const RequestParser::Step step = m_parser.feed(m_unparsed);
        m_unparsed.remove(0, step.consumed);
        if (m_unparsed.isEmpty())
            m_unparsed.clear(); // an idle connection keeps no input array
        if (step.outcome == RequestParser::Outcome::Complete) {
            m_requestTimer.stop();
            // A request that came whole in one read is use of the connection too: the idle deadline
            // starts again once it is answered (updateTimers()).
            m_idleTimer.stop();
            dispatch();
            continue;
        }
        if (step.outcome == RequestParser::Outcome::Refused) {
            refuse(m_parser.refusedStatus(), m_parser.refusedReason());
            return;
        }
        if (step.outcome == RequestParser::Outcome::Finished)
            break; // not reached: nothing is parsed after a request that ends the connection
        if (m_parser.inMessage()) {
            m_idleTimer.stop();
            if (!m_requestTimer.isActive())
                startSeconds(m_requestTimer, m_config.httpRequestTimeout);
            // RFC 9110 §10.1.1: tell a waiting client to send its body, unless earlier answers are
            // still due (an interim response must not overtake them).
            if (m_parser.headersDone() && m_parser.expectContinue() && !m_continueSent && m_queue.empty()) {
                m_continueSent = true;
                m_socket.write(ResponseWriter::interim(100));
            }
        }
    }
    updateTimers();
}

void Connection::scheduleProcessInput()
{
    // Queued: flush() runs inside respond(), which may run inside the handler we are dispatching to.
    if (m_processQueued)
        return;
    m_processQueued = true;
    QMetaObject::invokeMethod(this, &Connection::processInput, Qt::QueuedConnection);
}

void Connection::dispatch()
{
    m_upgradeChecked = false;
    Request request = m_parser.takeRequest();
    m_continueSent = false;
    if (!identifyClient(request)) {
        refuse(400, QByteArrayLiteral("malformed forwarding header"));
        return;
    }

    ResponseContext context;
    context.cors = !m_server->m_corsPolicy || m_server->m_corsPolicy(request.path);
    context.versionMajor = request.versionMajor;
    context.versionMinor = request.versionMinor;
    context.keepAlive = m_parser.keepAlive();
    context.head = request.method == "HEAD";
    if (request.hasHeader("origin"))
        context.origin = request.header("origin");
    context.acceptEncoding = request.header("accept-encoding");
    if (!context.keepAlive)
        m_stopParsing = true; // HTTP/1.0 without keep-alive, "Connection: close", or an upgrade

    if (request.method == "OPTIONS") {
        // XEP-0124 §3 / Fetch CORS preflight: answered here, the handler never sees it.
        Pending pending;
        pending.context = context;
        pending.close = !context.keepAlive;
        pending.data = m_writer.serialize(context, preflightResponse(request, context.cors), pending.close);
        pending.ready = true;
        m_queue.push_back(std::move(pending));
        flush();
        return;
    }

    auto *exchange = new Exchange(std::move(request), this);
    Pending pending;
    pending.exchange = exchange;
    pending.key = exchange;
    pending.context = context;
    m_queue.push_back(std::move(pending));
    // The path only: a BOSH GET carries its body (SASL payloads included) in the query (the GET form of
    // XEP-0124), and a status request its token.
    qCDebug(lcHttp) << "request" << exchange->request().method << exchange->request().path << "from"
                    << exchange->request().peerAddress;
    if (m_server->m_handler)
        m_server->m_handler(exchange); // may respond() right here, or keep the Exchange for later
    else
        exchange->respond(Response::error(404));
}

bool Connection::identifyClient(Request &request) const
{
    request.connectionAddress = m_socketAddress;
    request.connectionPort = m_socketPort;
    request.localAddress = m_localAddress;
    request.secure = m_socket.isSecure();
    // Only trusted proxies are believed, and only as far as the chain stays trusted (docs/PROXIES.md).
    const ClientAddress client = findClientAddress(m_peerAddress, m_peerPort, request.headers,
                                                   m_server->m_forwardedHeader, m_server->m_trustedProxies);
    if (!client.ok) {
        // Refused rather than counted as the proxy: one client's bad header must not use up the share
        // of everyone behind that proxy.
        qCInfo(lcHttp) << "refusing request from trusted proxy" << m_peerAddress << ":" << client.error;
        return false;
    }
    request.peerAddress = client.address;
    request.peerPort = client.port;
    return true;
}

Response Connection::preflightResponse(const Request &request, bool cors) const
{
    const bool hasOrigin = cors && request.hasHeader("origin");
    if (hasOrigin && !m_server->originAllowed(request.header("origin")))
        return Response::error(403, "origin not allowed");
    Response response;
    response.status = 204;
    response.contentType.clear();
    response.compressible = false;
    QByteArray methods =
        m_server->m_preflightMethods ? m_server->m_preflightMethods(request.path) : QByteArray();
    if (methods.isEmpty())
        methods = QByteArrayLiteral("GET, POST, OPTIONS");
    response.headers.append({QByteArrayLiteral("Allow"), methods});
    if (hasOrigin) {
        response.headers.append({QByteArrayLiteral("Access-Control-Allow-Methods"), methods});
        response.headers.append({QByteArrayLiteral("Access-Control-Allow-Headers"),
                                 allowedRequestHeaders(request.header("access-control-request-headers"))});
        response.headers.append({QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("86400")});
    }
    return response;
}

void Connection::refuse(int status, const QByteArray &reason)
{
    // Named in the log and the refusal count: the client, once its request head (and with it the
    // forwarding header of a trusted proxy) is in; before that, only the connection is known.
    QHostAddress client = m_peerAddress;
    const Request &partial = m_parser.partialRequest();
    if (m_parser.headersDone()) {
        const ClientAddress named =
            findClientAddress(m_peerAddress, m_peerPort, partial.headers, m_server->m_forwardedHeader,
                              m_server->m_trustedProxies);
        if (named.ok)
            client = named.address;
    }
    qCInfo(lcHttp) << "refusing request from" << client << status << reason;
    m_server->reportRefusal(status, reason, client);
    ResponseContext context;
    if (m_parser.headersDone() && partial.versionMajor == 1) {
        context.versionMinor = partial.versionMinor;
        if (partial.hasHeader("origin"))
            context.origin = partial.header("origin");
    }
    Pending pending;
    pending.context = context;
    pending.close = true;
    pending.data = m_writer.serialize(context, Response::error(status, reason), true);
    pending.ready = true;
    m_queue.push_back(std::move(pending));
    m_stopParsing = true;
    m_awaitingUpgradeCheck = false;
    m_unparsed.clear();
    m_requestTimer.stop();
    m_parser.abandon();
    flush();
}

bool Connection::exchangeAnswered(Exchange *exchange, Response response, bool destroying)
{
    if (m_state != State::Open)
        return false;
    auto it = std::find_if(m_queue.begin(), m_queue.end(),
                           [exchange](const Pending &pending) { return pending.key == exchange; });
    if (it == m_queue.end())
        return false;
    it->close = !it->context.keepAlive || response.closeConnection;
    it->data = m_writer.serialize(it->context, std::move(response), it->close);
    it->ready = true;
    it->key = nullptr;
    if (it->close)
        m_stopParsing = true; // nothing after this response will be answered
    // The handler holds a QPointer; the answered Exchange is no longer needed. Deferred because the
    // handler may still be using it (respond() is often called from inside the handler).
    if (!destroying)
        exchange->deleteLater();
    flush();
    return true;
}

Connection::Pending *Connection::findPending(Exchange *exchange)
{
    auto it = std::find_if(m_queue.begin(), m_queue.end(),
                           [exchange](const Pending &pending) { return pending.key == exchange; });
    return it == m_queue.end() ? nullptr : &*it;
}

bool Connection::streamStarted(Exchange *exchange, Response head)
{
    if (m_state != State::Open)
        return false;
    Pending *pending = findPending(exchange);
    if (!pending)
        return false;
    const bool http10 = pending->context.versionMajor == 1 && pending->context.versionMinor == 0;
    QByteArray first = std::move(head.body);
    head.body.clear();
    head.compressible = false;
    pending->chunked = !http10;
    pending->close = http10 || !pending->context.keepAlive || head.closeConnection;
    if (pending->context.head) {
        // RFC 9110 §9.3.2: the head alone; nothing follows it, so the connection may carry on.
        pending->close = !pending->context.keepAlive || head.closeConnection;
        pending->data = m_writer.serialize(pending->context, std::move(head), pending->close,
                                           http10 ? Framing::Close : Framing::Chunked);
        pending->ready = true;
        pending->key = nullptr;
        exchange->m_streaming = false;
        exchange->deleteLater();
        if (pending->close)
            m_stopParsing = true;
        flush();
        return true;
    }
    if (pending->close)
        m_stopParsing = true; // the end of the body is the end of the connection
    pending->data = m_writer.serialize(pending->context, std::move(head), pending->close,
                                       pending->chunked ? Framing::Chunked : Framing::Close);
    if (!first.isEmpty())
        pending->data += pending->chunked ? ResponseWriter::chunk(first) : first;
    pending->ready = true;
    pending->streaming = true;
    flush();
    return true;
}

bool Connection::streamWrite(Exchange *exchange, QByteArrayView data)
{
    if (m_state != State::Open)
        return false;
    Pending *pending = findPending(exchange);
    if (!pending || !pending->streaming)
        return false;
    if (data.isEmpty())
        return true;
    // The cap on unsent output: what the socket holds, and what waits behind earlier answers.
    const qint64 waiting = outputWaiting() + pending->data.size();
    if (waiting > 0 && waiting + data.size() > Exchange::kMaxStreamBacklog) {
        pending->blocked = true;
        return false;
    }
    pending->data += pending->chunked ? ResponseWriter::chunk(data) : data.toByteArray();
    flush();
    return true;
}

void Connection::streamEnded(Exchange *exchange, bool destroying)
{
    if (m_state != State::Open)
        return;
    Pending *pending = findPending(exchange);
    if (!pending || !pending->streaming)
        return;
    pending->streaming = false;
    pending->blocked = false;
    pending->key = nullptr;
    if (pending->chunked)
        pending->data += ResponseWriter::lastChunk();
    if (!destroying)
        exchange->deleteLater();
    flush();
}

void Connection::flush()
{
    if (m_state != State::Open)
        return;
    while (!m_queue.empty() && m_queue.front().ready) {
        if (m_queue.front().streaming) {
            // An open stream stays at the front: what it has so far goes out, the rest waits for it.
            Pending &stream = m_queue.front();
            if (!stream.data.isEmpty())
                m_socket.write(std::exchange(stream.data, QByteArray()));
            break;
        }
        Pending pending = std::move(m_queue.front());
        m_queue.pop_front();
        m_socket.write(pending.data);
        if (pending.close) {
            beginClose();
            return;
        }
    }
    // Out now rather than on the next write notification (one loop round less per response).
    m_socket.flush();
    updateTimers();
    if (canParse() && inputWaiting())
        scheduleProcessInput();
}

bool Connection::inputWaiting() const
{
    return !m_unparsed.isEmpty() || m_inputPending || m_socket.bytesBuffered() > 0;
}

bool Connection::canParse() const
{
    return !m_stopParsing && m_queue.size() < MaxPipelined && m_socket.bytesToWrite() < MaxWriteBacklog;
}

void Connection::beginClose()
{
    if (m_state != State::Open)
        return;
    m_state = State::Closing;
    m_stopParsing = true;
    m_unparsed.clear();
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_writeTimer.stop();
    abortPending();
    // Lingering close (RFC 9112 §9.6, and the TLS close_notify of §9.8): the last response goes out
    // whole before the connection ends; the connection keeps its slot until then.
    m_socket.disconnectFrom(this);
    const auto linger = qBound(std::chrono::milliseconds(1000),
                               std::chrono::milliseconds(std::chrono::seconds(m_config.httpRequestTimeout)),
                               std::chrono::milliseconds(LingeringClose::MaxLinger));
    auto *closer = new LingeringClose(m_socket, linger, this);
    connect(closer, &LingeringClose::finished, this, &Connection::finish);
    closer->start();
}

qint64 Connection::outputWaiting() const
{
    return m_socket.bytesToWrite();
}

void Connection::onBytesWritten()
{
    if (m_state == State::Open) {
        // The client took some of our output: its deadline starts again.
        m_writeTimer.stop();
        updateTimers();
        // A stream refused for its backlog may write again once half of the cap is free.
        if (!m_queue.empty() && m_queue.front().streaming && m_queue.front().blocked &&
            outputWaiting() <= Exchange::kMaxStreamBacklog / 2) {
            m_queue.front().blocked = false;
            const QPointer<Exchange> exchange = m_queue.front().exchange;
            if (exchange)
                Q_EMIT exchange->writable(); // may write, end the stream or close the connection
        }
    }
    if (m_state == State::Open && !m_awaitingUpgradeCheck && canParse() && inputWaiting())
        scheduleProcessInput(); // the write backlog drained below its cap
}

void Connection::abortPending()
{
    // Two passes: a slot of aborted() may call respond() on another Exchange of this connection,
    // which must find it already detached.
    QList<QPointer<Exchange>> aborted;
    for (Pending &pending : m_queue) {
        if (pending.exchange && (!pending.exchange->m_answered || pending.exchange->m_streaming)) {
            pending.exchange->m_connection = nullptr;
            pending.exchange->m_aborted = true;
            pending.exchange->m_streaming = false;
            aborted.append(pending.exchange);
        }
    }
    m_queue.clear();
    for (const QPointer<Exchange> &exchange : std::as_const(aborted)) {
        if (!exchange)
            continue;
        exchange->notifyAborted();
        if (exchange)
            exchange->deleteLater();
    }
}

void Connection::abandon()
{
    if (m_state == State::Closed)
        return;
    qCDebug(lcHttp) << "connection from" << m_peerAddress << "closed without an answer (fault)";
    if (!m_socket.isNull())
        m_socket.abort();
    if (m_state != State::Closed) // the abort may have reported the disconnection already
        finish();
}

void Connection::onDisconnected()
{
    if (m_state == State::Closed)
        return;
    qCDebug(lcHttp) << "connection from" << m_peerAddress << "closed";
    finish();
}

void Connection::finish()
{
    m_state = State::Closed;
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_writeTimer.stop();
    abortPending();
    m_server->connectionFinished(m_peerAddress, m_upgradedSocket);
    // Deferred: we are usually inside a signal of our own socket.
    deleteLater();
}

void Connection::onIdleTimeout()
{
    if (m_state != State::Open || !m_queue.empty() || m_parser.inMessage())
        return;
    qCDebug(lcHttp) << "idle connection from" << m_peerAddress << "closed";
    beginClose();
}

void Connection::onWriteTimeout()
{
    if (m_state != State::Open || outputWaiting() == 0)
        return;
    qCInfo(lcHttp) << "connection from" << m_peerAddress << "closed: it took none of" << outputWaiting()
                   << "waiting bytes for" << m_config.httpRequestTimeout << "s";
    // Nothing can reach a client that does not read: no lingering close.
    m_socket.abort();
}

void Connection::onRequestTimeout()
{
    if (m_state == State::Open)
        refuse(408, QByteArrayLiteral("request not completed in time"));
}

void Connection::updateTimers()
{
    if (m_state != State::Open)
        return;
    // A client that does not read stops the parsing once MaxWriteBacklog waits, and with it every
    // other timer: output waiting without progress for http_request_timeout ends the connection.
    if (outputWaiting() == 0)
        m_writeTimer.stop();
    else if (!m_writeTimer.isActive())
        startSeconds(m_writeTimer, m_config.httpRequestTimeout);
    const bool busy = m_parser.inMessage() || !m_unparsed.isEmpty() || !m_queue.empty() ||
                      (m_awaitingUpgradeCheck && (!m_unparsed.isEmpty() || m_socket.bytesBuffered() > 0));
    if (busy)
        m_idleTimer.stop();
    else if (!m_idleTimer.isActive())
        startSeconds(m_idleTimer, m_config.httpIdleTimeout);
    armTimer();
}

void Connection::armTimer()
{
    if (m_state != State::Open) {
        m_timer.stop();
        return;
    }
    qint64 earliest = 0;
    for (const Deadline *deadline : {&m_idleTimer, &m_requestTimer, &m_writeTimer}) {
        if (deadline->isActive() && (earliest == 0 || deadline->at < earliest))
            earliest = deadline->at;
    }
    // Nothing running: an armed timer is left to fire and find nothing due.
    if (earliest == 0 || (m_timer.isActive() && m_armedAt <= earliest))
        return;
    m_armedAt = earliest;
    m_timer.start(int(qBound(qint64(0), earliest - steadyMs(), qint64(std::numeric_limits<int>::max()))),
                  this);
}

void Connection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_timer.stop();
    const qint64 now = steadyMs();
    const auto due = [now](Deadline &deadline) {
        if (!deadline.isActive() || deadline.at > now)
            return false;
        deadline.stop(); // single-shot, like the timers these were
        return true;
    };
    // Each handler looks at the state again: an earlier one may have closed the connection.
    if (due(m_requestTimer))
        onRequestTimeout();
    if (due(m_writeTimer))
        onWriteTimeout();
    if (due(m_idleTimer))
        onIdleTimeout();
    armTimer(); // the next deadline, or a later one than the timer was armed for
}

} // namespace Switchboard::Http
