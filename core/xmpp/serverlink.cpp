// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/serverlink.h"

#include "base/plainsocket.h"
#include "base/proxyheaderwriter.h"
#include "base/unbufferedsocket.h"
#include "xmpp/bounce.h"
#include "xmpp/xmlescape.h"

#include <QBasicTimer>
#include <QHostInfo>
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

#include <unistd.h>

Q_LOGGING_CATEGORY(lcXmpp, "switchboard.xmpp", QtWarningMsg)
Q_LOGGING_CATEGORY(lcTls, "switchboard.tls", QtWarningMsg)

namespace Switchboard::Xmpp {

namespace {

constexpr QByteArrayView kTlsNs = "urn:ietf:params:xml:ns:xmpp-tls";
constexpr QStringView kStreamsNs = u"http://etherx.jabber.org/streams";
constexpr int kCloseGraceMs = 2000;
constexpr qsizetype kReadChunk = 65536;
// One address's connect(): QAbstractSocket's own limit, after which the next address is tried; the whole
// way to an open stream is bounded by Config::connectTimeout.
constexpr int kConnectAttemptMs = 30000;

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

/// The link's side of its PlainSocket is a Receiver: no signal connections to the socket (about 0.4 KB
/// per link).
struct ServerLink::Private final : PlainSocket::Receiver
{
    enum class State {
        Idle,
        Resolving,
        Connecting,
        AwaitingFeatures,    // header sent, waiting for the server's header and features (before TLS)
        AwaitingProceed,     // <starttls/> sent
        TlsHandshake,        // <proceed/> received (or connected to a direct TLS target), handshake running
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
    // The connection is on one of two sockets, never both. A plain-text link (noTlsDomains) runs on the
    // raw descriptor for its whole life; a link that does STARTTLS starts there and hands the descriptor
    // to a QSslSocket at <proceed/>. The QSslSocket (with the plain QTcpSocket and the connections it
    // makes inside) is thus made only where TLS is spoken.
    PlainSocket *plain = nullptr;
    QSslSocket *tls = nullptr;
    bool directTls = false; // the target being tried speaks TLS from the first byte (XEP-0368)
    ProxyProtocolVersion proxyProtocolOut = ProxyProtocolVersion::None; // and wants a PROXY header first
    /// What only the way to an open stream needs: made by open(), dropped once the stream is open or
    /// the link failed (a link lives as long as its session; about 0.15 KB less per idle link).
    struct Negotiation
    {
        QList<Target> targets;
        qsizetype nextTarget = 0;
        QList<QHostAddress> addresses; // of the target being connected to, tried in order
        qsizetype nextAddress = 0;
        quint16 port = 0;
        int lookupId = -1; // QHostInfo lookup of the target's host name under way
        QString lastConnectError;
        QString tlsErrors;
    };
    std::unique_ptr<Negotiation> nego;
    Negotiation &negotiation()
    {
        if (!nego)
            nego = std::make_unique<Negotiation>();
        return *nego;
    }
    QString peer;
    // Single-shot deadlines, stopped in ServerLink::timerEvent when they fire. QBasicTimer rather
    // than QTimer: a link lives as long as its session, and QTimer objects with their connections
    // cost about 0.3 KB each per session while none of them runs on an idle stream.
    QBasicTimer deadline;     // Config::connectTimeout over resolve + connect + negotiate
    QBasicTimer attempt;      // one address's connect() (kConnectAttemptMs), then the next address
    QBasicTimer closeGrace;   // close(): abort if the socket has not closed by then
    QBasicTimer readDeadline; // Config::serverReadTimeout for an unfinished element or an awaited header
    bool restarted = false;   // restart() was called: the stream is past SASL
    QByteArray drainId;       // retire(): the id of our ping; stanzas before its answer are bounced
    bool retired = false;     // retire() was called: deleted once the stream is closed
    std::function<void(const QByteArray &)> undeliverable;
    // retire(): close if the drain ping has no answer by then, and be deleted by the second whatever
    // the server does.
    QBasicTimer drainDeadline;
    QBasicTimer retireDeadline;
    QByteArray queue; // send() before the stream is open
    bool headerReceived = false;

    Private(ServerLink *link, const Config &c, Resolver *r)
        : q(link), config(c), resolver(r), reader(c.maxXmppBufferSize)
    {}

    bool negotiating() const
    {
        return state == State::Resolving || state == State::Connecting || state == State::AwaitingFeatures ||
               state == State::AwaitingProceed || state == State::TlsHandshake ||
               state == State::AwaitingTlsFeatures;
    }

    bool connected() const
    {
        if (plain)
            return plain->state() == PlainSocket::State::Connected;
        return tls && tls->state() == QAbstractSocket::ConnectedState;
    }

    QByteArray header(const QString &lang, const StreamAttributes &extra = {}) const
    {
        // RFC 6120 §4.7: to, version, xml:lang (and from when known) on the initiating header.
        QByteArray h =
            "<?xml version='1.0'?><stream:stream to='" + xmlEscaped(params.domain) +
            "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'";
        if (!lang.isEmpty())
            h += " xml:lang='" + xmlEscaped(lang) + '\'';
        if (!params.from.isEmpty())
            h += " from='" + xmlEscaped(params.from) + '\'';
        for (const auto &[name, value] : extra) {
            // XML 1.0 §3.3.3: a literal tab or line end in an attribute value reads as a space.
            const QByteArray escaped =
                xmlEscaped(value).replace('\t', "&#9;").replace('\n', "&#10;").replace('\r', "&#13;");
            h += ' ' + name.toUtf8() + "='" + escaped + '\'';
        }
        h += '>';
        return h;
    }

    void write(const QByteArray &bytes)
    {
        qint64 waiting = 0;
        if (plain) {
            // Out now: what the kernel does not take waits in the socket and goes when it is writable.
            // A failed send is reported from the event loop (disconnected()), never from inside write().
            plain->write(bytes);
            waiting = plain->bytesToWrite();
        } else if (tls) {
            tls->write(bytes);
            // Out now rather than on the next write notification: one loop round and two interest
            // changes less per stanza, and less latency.
            tls->flush();
            // A failed write inside flush() reports the error at once, and that drops the socket.
            if (!tls)
                return;
            waiting = tls->bytesToWrite();
        } else {
            return;
        }
        // Every buffer is capped: a server that stops reading must not make us hold unbounded output.
        if (waiting > 4 * qMax<qint64>(config.maxXmppBufferSize, 65536))
            failLater(LinkFailure::ConnectionLost, {}, QStringLiteral("the server is not reading its input"));
    }

    void dropSocket()
    {
        attempt.stop();
        if (nego && nego->lookupId >= 0) {
            QHostInfo::abortHostLookup(nego->lookupId);
            nego->lookupId = -1;
        }
        // The socket may be in the middle of emitting one of its own signals (we can get here from
        // readyRead): never delete it synchronously.
        if (plain) {
            plain->setReceiver(nullptr);
            plain->abort();
            plain->deleteLater();
            plain = nullptr;
        }
        if (tls) {
            QObject::disconnect(tls, nullptr, q, nullptr);
            tls->abort();
            tls->deleteLater();
            tls = nullptr;
        }
    }

    /// Lets already written bytes (e.g. our own stream error or </stream:stream>) reach the server, then
    /// closes: the socket leaves the link and deletes itself once closed, or after kCloseGraceMs.
    void releaseSocket()
    {
        if (!connected()) {
            dropSocket();
            return;
        }
        // The grace period is a timer of the socket itself, not QTimer::singleShot(): a single-shot
        // timer object lives until it fires whatever became of its receiver, and thousands of them
        // (one per link of a logout wave) pinned the freed heap for seconds (docs/BENCHMARKS.md,
        // "Memory after logout: the last pins").
        if (plain) {
            PlainSocket *s = std::exchange(plain, nullptr);
            s->setReceiver(nullptr);
            QObject::connect(s, &PlainSocket::disconnected, s, &QObject::deleteLater);
            s->close();
            s->abortAfter(kCloseGraceMs); // then disconnected(): deleted
        } else {
            QSslSocket *s = std::exchange(tls, nullptr);
            QObject::disconnect(s, nullptr, q, nullptr);
            QObject::connect(s, &QAbstractSocket::disconnected, s, &QObject::deleteLater);
            // A child of the socket: deleted with it when the close ends first.
            auto *grace = new QTimer(s);
            grace->setSingleShot(true);
            QObject::connect(grace, &QTimer::timeout, s, &QObject::deleteLater);
            grace->start(kCloseGraceMs);
            s->disconnectFromHost();
        }
    }

    void fail(LinkFailure failure, const QByteArray &streamError, const QString &reason)
    {
        if (state == State::Done || state == State::Closing)
            return;
        qCDebug(lcXmpp) << "link to" << params.domain << "failed:" << reason;
        state = State::Done;
        deadline.stop();
        queue.clear();
        releaseSocket();
        nego.reset();
        QPointer<ServerLink> alive(q);
        if (q->m_listener)
            q->m_listener->linkFailed(failure, streamError, reason);
        if (alive)
            Q_EMIT q->failed(failure, streamError, reason);
    }

    void failLater(LinkFailure failure, const QByteArray &streamError, const QString &reason)
    {
        // Callers of open()/send() must never see a signal from inside their call.
        QMetaObject::invokeMethod(
            q, [this, failure, streamError, reason] { fail(failure, streamError, reason); },
            Qt::QueuedConnection);
    }

    /// The next target (RFC 6120 §3.2): its host name is looked up (A/AAAA) unless it is an address.
    void connectNext()
    {
        if (state != State::Connecting)
            return;
        dropSocket();
        Negotiation &n = negotiation();
        if (n.nextTarget >= n.targets.size()) {
            fail(LinkFailure::RemoteConnectionFailed, {},
                 QStringLiteral("could not connect to %1: %2").arg(params.domain, n.lastConnectError));
            return;
        }
        const Target target = n.targets.at(n.nextTarget++);
        directTls = target.directTls;
        proxyProtocolOut = target.proxyProtocolOut;
        n.tlsErrors.clear();
        headerReceived = false;
        reader.reset();
        n.port = target.port;
        peer = target.host.contains(u':') ? QString(u'[' + target.host + u"]:" + QString::number(target.port))
                                          : QString(target.host + u':' + QString::number(target.port));
        n.addresses.clear();
        n.nextAddress = 0;
        if (QHostAddress address; address.setAddress(target.host)) {
            n.addresses.append(address);
            connectNextAddress();
            return;
        }
        qCDebug(lcXmpp) << "looking up" << target.host << "for" << params.domain;
        n.lookupId = QHostInfo::lookupHost(target.host, q, [this](const QHostInfo &info) {
            if (!nego || info.lookupId() != nego->lookupId || state != State::Connecting)
                return;
            nego->lookupId = -1;
            if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
                nego->lastConnectError = peer + u": " + info.errorString();
                qCDebug(lcXmpp) << "lookup failed:" << nego->lastConnectError;
                connectNext();
                return;
            }
            nego->addresses = info.addresses();
            connectNextAddress();
        });
    }

    /// Tries the target's addresses in order, each for at most kConnectAttemptMs (as QAbstractSocket
    /// did), then moves on to the next target.
    void connectNextAddress()
    {
        Negotiation &n = negotiation();
        while (state == State::Connecting && n.nextAddress < n.addresses.size()) {
            const QHostAddress address = n.addresses.at(n.nextAddress++);
            int error = 0;
            plain = PlainSocket::connectTo(address, n.port, q, &error);
            if (!plain) {
                n.lastConnectError = peer + u": " + qt_error_string(error);
                continue;
            }
            qCDebug(lcXmpp) << "connecting to" << address << "port" << n.port << "for" << params.domain;
            plain->setReceiver(this);
            attempt.start(kConnectAttemptMs, q);
            return;
        }
        if (state == State::Connecting)
            connectNext();
    }

    // PlainSocket::Receiver: the plain socket's events.
    void socketConnected() override
    {
        attempt.stop();
        negotiation().addresses = {};
        qCDebug(lcXmpp) << "connected to" << peer << "for" << params.domain;
        if (proxyProtocolOut != ProxyProtocolVersion::None) {
            // The header precedes everything else on the connection (the PROXY protocol spec §2),
            // TLS included. The client's port is not named: a session outlives the HTTP
            // connections that carry it. The destination is the server as we reached it.
            plain->write(proxyProtocolHeader(proxyProtocolOut, params.clientAddress, 0, plain->peerAddress(),
                                             plain->peerPort()));
        }
        if (directTls) {
            // XEP-0368: TLS from the first byte (after the PROXY header, once the kernel took it):
            // socketBytesWritten() starts it when it had to wait.
            state = State::TlsHandshake;
            if (plain->bytesToWrite() == 0)
                startTls();
            return;
        }
        state = State::AwaitingFeatures;
        write(header(params.lang));
    }
    void socketReadyRead() override { onReadyRead(); }
    void socketBytesWritten(qint64) override
    {
        if (directTls && state == State::TlsHandshake && plain && plain->bytesToWrite() == 0)
            startTls();
    }
    void socketDisconnected() override { onPlainDisconnected(); }

    /// The attempt timer fired: this address does not answer; the next one is tried.
    void attemptTimedOut()
    {
        if (state != State::Connecting || !plain)
            return;
        negotiation().lastConnectError = peer + u": connection timed out";
        qCDebug(lcXmpp) << "connect failed:" << nego->lastConnectError;
        dropSocket();
        connectNextAddress();
    }

    /// The plain socket closed: a connect failed (errorOccurred() came just before, error() says why),
    /// the connection failed or was reset, or it ended after close(). One connection, to disconnected()
    /// alone, covers them all.
    void onPlainDisconnected()
    {
        const QString error = plain->error() != 0 ? plain->errorString() : QString();
        if (state == State::Connecting) {
            negotiation().lastConnectError =
                peer + u": " + (error.isEmpty() ? QStringLiteral("connection closed") : error);
            qCDebug(lcXmpp) << "connect failed:" << nego->lastConnectError;
            dropSocket();
            connectNextAddress();
            return;
        }
        dropSocket();
        onDisconnected(error);
    }

    /// A direct TLS target failed before its stream began (refused handshake, closed connection): the next
    /// target is tried, as for a failed connect (XEP-0368: fall back in order).
    void nextTargetAfter(const QString &why)
    {
        negotiation().lastConnectError = why;
        qCDebug(lcTls) << "direct TLS failed:" << why;
        dropSocket();
        state = State::Connecting;
        connectNext();
    }

    /// <proceed/> came (RFC 6120 §5.4.3.3), or a direct TLS target is connected (XEP-0368): the TLS layer
    /// starts on the same TCP connection. The descriptor goes from the plain socket to a QSslSocket, which
    /// verifies the certificate against the domain.
    void startTls()
    {
        if (!plain || plain->bytesToWrite() > 0) {
            // Nothing is written while <proceed/> is awaited: output still waiting would be lost.
            fail(LinkFailure::RemoteConnectionFailed, {}, QStringLiteral("STARTTLS with output pending"));
            return;
        }
        plain->setReceiver(nullptr);
        const qintptr descriptor = plain->takeDescriptor();
        plain->deleteLater(); // we are inside its readyRead()
        plain = nullptr;

        tls = new QSslSocket(q);
        // Unbuffered: bytes go straight between the kernel and our reader, and only what the kernel does
        // not take at once waits in Qt's write buffer, so an idle link keeps no buffer (a buffered
        // socket keeps a 16 KiB read and a 32 KiB write chunk once used). QSslSocket passes the mode to
        // its plain socket, which setUnbufferedDescriptor() makes hold for a descriptor given (before our
        // connections: it moves the socket through states of its own). The differences are handled here:
        // reads until 0 or -1 at each readyRead() (onReadyRead), a close after TLS reported by
        // RemoteHostClosedError alone (onTlsError), and no bytesWritten() for direct writes (not used:
        // backpressure reads bytesToWrite() after write()).
        if (descriptor < 0 || !setUnbufferedDescriptor(tls, descriptor)) {
            const QString why = descriptor < 0 ? QStringLiteral("no descriptor") : tls->errorString();
            tls->deleteLater();
            tls = nullptr;
            if (descriptor >= 0)
                ::close(int(descriptor)); // not taken: still ours
            fail(LinkFailure::RemoteConnectionFailed, {},
                 QStringLiteral("TLS with %1 failed: %2").arg(peer, why));
            return;
        }
        QSslConfiguration configuration = tls->sslConfiguration();
        configuration.setProtocol(QSsl::TlsV1_2OrLater);
        if (!resolver->extraCaCertificates().isEmpty())
            configuration.addCaCertificates(resolver->extraCaCertificates());
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (directTls) // XEP-0368 §3: the ALPN protocol of xmpps-client is "xmpp-client"
            configuration.setAllowedNextProtocols({QByteArrayLiteral("xmpp-client")});
        tls->setSslConfiguration(configuration);
        // RFC 6120 §13.7.2: the certificate must match the domain, not the host we connected to (also
        // the SNI name, which XEP-0368 §3 requires for direct TLS).
        tls->setPeerVerifyName(params.domain);
        QObject::connect(tls, &QAbstractSocket::errorOccurred, q,
                         [this](QAbstractSocket::SocketError error) { onTlsError(error); });
        QObject::connect(tls, &QSslSocket::sslErrors, q, [this](const QList<QSslError> &errors) {
            // Never ignored (STYLE.md): the handshake fails and errorOccurred follows.
            QStringList texts;
            for (const QSslError &e : errors)
                texts.append(e.errorString());
            negotiation().tlsErrors = texts.join(u"; ");
            qCWarning(lcTls) << "certificate of" << peer << "for" << params.domain
                             << "refused:" << nego->tlsErrors;
        });
        QObject::connect(tls, &QSslSocket::encrypted, q, [this] {
            if (state != State::TlsHandshake)
                return;
            qCDebug(lcTls) << "TLS established with" << peer << tls->sessionCipher().name();
            state = State::AwaitingTlsFeatures;
            headerReceived = false;
            write(header(params.lang)); // RFC 6120 §5.4.3.3: a new stream over TLS
        });
        QObject::connect(tls, &QIODevice::readyRead, q, [this] { onReadyRead(); });
        QObject::connect(tls, &QAbstractSocket::disconnected, q, [this] { onDisconnected(); });
        tls->startClientEncryption();
    }

    void onTlsError(QAbstractSocket::SocketError error)
    {
        if (state == State::TlsHandshake || error == QAbstractSocket::SslHandshakeFailedError) {
            const QString why =
                QStringLiteral("TLS with %1 failed: %2")
                    .arg(peer, !nego || nego->tlsErrors.isEmpty() ? tls->errorString() : nego->tlsErrors);
            if (state == State::TlsHandshake && directTls)
                nextTargetAfter(why);
            else
                fail(LinkFailure::RemoteConnectionFailed, {}, why);
            return;
        }
        if (error == QAbstractSocket::RemoteHostClosedError) {
            // Buffered, disconnected() follows at once and decides. Unbuffered and encrypted, Qt reports
            // the close with this error alone: once what is still decrypted has been read, it is the end.
            QMetaObject::invokeMethod(
                q,
                [this, closing = QPointer<QSslSocket>(tls)] {
                    if (closing && closing == tls)
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
             peer + u": " + tls->errorString());
    }

    /// The connection ended (`error`: why, when it was not an orderly close).
    void onDisconnected(const QString &error = {})
    {
        if (state == State::Closing) {
            finishClose();
            return;
        }
        if (state == State::TlsHandshake && directTls) {
            nextTargetAfter(peer + u": " +
                            (error.isEmpty() ? QStringLiteral("closed during the TLS handshake") : error));
            return;
        }
        fail(negotiating() ? LinkFailure::RemoteConnectionFailed : LinkFailure::ConnectionLost, {},
             error.isEmpty() ? QStringLiteral("%1 closed the connection without closing the stream").arg(peer)
                             : peer + u": " + error);
    }

    /// The server closed TCP under TLS (or reset it). What it sent before is handled first; then the link
    /// ends as on disconnected(): an end of the close handshake, or a loss.
    void peerClosed()
    {
        if (!tls || state == State::Done)
            return;
        QPointer<ServerLink> alive(q);
        QSslSocket *closing = tls;
        if (tls->bytesAvailable() > 0)
            onReadyRead();
        if (!alive || tls != closing || state == State::Done)
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

    /// What one read from the current socket found: the plain socket reads the kernel; over TLS the
    /// unbuffered QSslSocket reads what it decrypted (a short read means it has nothing more now).
    PlainSocket::Input readSome()
    {
        if (plain)
            return plain->read(kReadChunk);
        PlainSocket::Input in;
        std::array<char, kReadChunk> buffer;
        const qint64 got = tls->read(buffer.data(), qint64(buffer.size()));
        if (got < 0) {
            in.closed = true;
            return in;
        }
        in.data = QByteArray(buffer.data(), qsizetype(got));
        in.drained = got < qint64(buffer.size());
        return in;
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
        // Neither socket buffers input (see startTls()): each readyRead() must be answered by reads until
        // the kernel (or, over TLS, the socket's decrypted buffer) has nothing more, or the peer has
        // closed; what comes later raises readyRead() again.
        while ((plain || tls) && state != State::Done) {
            const PlainSocket::Input in = readSome();
            if (!in.data.isEmpty()) {
                events.clear();
                reader.feed(in.data, events);
                for (const StanzaReader::Event &event : std::as_const(events)) {
                    handle(event);
                    // A slot may have closed or deleted us; at <proceed/> the socket changed.
                    if (!alive || state == State::Done || state == State::TlsHandshake)
                        return;
                }
            }
            if (in.closed) { // the end of the stream: what came before it has been handled
                const QString error = plain && plain->error() != 0 ? plain->errorString() : QString();
                dropSocket();
                onDisconnected(error);
                return;
            }
            if (in.drained)
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
                emitOpened();
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
                releaseSocket();
                QPointer<ServerLink> alive(q);
                if (q->m_listener)
                    q->m_listener->linkClosed();
                if (alive)
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
            if (!(tls && tls->isEncrypted()) &&
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
                startTls();
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
            emitElement(event.xml);
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
        nego.reset();
        QPointer<ServerLink> alive(q);
        emitOpened();
        if (!alive || state != State::Open)
            return;
        emitElement(features);
        if (!alive || state != State::Open || queue.isEmpty())
            return;
        write(std::exchange(queue, {}));
    }

    /// The listener, then the signal (unless the listener deleted the link).
    void emitOpened()
    {
        QPointer<ServerLink> alive(q);
        if (q->m_listener)
            q->m_listener->linkOpened(q->m_header);
        if (alive)
            Q_EMIT q->streamOpened(q->m_header);
    }
    void emitElement(const QByteArray &xml)
    {
        QPointer<ServerLink> alive(q);
        if (q->m_listener)
            q->m_listener->linkElement(xml);
        if (alive)
            Q_EMIT q->elementReceived(xml);
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
    } else if (id == d->attempt.timerId()) {
        d->attempt.stop();
        d->attemptTimedOut();
    } else if (id == d->closeGrace.timerId()) {
        d->closeGrace.stop();
        d->finishClose();
    } else if (id == d->drainDeadline.timerId()) {
        d->drainDeadline.stop();
        if (d->drainId.isEmpty())
            return;
        qCDebug(lcXmpp) << "no answer to the drain ping from" << d->peer << "; closing";
        d->drainId.clear();
        close();
    } else if (id == d->retireDeadline.timerId()) {
        d->retireDeadline.stop();
        deleteLater();
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
        d->negotiation().targets = {*params.route};
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
        d->negotiation().targets = std::move(targets);
        d->state = Private::State::Connecting;
        d->connectNext();
    });
}

void ServerLink::restart(const QString &lang, const StreamAttributes &extra)
{
    if (d->state != Private::State::Open)
        return;
    // RFC 6120 §6.4.6: after SASL success both sides start a new stream, without closing the old one.
    d->state = Private::State::Restarting;
    d->restarted = true;
    d->readDeadline.start(qMax(1, d->config.serverReadTimeout) * 1000, this);
    d->reader.reset();
    d->write(d->header(lang.isEmpty() ? d->params.lang : lang, extra));
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
    // Still connecting, or a direct TLS target whose handshake has not begun (the PROXY header still
    // going out): there is no stream to close yet.
    if (!d->connected() || d->state == State::Connecting || (d->state == State::TlsHandshake && d->plain)) {
        d->state = State::Done;
        d->dropSocket();
        return;
    }
    // RFC 6120 §4.4: close our stream, let the bytes go out, then end TCP (no signals after close()).
    d->state = State::Closing;
    d->closeGrace.start(kCloseGraceMs, this);
    if (d->plain) {
        d->plain->write("</stream:stream>");
        d->plain->close(); // disconnected() follows once the bytes are out: finishClose()
    } else {
        d->tls->write("</stream:stream>");
        d->tls->disconnectFromHost();
    }
}

void ServerLink::cut()
{
    d->failLater(LinkFailure::ConnectionLost, {}, QStringLiteral("the connection was cut on demand"));
}

void ServerLink::retire(QObject *graveyard, std::function<void(const QByteArray &)> undeliverable)
{
    disconnect(); // no more signals to the stream that owned us
    m_listener = nullptr;
    setParent(graveyard);
    d->retired = true;
    // Gone as soon as the close handshake ends (finishClose), and within the grace periods whatever
    // the server does (drain, then the close handshake).
    // Timers of the link itself, not QTimer::singleShot(): a single-shot timer object outlives its
    // receiver until it fires, so thousands of retired links left thousands of them (and their
    // dispatcher entries) scattered over the freed heap, pinning its pages past the heap trim
    // (docs/BENCHMARKS.md, "Memory after logout: what pinned it").
    constexpr int kDrainMs = 3000;
    d->retireDeadline.start(kDrainMs + kCloseGraceMs + 500, this);
    if (d->state != Private::State::Open || !d->restarted || (!d->plain && !d->tls)) {
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
    d->drainDeadline.start(kDrainMs, this);
}

bool ServerLink::isOpen() const
{
    return d->state == Private::State::Open || d->state == Private::State::Restarting;
}

bool ServerLink::isEncrypted() const
{
    return d->tls && d->tls->isEncrypted();
}

QString ServerLink::peerDescription() const
{
    return d->peer;
}

} // namespace Switchboard::Xmpp
