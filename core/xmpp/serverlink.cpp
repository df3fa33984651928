// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/serverlink.h"

#include "xmpp/xmlescape.h"

#include "xmpp/bounce.h"

#include <QBasicTimer>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QTimerEvent>
#include <QXmlStreamReader>

#include <array>

Q_LOGGING_CATEGORY(lcXmpp, "switchboard.xmpp", QtWarningMsg)
Q_LOGGING_CATEGORY(lcTls, "switchboard.tls", QtWarningMsg)

namespace Switchboard::Xmpp {

namespace {

constexpr QByteArrayView kTlsNs = "urn:ietf:params:xml:ns:xmpp-tls";
constexpr QStringView kStreamsNs = u"http://etherx.jabber.org/streams";
constexpr int kCloseGraceMs = 2000;
constexpr qsizetype kReadChunk = 65536;

/// Does a <stream:features/> element offer STARTTLS (RFC 6120 §5.3.1)? Parsed properly rather than
/// searched for, as prefixes are the server's choice; this runs once per connection.
bool offersStartTls(const QByteArray &features)
{
    QXmlStreamReader xml(features);
    int depth = 0;
    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (depth == 2 && xml.name() == u"starttls" && xml.namespaceUri() == QLatin1StringView(kTlsNs))
                return true;
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        }
    }
    return false;
}

/// The condition element name of a <stream:error/> (RFC 6120 §4.9.3), for the log and the reason.
QString streamErrorCondition(const QByteArray &error)
{
    QXmlStreamReader xml(error);
    int depth = 0;
    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::StartElement) {
            if (++depth == 2 && xml.name() != u"text")
                return xml.name().toString();
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        }
    }
    return QStringLiteral("undefined-condition");
}

QByteArray synthesizedStreamError(const QString &condition)
{
    return "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><" + condition.toUtf8() +
           " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
}

} // namespace

struct ServerLink::Private
{
    enum class State {
        Idle,
        Resolving,
        Connecting,
        AwaitingFeatures,    // header sent, waiting for the server's header and features (before TLS)
        AwaitingProceed,     // <starttls/> sent
        TlsHandshake,        // <proceed/> received, handshake running
        AwaitingTlsFeatures, // header sent again over TLS
        Open,
        Restarting, // restart(): a new header sent, the server's not received yet
        Closing,
        Done,
    };

    ServerLink *q;
    const Config &config; ///< outlives the link (owned by the front that made it)
    Resolver *resolver;
    Params params;
    State state = State::Idle;
    StanzaReader reader;
    QSslSocket *socket = nullptr;
    QList<Target> targets;
    qsizetype nextTarget = 0;
    QString lastConnectError;
    QString peer;
    // Single-shot deadlines, stopped in ServerLink::timerEvent when they fire. QBasicTimer rather
    // than QTimer: a link lives as long as its session, and three QTimer objects with their
    // connections cost about 0.8 KB per session while none of them runs on an idle stream.
    QBasicTimer deadline;     // Config::connectTimeout over resolve + connect + negotiate
    QBasicTimer closeGrace;   // close(): abort if the socket has not closed by then
    QBasicTimer readDeadline; // Config::serverReadTimeout for an unfinished element or an awaited header
    bool restarted = false;   // restart() was called: the stream is past SASL
    QByteArray drainId;       // retire(): the id of our ping; stanzas before its answer are bounced
    bool retired = false;     // retire() was called: deleted once the stream is closed
    std::function<void(const QByteArray &)> undeliverable;
    QByteArray queue; // send() before the stream is open
    bool headerReceived = false;
    QString tlsErrors;

    Private(ServerLink *link, const Config &c, Resolver *r)
        : q(link), config(c), resolver(r), reader(c.maxXmppBufferSize)
    {}

    bool negotiating() const
    {
        return state == State::Resolving || state == State::Connecting || state == State::AwaitingFeatures ||
               state == State::AwaitingProceed || state == State::TlsHandshake ||
               state == State::AwaitingTlsFeatures;
    }

    QByteArray header(const QString &lang) const
    {
        // RFC 6120 §4.7: to, version, xml:lang (and from when known) on the initiating header.
        QByteArray h =
            "<?xml version='1.0'?><stream:stream to='" + xmlEscaped(params.domain) +
            "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'";
        if (!lang.isEmpty())
            h += " xml:lang='" + xmlEscaped(lang) + '\'';
        if (!params.from.isEmpty())
            h += " from='" + xmlEscaped(params.from) + '\'';
        h += '>';
        return h;
    }

    void write(const QByteArray &bytes)
    {
        if (!socket)
            return;
        socket->write(bytes);
        // Out now rather than on the next write notification: one loop round and two interest
        // changes less per stanza, and less latency.
        socket->flush();
        // A failed write inside flush() reports the error at once, and that drops the socket.
        if (!socket)
            return;
        // Every buffer is capped: a server that stops reading must not make us hold unbounded output.
        if (socket->bytesToWrite() > 4 * qMax<qint64>(config.maxXmppBufferSize, 65536))
            failLater(LinkFailure::ConnectionLost, {}, QStringLiteral("the server is not reading its input"));
    }

    void dropSocket()
    {
        if (!socket)
            return;
        // The socket may be in the middle of emitting one of its own signals (we can get here from
        // readyRead): never delete it synchronously.
        QObject::disconnect(socket, nullptr, q, nullptr);
        socket->abort();
        socket->deleteLater();
        socket = nullptr;
    }

    void fail(LinkFailure failure, const QByteArray &streamError, const QString &reason)
    {
        if (state == State::Done || state == State::Closing)
            return;
        qCDebug(lcXmpp) << "link to" << params.domain << "failed:" << reason;
        state = State::Done;
        deadline.stop();
        queue.clear();
        if (socket) {
            if (socket->state() == QAbstractSocket::ConnectedState) {
                // Let already written bytes (e.g. our own stream error) reach the server.
                QObject::disconnect(socket, nullptr, q, nullptr);
                QSslSocket *s = socket;
                socket = nullptr;
                QObject::connect(s, &QAbstractSocket::disconnected, s, &QObject::deleteLater);
                QTimer::singleShot(kCloseGraceMs, s, &QObject::deleteLater);
                s->disconnectFromHost();
            } else {
                dropSocket();
            }
        }
        Q_EMIT q->failed(failure, streamError, reason);
    }

    void failLater(LinkFailure failure, const QByteArray &streamError, const QString &reason)
    {
        // Callers of open()/send() must never see a signal from inside their call.
        QMetaObject::invokeMethod(
            q, [this, failure, streamError, reason] { fail(failure, streamError, reason); },
            Qt::QueuedConnection);
    }

    void connectNext()
    {
        if (state != State::Connecting)
            return;
        if (nextTarget >= targets.size()) {
            fail(LinkFailure::RemoteConnectionFailed, {},
                 QStringLiteral("could not connect to %1: %2").arg(params.domain, lastConnectError));
            return;
        }
        const Target target = targets.at(nextTarget++);
        dropSocket();
        headerReceived = false;
        reader.reset();
        socket = new QSslSocket(q);
        QSslConfiguration tls = socket->sslConfiguration();
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        if (!resolver->extraCaCertificates().isEmpty())
            tls.addCaCertificates(resolver->extraCaCertificates());
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        socket->setSslConfiguration(tls);
        // RFC 6120 §13.7.2: the certificate must match the domain, not the host we connected to.
        socket->setPeerVerifyName(params.domain);
        peer = target.host.contains(u':') ? QString(u'[' + target.host + u"]:" + QString::number(target.port))
                                          : QString(target.host + u':' + QString::number(target.port));

        QObject::connect(socket, &QAbstractSocket::connected, q, [this] {
            // Without TCP_NODELAY, Nagle plus delayed ACKs add up to ~40 ms per round trip.
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            qCDebug(lcXmpp) << "connected to" << peer << "for" << params.domain;
            state = State::AwaitingFeatures;
            write(header(params.lang));
        });
        QObject::connect(socket, &QAbstractSocket::errorOccurred, q,
                         [this](QAbstractSocket::SocketError error) { onSocketError(error); });
        QObject::connect(socket, &QSslSocket::sslErrors, q, [this](const QList<QSslError> &errors) {
            // Never ignored (STYLE.md): the handshake fails and errorOccurred follows.
            QStringList texts;
            for (const QSslError &e : errors)
                texts.append(e.errorString());
            tlsErrors = texts.join(u"; ");
            qCWarning(lcTls) << "certificate of" << peer << "for" << params.domain << "refused:" << tlsErrors;
        });
        QObject::connect(socket, &QSslSocket::encrypted, q, [this] {
            if (state != State::TlsHandshake)
                return;
            qCDebug(lcTls) << "TLS established with" << peer << socket->sessionCipher().name();
            state = State::AwaitingTlsFeatures;
            headerReceived = false;
            write(header(params.lang)); // RFC 6120 §5.4.3.3: a new stream over TLS
        });
        QObject::connect(socket, &QIODevice::readyRead, q, [this] { onReadyRead(); });
        QObject::connect(socket, &QAbstractSocket::disconnected, q, [this] { onDisconnected(); });
        state = State::Connecting;
        qCDebug(lcXmpp) << "connecting to" << peer << "for" << params.domain;
        // Unbuffered: bytes go straight between the kernel and our reader, and only what the kernel does
        // not take at once waits in Qt's write buffer, so an idle link keeps no buffer (a buffered
        // socket keeps a 16 KiB read and a 32 KiB write chunk once used). QSslSocket passes the mode to
        // its plain socket. The differences are handled here: reads until 0 or -1 at each readyRead()
        // (onReadyRead), a close after TLS reported by RemoteHostClosedError alone (onSocketError), and
        // no bytesWritten() for direct writes (not used: backpressure reads bytesToWrite() after write()).
        socket->connectToHost(target.host, target.port, QIODevice::ReadWrite | QIODevice::Unbuffered);
    }

    void onSocketError(QAbstractSocket::SocketError error)
    {
        if (state == State::Connecting) {
            lastConnectError = peer + u": " + socket->errorString();
            qCDebug(lcXmpp) << "connect failed:" << lastConnectError;
            // Try the next target from the event loop, not from inside the socket's signal.
            QMetaObject::invokeMethod(
                q, [this] { connectNext(); }, Qt::QueuedConnection);
            return;
        }
        if (state == State::TlsHandshake || error == QAbstractSocket::SslHandshakeFailedError) {
            fail(LinkFailure::RemoteConnectionFailed, {},
                 QStringLiteral("TLS with %1 failed: %2")
                     .arg(peer, tlsErrors.isEmpty() ? socket->errorString() : tlsErrors));
            return;
        }
        if (error == QAbstractSocket::RemoteHostClosedError) {
            // Buffered, disconnected() follows at once and decides. Unbuffered and encrypted, Qt reports
            // the close with this error alone: once what is still decrypted has been read, it is the end.
            QMetaObject::invokeMethod(
                q,
                [this, closing = QPointer<QSslSocket>(socket)] {
                    if (closing && closing == socket)
                        peerClosed();
                },
                Qt::QueuedConnection);
            return;
        }
        if (state == State::Closing) {
            finishClose();
            return;
        }
        fail(negotiating() ? LinkFailure::RemoteConnectionFailed : LinkFailure::ConnectionLost, {},
             peer + u": " + socket->errorString());
    }

    void onDisconnected()
    {
        if (state == State::Closing) {
            finishClose();
            return;
        }
        if (state == State::Connecting)
            return; // errorOccurred moves on to the next target
        fail(negotiating() ? LinkFailure::RemoteConnectionFailed : LinkFailure::ConnectionLost, {},
             QStringLiteral("%1 closed the connection without closing the stream").arg(peer));
    }

    /// The server closed TCP (or reset it). What it sent before is handled first; then the link ends as
    /// on disconnected(): an end of the close handshake, or a loss.
    void peerClosed()
    {
        if (!socket || state == State::Done)
            return;
        QPointer<ServerLink> alive(q);
        QSslSocket *closing = socket;
        if (socket->bytesAvailable() > 0)
            onReadyRead();
        if (!alive || socket != closing || state == State::Done)
            return;
        dropSocket();
        onDisconnected();
    }

    void finishClose()
    {
        state = State::Done;
        closeGrace.stop();
        dropSocket();
        // A retired link has nothing left to do once its stream is closed.
        if (retired)
            q->deleteLater();
    }

    void onReadyRead()
    {
        QPointer<ServerLink> alive(q);
        const auto updateReadDeadline = qScopeGuard([this, alive] {
            // A stanza the server started, or the header it owes after a restart, must arrive in time:
            // a server that stalls mid-element must not hold the client's session forever.
            if (!alive || state == State::Done || state == State::Closing)
                return;
            if (state == State::Open && !reader.isMidElement())
                readDeadline.stop();
            else if ((state == State::Open || state == State::Restarting) && !readDeadline.isActive())
                readDeadline.start(qMax(1, config.serverReadTimeout) * 1000, q);
        });
        QList<StanzaReader::Event> events;
        // The socket is unbuffered (see connectNext()): each readyRead() must be answered by reads until
        // the kernel has nothing more, or the peer has closed (-1); Qt reports neither on its own. A short
        // read means the kernel (or, over TLS, the socket's decrypted buffer) is empty: what comes later
        // raises readyRead() again.
        std::array<char, kReadChunk> buffer;
        while (socket && state != State::Done) {
            const qint64 got = socket->read(buffer.data(), qint64(buffer.size()));
            if (got == 0)
                break;
            if (got < 0) { // the end of the stream: what came before it has been handled
                dropSocket();
                onDisconnected();
                return;
            }
            const QByteArray data(buffer.data(), qsizetype(got));
            events.clear();
            reader.feed(data, events);
            for (const StanzaReader::Event &event : std::as_const(events)) {
                handle(event);
                // A slot may have closed or deleted us.
                if (!alive || state == State::Done || state == State::TlsHandshake)
                    return;
            }
            if (got < qint64(buffer.size()))
                break;
        }
    }

    void handle(const StanzaReader::Event &event)
    {
        switch (event.type) {
        case StanzaReader::Event::StreamOpened:
            headerReceived = true;
            q->m_header = event.header;
            if (state == State::Restarting) {
                state = State::Open;
                readDeadline.stop();
                Q_EMIT q->streamOpened(q->m_header);
            }
            break;
        case StanzaReader::Event::Element:
            handleElement(event);
            break;
        case StanzaReader::Event::StreamClosed:
            if (state == State::Closing) {
                finishClose();
            } else if (negotiating()) {
                fail(LinkFailure::RemoteConnectionFailed, {},
                     QStringLiteral("%1 closed the stream during negotiation").arg(peer));
            } else {
                // RFC 6120 §4.4: answer with our own close, then the TCP connection ends.
                write("</stream:stream>");
                state = State::Done;
                deadline.stop();
                QSslSocket *s = socket;
                socket = nullptr;
                QObject::disconnect(s, nullptr, q, nullptr);
                QObject::connect(s, &QAbstractSocket::disconnected, s, &QObject::deleteLater);
                QTimer::singleShot(kCloseGraceMs, s, &QObject::deleteLater);
                s->disconnectFromHost();
                Q_EMIT q->streamClosed();
            }
            break;
        case StanzaReader::Event::Error: {
            // RFC 6120 §4.9.1.1: tell the server why, then close. The client sees remote-stream-error.
            const QByteArray error = synthesizedStreamError(event.condition);
            qCWarning(lcXmpp) << "stream from" << peer << "refused:" << event.errorText;
            write(error + "</stream:stream>");
            fail(LinkFailure::RemoteStreamError, error, event.errorText);
            break;
        }
        }
    }

    void handleElement(const StanzaReader::Event &event)
    {
        if (event.name == u"error" && event.ns == kStreamsNs) {
            const QString condition = streamErrorCondition(event.xml);
            if (!(socket && socket->isEncrypted()) &&
                !config.noTlsDomains.contains(params.domain, Qt::CaseInsensitive)) {
                // Before TLS anyone on the path can write to this stream, so what it says is not the
                // server's word (RFC 6120 §5.4.3.3: knowledge obtained before TLS is not to be trusted).
                // Passed on, it would put a stranger's text, or a see-other-host redirect, in front of
                // the user. The client gets our own condition; the log keeps what came.
                qCWarning(lcXmpp) << "stream error before TLS from" << peer << "for" << params.domain << ":"
                                  << condition << "(not passed on)";
                fail(LinkFailure::RemoteConnectionFailed, {},
                     QStringLiteral("the server's stream ended with an error before TLS"));
                return;
            }
            fail(LinkFailure::RemoteStreamError, event.xml, u"stream error from server: " + condition);
            return;
        }
        const bool isFeatures = event.name == u"features" && event.ns == kStreamsNs;
        switch (state) {
        case State::AwaitingFeatures:
            if (!isFeatures)
                return; // nothing else is meaningful before features
            if (offersStartTls(event.xml)) {
                // RFC 6120 §5.4.2.1; done even for noTlsDomains: plaintext is a permission, not a wish.
                state = State::AwaitingProceed;
                write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            } else if (config.noTlsDomains.contains(params.domain, Qt::CaseInsensitive)) {
                qCDebug(lcTls) << "no TLS with" << peer << "for" << params.domain
                               << "(allowed by no_tls_domains)";
                opened(event.xml);
            } else {
                // RFC 6120 §5: never downgrade silently to plaintext.
                fail(LinkFailure::RemoteConnectionFailed, {}, QStringLiteral("server offers no TLS"));
            }
            return;
        case State::AwaitingProceed:
            if (event.ns != QLatin1StringView(kTlsNs))
                return;
            if (event.name == u"proceed") {
                state = State::TlsHandshake;
                // RFC 6120 §5.4.3.3: the TLS layer starts right after </proceed>; the old stream is gone.
                reader.reset();
                socket->startClientEncryption();
            } else {
                fail(LinkFailure::RemoteConnectionFailed, {}, QStringLiteral("server refused STARTTLS"));
            }
            return;
        case State::AwaitingTlsFeatures:
            if (isFeatures)
                opened(event.xml);
            return;
        case State::Open:
        case State::Restarting:
            if (!drainId.isEmpty()) {
                drained(event);
                return;
            }
            Q_EMIT q->elementReceived(event.xml);
            return;
        default:
            return;
        }
    }

    /// While retiring: the answer to our ping ends the drain; stanzas before it go back to their senders.
    void drained(const StanzaReader::Event &event)
    {
        if (event.name == u"iq" && event.xml.contains(drainId)) {
            drainId.clear();
            q->close();
            return;
        }
        const bool stanza = event.name == u"message" || event.name == u"presence" || event.name == u"iq";
        if (!stanza)
            return;
        const QByteArray bounce = bounceStanza(event.xml);
        if (!bounce.isEmpty())
            write(bounce);
        if (undeliverable)
            undeliverable(event.xml);
    }

    void opened(const QByteArray &features)
    {
        state = State::Open;
        deadline.stop();
        QPointer<ServerLink> alive(q);
        Q_EMIT q->streamOpened(q->m_header);
        if (!alive || state != State::Open)
            return;
        Q_EMIT q->elementReceived(features);
        if (!alive || state != State::Open || queue.isEmpty())
            return;
        write(std::exchange(queue, {}));
    }
};

ServerLink::ServerLink(const Config &config, Resolver *resolver, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, config, resolver))
{
    if (!d->resolver)
        d->resolver = new Resolver(config, this);
}

void ServerLink::timerEvent(QTimerEvent *event)
{
    const int id = event->timerId();
    if (id == d->deadline.timerId()) {
        d->deadline.stop();
        if (d->negotiating())
            d->fail(LinkFailure::RemoteConnectionFailed, {},
                    QStringLiteral("no stream with %1 within %2 s")
                        .arg(d->params.domain)
                        .arg(d->config.connectTimeout));
    } else if (id == d->closeGrace.timerId()) {
        d->closeGrace.stop();
        d->finishClose();
    } else if (id == d->readDeadline.timerId()) {
        d->readDeadline.stop();
        if (d->state == Private::State::Open || d->state == Private::State::Restarting)
            d->fail(LinkFailure::RemoteConnectionFailed, {},
                    QStringLiteral("%1 stalled: nothing completed within %2 s")
                        .arg(d->peer)
                        .arg(d->config.serverReadTimeout));
    } else {
        QObject::timerEvent(event);
    }
}

ServerLink::~ServerLink()
{
    d->dropSocket();
}

void ServerLink::open(const Params &params)
{
    if (d->state != Private::State::Idle)
        return;
    d->params = params;
    d->deadline.start(qMax(1, d->config.connectTimeout) * 1000, this);
    // Never an open relay: only configured domains, whatever the route.
    if (!d->resolver->domainAllowed(params.domain)) {
        d->state = Private::State::Resolving;
        d->failLater(LinkFailure::HostUnknown, {},
                     QStringLiteral("domain not served here: %1").arg(params.domain));
        return;
    }
    if (params.route) {
        d->targets = {*params.route};
        d->state = Private::State::Connecting;
        QMetaObject::invokeMethod(
            this, [this] { d->connectNext(); }, Qt::QueuedConnection);
        return;
    }
    d->state = Private::State::Resolving;
    d->resolver->resolve(params.domain, this, [this](QList<Target> targets) {
        if (d->state != Private::State::Resolving)
            return;
        if (targets.isEmpty()) {
            d->fail(LinkFailure::HostUnknown, {},
                    QStringLiteral("no XMPP service found for %1").arg(d->params.domain));
            return;
        }
        d->targets = std::move(targets);
        d->state = Private::State::Connecting;
        d->connectNext();
    });
}

void ServerLink::restart(const QString &lang)
{
    if (d->state != Private::State::Open)
        return;
    // RFC 6120 §6.4.6: after SASL success both sides start a new stream, without closing the old one.
    d->state = Private::State::Restarting;
    d->restarted = true;
    d->readDeadline.start(qMax(1, d->config.serverReadTimeout) * 1000, this);
    d->reader.reset();
    d->write(d->header(lang.isEmpty() ? d->params.lang : lang));
}

void ServerLink::send(const QByteArray &xml)
{
    using State = Private::State;
    if (d->state == State::Open || d->state == State::Restarting) {
        d->write(xml);
        return;
    }
    if (!d->negotiating() && d->state != State::Idle)
        return; // closing or done: nowhere to go
    if (d->queue.size() + xml.size() > d->config.maxXmppBufferSize) {
        d->failLater(LinkFailure::RemoteConnectionFailed, {},
                     QStringLiteral("too much queued before the stream opened"));
        return;
    }
    d->queue += xml;
}

void ServerLink::close()
{
    using State = Private::State;
    if (d->state == State::Done || d->state == State::Closing)
        return;
    d->deadline.stop();
    d->readDeadline.stop();
    d->queue.clear();
    if (!d->socket || d->socket->state() != QAbstractSocket::ConnectedState ||
        d->state == State::Connecting) {
        d->state = State::Done;
        d->dropSocket();
        return;
    }
    // RFC 6120 §4.4: close our stream, let the bytes go out, then end TCP (no signals after close()).
    d->state = State::Closing;
    d->socket->write("</stream:stream>");
    d->socket->disconnectFromHost();
    d->closeGrace.start(kCloseGraceMs, this);
}

void ServerLink::retire(QObject *graveyard, std::function<void(const QByteArray &)> undeliverable)
{
    disconnect(); // no more signals to the stream that owned us
    setParent(graveyard);
    d->retired = true;
    // Gone as soon as the close handshake ends (finishClose), and within the grace periods whatever
    // the server does (drain, then the close handshake).
    constexpr int kDrainMs = 3000;
    QTimer::singleShot(kDrainMs + kCloseGraceMs + 500, this, &QObject::deleteLater);
    if (d->state != Private::State::Open || !d->restarted || !d->socket) {
        close();
        if (d->state == Private::State::Done)
            deleteLater();
        return;
    }
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    d->drainId = "sb-drain-" + QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex();
    d->undeliverable = std::move(undeliverable);
    d->write("<iq xmlns='jabber:client' type='get' id='" + d->drainId + "' to='" +
             xmlEscaped(d->params.domain) + "'><ping xmlns='urn:xmpp:ping'/></iq>");
    QTimer::singleShot(kDrainMs, this, [this] {
        if (d->drainId.isEmpty())
            return;
        qCDebug(lcXmpp) << "no answer to the drain ping from" << d->peer << "; closing";
        d->drainId.clear();
        close();
    });
}

bool ServerLink::isOpen() const
{
    return d->state == Private::State::Open || d->state == Private::State::Restarting;
}

bool ServerLink::isEncrypted() const
{
    return d->socket && d->socket->isEncrypted();
}

QString ServerLink::peerDescription() const
{
    return d->peer;
}

} // namespace Switchboard::Xmpp
