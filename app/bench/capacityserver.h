// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <atomic>
#include <memory>

namespace Switchboard::Bench {

/// A CAPACITY BENCHMARK BACKEND, NOT AN XMPP SERVER: plays just enough of an XMPP server's client side
/// (RFC 6120 without TLS) for switchboard-bench's capacity mode to load Switchboard until Switchboard,
/// not the server behind it, is what saturates. It must cost far less per stanza than Switchboard, so it
/// does almost nothing an XMPP server must do:
/// - any stream `to` is its domain; SASL PLAIN (RFC 4616) accepts every username and password;
/// - resource binding (RFC 6120 §7) grants any resource (a taken one gets a suffix); session
///   establishment (RFC 3921 §3) is offered as optional and answered when asked;
/// - `<message>` and `<iq>` addressed to a bound full JID are passed to it with `from` stamped
///   (RFC 6120 §8.1.2.1); a message or request to anyone else is answered with service-unavailable,
///   a ping (XEP-0199) to the server with a result; presence is not broadcast (no rosters);
/// - stanzas are found by StanzaScanner (element boundaries only, no parse into a tree); nothing is
///   validated beyond what routing needs.
/// Use it to measure a connection manager's capacity, never to test XMPP behaviour: a client that
/// works against it may fail against a real server.
///
/// One thread: run() serves on a Linux epoll loop of its own (no Qt event loop) until stop(), which
/// any thread (or a signal handler) may call. counters() may be read from any thread.
class CapacityServer
{
public:
    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 0;                   ///< 0: any free port (see port())
        qsizetype maxStanza = 1 << 20;      ///< bytes of one top-level element
        qsizetype maxOutput = 64 << 20;     ///< bytes queued for one connection that does not read
        int maxConnections = 200000;        ///< more are closed as soon as accepted
        int negotiationTimeoutSeconds = 60; ///< from accept to a bound resource
    };
    struct Counters
    {
        std::atomic<quint64> accepted{0};
        std::atomic<quint64> authenticated{0};
        std::atomic<quint64> bound{0};
        std::atomic<quint64> routed{0};   ///< stanzas passed to a bound full JID
        std::atomic<quint64> answered{0}; ///< errors, pings and session requests answered by the server
        std::atomic<quint64> closed{0};
    };

    explicit CapacityServer(const Options &options);
    ~CapacityServer();
    CapacityServer(const CapacityServer &) = delete;
    CapacityServer &operator=(const CapacityServer &) = delete;

    /// Binds and listens; false with `error` set when it cannot.
    bool listen(QString *error);
    quint16 port() const;
    /// Serves until stop(); closes every connection before it returns.
    void run();
    /// Makes run() return. Async-signal-safe (one write(2) on an eventfd).
    void stop();
    const Counters &counters() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Switchboard::Bench
