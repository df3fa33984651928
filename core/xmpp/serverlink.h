// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "xmpp/resolver.h"
#include "xmpp/stanzareader.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>

#include <functional>

class QSslSocket;
class QTimer;

namespace Switchboard::Xmpp {

/// Why a link ended without the server closing its stream.
enum class LinkFailure {
    HostUnknown,            ///< the domain is not allowed or not resolvable
    RemoteConnectionFailed, ///< nothing reachable, connection refused, TLS failed, negotiation timed out
    RemoteStreamError,      ///< the server sent <stream:error/> or a not-well-formed stream
    ConnectionLost,         ///< the TCP connection closed without </stream:stream>
};

/// Attributes added to a stream header, in order (name, value): a client's own, from node-xmpp-bosh's
/// `stream_attrs` (docs/COMPATIBILITY.md).
using StreamAttributes = QList<QPair<QString, QString>>;

/// The connection manager's XMPP connection to the server for one client stream (RFC 6120 as seen by
/// a client). Resolves, connects (trying each target), opens the stream, does STARTTLS itself when the
/// server offers it (verifying the certificate against the domain; plain only for noTlsDomains), and
/// then passes stanzas both ways. Stream features after TLS are handed up as an ordinary element, so
/// the client negotiates SASL and bind itself. Knows nothing about HTTP.
///
/// A target with direct TLS (XEP-0368: `_xmpps-client` records, routes with `tls=direct`) speaks TLS from
/// the first byte, with ALPN "xmpp-client" and SNI set to the domain, verified as for STARTTLS; when its
/// connection or handshake fails, the next target is tried. A target with a PROXY protocol header (a
/// route's `proxy_protocol_out`) gets it first, before TLS or the stream header.
///
/// The connection runs on a PlainSocket (the raw descriptor, no Qt socket object) while it is plain
/// text: for the whole life of a link allowed without TLS, and up to <proceed/> for one that does
/// STARTTLS, which then hands the descriptor to a QSslSocket (unbuffered, as the plain socket is).
///
/// Lives in the thread that created it. Signals fire from the event loop, never from inside a call.
/// What they say also goes to one Listener (setListener()), called just before each signal: the owner
/// of a link that lives as long as its session hears of it without four signal connections (about
/// 0.6 KB per link).
class ServerLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerLink)
public:
    /// Hears what the signals say, by a virtual call made just before each signal, under the same
    /// rules (from the event loop, never from inside a call to the link). The link may be deleted
    /// (deleteLater) or retired from inside a call; the listener itself too, after setListener(nullptr).
    class Listener
    {
    public:
        virtual void linkOpened(const StreamHeader &header) = 0; ///< before streamOpened()
        virtual void linkElement(const QByteArray &xml) = 0;     ///< before elementReceived()
        virtual void linkClosed() = 0;                           ///< before streamClosed()
        virtual void linkFailed(LinkFailure failure, const QByteArray &streamErrorXml,
                                const QString &reason) = 0; ///< before failed()

    protected:
        ~Listener() = default;
    };
    struct Params
    {
        QString domain;              ///< the `to` of the client stream
        QString lang;                ///< xml:lang for the stream header (may be empty)
        QString from;                ///< optional `from` for the stream header
        std::optional<Target> route; ///< a checked client `route`, overrides routes and DNS
        /// The client's address, named in the PROXY protocol header of a target that wants one (null:
        /// unknown, and the header says so)
        QHostAddress clientAddress;
    };

    /// `config` must outlive the link. Without a resolver the link makes its own.
    ServerLink(const Config &config, Resolver *resolver, QObject *parent = nullptr);
    /// The link keeps a reference to the config: a temporary would dangle.
    ServerLink(Config &&config, Resolver *resolver, QObject *parent = nullptr) = delete;
    ~ServerLink() override;

    /// Starts resolve + connect + stream open (+ STARTTLS). streamOpened() follows on success,
    /// failed() otherwise, within Config::connectTimeout seconds.
    void open(const Params &params);
    /// Sends a new stream header (after SASL success; RFC 6120 §6.4.6). `lang` may be empty. `extra`
    /// attributes go on that header after the link's own; the caller has checked their names (no
    /// prefix, none of the link's own) — values are escaped here.
    void restart(const QString &lang = {}, const StreamAttributes &extra = {});
    /// Sends stanza bytes as they are (they must be complete elements in jabber:client).
    /// Before the stream is open, bytes are queued and flushed after the (re)start.
    void send(const QByteArray &xml);
    /// Sends </stream:stream> and closes once written (or after a short grace period).
    void close();
    /// Drops the connection without closing the stream, and reports LinkFailure::ConnectionLost from
    /// the event loop, as when the server crashes (the workbench's fault). Nothing once closed or failed.
    void cut();
    /// Ends the link of a client that is gone without losing what the server already sent (XEP-0206 §7,
    /// RFC 6120 §8.3): stops every signal, moves under `graveyard` (which must outlive the grace period),
    /// and, when the stream is open after a restart (authenticated), sends an XEP-0199 ping to the
    /// server and bounces each stanza that arrives before the ping's answer (everything the server
    /// routed to us before it saw the ping), calling `undeliverable` with it; then closes the stream and
    /// deletes itself. Bounded by a few seconds. Otherwise it closes at once.
    void retire(QObject *graveyard, std::function<void(const QByteArray &)> undeliverable = {});
    /// The one listener (null: none). retire() clears it, as it disconnects the signals.
    void setListener(Listener *listener) { m_listener = listener; }

    bool isOpen() const;
    bool isEncrypted() const;
    QString peerDescription() const; ///< "host:port" of the server, once connected
    const StreamHeader &streamHeader() const { return m_header; }

Q_SIGNALS:
    /// The server answered our stream header (after STARTTLS if any). Emitted again after restart().
    void streamOpened(const Xmpp::StreamHeader &header);
    /// One complete, standalone top-level element (stanza, stream:features...). Not stream:error.
    void elementReceived(const QByteArray &xml);
    /// The server ended the stream with </stream:stream>.
    void streamClosed();
    /// The link failed. `streamErrorXml` holds the server's <stream:error> element for RemoteStreamError.
    void failed(Xmpp::LinkFailure failure, const QByteArray &streamErrorXml, const QString &reason);

protected:
    /// The link's deadlines (QBasicTimer: no QObject and no connection per timer).
    void timerEvent(QTimerEvent *event) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
    Listener *m_listener = nullptr;
    StreamHeader m_header;
};

} // namespace Switchboard::Xmpp
