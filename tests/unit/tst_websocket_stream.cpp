// SPDX-License-Identifier: GPL-3.0-or-later
// Proves the rules of one XMPP-over-WebSocket stream (RFC 7395) without a network: the client side is a
// recording Channel, the server side a recording Upstream, time a number the test moves. Stream opening
// and restart after SASL, <close/> from either side, stream errors, keepalive pings, the idle limit, the
// deadline for the first <open/>, and the cap on what waits for a client that does not read.
#include "monitor/hub.h"
#include "stream/streamregistry.h"
#include "websocket/channel.h"
#include "websocket/websocketstream.h"

#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using Stream::Condition;
using WebSocket::WebSocketStream;

namespace {

struct FakeChannel final : WebSocket::Channel
{
    QList<QByteArray> sent;
    QByteArray queued; ///< sent but not flushed
    int pings = 0;
    bool closed = false;
    bool aborted = false;
    qint64 stuck = 0;  ///< bytes the client does not read: they stay in the backlog
    qint64 onWire = 0; ///< every frame's bytes so far, control frames included
    bool reading = true;
    void sendText(const QByteArray &utf8) override
    {
        sent.append(utf8);
        put(utf8.size() + 4); // a frame header's worth more on the wire
    }
    /// A frame the channel sends on its own, as a Pong.
    void sendControl(qint64 bytes) { put(bytes); }
    /// The client reads `bytes` of what waits.
    void clientReads(qint64 bytes) { stuck -= qMin(bytes, stuck); }
    void put(qint64 bytes)
    {
        onWire += bytes;
        if (!reading)
            stuck += bytes;
    }
    void flush() override {}
    void ping() override { ++pings; }
    void close() override { closed = true; }
    void abort() override { aborted = true; }
    qint64 backlog() const override { return stuck; }
    qint64 written() const override { return onWire; }
};

/// What the server side was asked to do; outlives the upstream, which the stream deletes once closed.
struct UpstreamLog
{
    QStringList calls;
    QList<QByteArray> sent;
    Stream::Upstream::OpenParams params;
};

struct FakeUpstream final : Stream::Upstream
{
    explicit FakeUpstream(UpstreamLog *log) : log(log) {}
    UpstreamLog *log;
    void open(const OpenParams &p) override
    {
        log->params = p;
        log->calls << QStringLiteral("open");
    }
    void restart(const QString &lang, const Xmpp::StreamAttributes &) override
    {
        log->calls << (QStringLiteral("restart:") + lang);
    }
    void send(const QByteArray &xml) override { log->sent << xml; }
    void close() override { log->calls << QStringLiteral("close"); }
    bool isEncrypted() const override { return false; }
    QString peer() const override { return QStringLiteral("127.0.0.1:5222"); }
};

const QByteArray kOpen = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0' "
                         "xml:lang='en'/>";
const QByteArray kMessage =
    "<message xmlns='jabber:client' to='bob@example.com' id='m1'><body>hi</body></message>";

struct Fixture
{
    Config config;
    qint64 now = 1000000;
    Monitor::Hub hub;
    Stream::StreamRegistry registry;
    FakeChannel *channel = nullptr;
    UpstreamLog log;
    UpstreamLog *upstream = &log;
    int upstreamsMade = 0;
    std::unique_ptr<WebSocketStream> stream;

    Fixture()
    {
        config.connectTimeout = 15;
        config.wsPingInterval = 30;
        config.wsIdleTimeout = 300;
    }

    void make()
    {
        WebSocketStream::Context context;
        context.client.id = QStringLiteral("ws-1");
        context.client.transport = Monitor::Transport::WebSocket;
        context.registry = &registry;
        stream = std::make_unique<WebSocketStream>(
            config, context,
            [this](WebSocketStream *) {
                auto made = std::make_unique<FakeChannel>();
                channel = made.get();
                return made;
            },
            [this](Stream::ClientStream *, const QString &) {
                ++upstreamsMade;
                return std::make_unique<FakeUpstream>(&log);
            },
            [this] { return now; }, &hub);
    }

    /// The client opens the stream and the server answers.
    void open()
    {
        make();
        stream->onText(kOpen);
        Xmpp::StreamHeader header;
        header.id = QStringLiteral("s1");
        header.from = QStringLiteral("example.com");
        header.version = QStringLiteral("1.0");
        stream->upstreamOpened(stream->id(), header);
    }

    QByteArray lastSent() const { return channel->sent.isEmpty() ? QByteArray() : channel->sent.last(); }
    bool sentContains(QByteArrayView needle) const
    {
        for (const QByteArray &s : channel->sent) {
            if (s.contains(needle))
                return true;
        }
        return false;
    }
};

} // namespace

class tst_WebSocketStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void openStartsTheServerStream();
    void stanzasPassBothWays();
    void restartAfterSaslIsANewOpen();
    void restartToAnotherDomainIsHostUnknown();
    void clientCloseEndsEverything();
    void serverCloseIsForwarded();
    void serverFailureBecomesAStreamError_data();
    void serverFailureBecomesAStreamError();
    void stanzaBeforeOpenIsNotAuthorized();
    void pingWhenQuiet();
    void pongsKeepItAliveUntilIdleLimit();
    void noOpenWithinConnectTimeout();
    void drainRedirectsNewStreams();
    void terminateWithConditionAndSeeOtherUri();
    void clientThatDoesNotReadIsCutOff();
    void controlFramesDoNotHideADelivery();

    // --- the pre-RFC 7395 draft framing (ws_legacy_framing) ---
    void draftStreamIsAnsweredInKind();
    void draftRestartAndSeveralStanzasInOneMessage();
    void draftOpenWithOptionOffIsNotWellFormed();
    void rfc7395OpenWithOptionOnIsUnchanged();
    void draftMessageEndingInsideAStanzaIsNotWellFormed();
    void draftErrorBeforeOpenSendsHeaderFirst();
    void draftDtdAndUndefinedEntitiesAreRefused();
    void draftStreamErrorFromServerEndsWithStreamClose();
};

void tst_WebSocketStream::openStartsTheServerStream()
{
    Fixture f;
    f.make();
    QCOMPARE(f.upstreamsMade, 0); // nothing before the client's <open/>
    f.stream->onText(kOpen);
    QCOMPARE(f.upstreamsMade, 1);
    QCOMPARE(f.upstream->calls, QStringList{QStringLiteral("open")});
    QCOMPARE(f.upstream->params.domain, QStringLiteral("example.com"));
    QCOMPARE(f.upstream->params.lang, QStringLiteral("en"));
    QVERIFY(f.channel->sent.isEmpty()); // the answer waits for the server
    Xmpp::StreamHeader header;
    header.id = QStringLiteral("s1");
    header.from = QStringLiteral("example.com");
    header.version = QStringLiteral("1.0");
    f.stream->upstreamOpened(f.stream->id(), header);
    // RFC 7395 §3.4: the answer is an <open/> in the framing namespace, with the server's id.
    QVERIFY(f.lastSent().startsWith("<open"));
    QVERIFY(f.lastSent().contains("urn:ietf:params:xml:ns:xmpp-framing"));
    QVERIFY(f.lastSent().contains("s1"));
    QCOMPARE(f.hub.sessionCount(), 1);
}

void tst_WebSocketStream::stanzasPassBothWays()
{
    Fixture f;
    f.open();
    f.stream->onText(kMessage);
    QCOMPARE(f.upstream->sent, QList<QByteArray>{kMessage});
    f.stream->upstreamElement(f.stream->id(), kMessage);
    QCOMPARE(f.lastSent(), kMessage);
    QCOMPARE(f.hub.sessionCounters(f.stream->id()).stanzasToServer, 1u);
    QCOMPARE(f.hub.sessionCounters(f.stream->id()).stanzasToClient, 1u);
}

void tst_WebSocketStream::restartAfterSaslIsANewOpen()
{
    Fixture f;
    f.open();
    f.stream->upstreamElement(f.stream->id(),
                              "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"); // SASL done
    // RFC 7395 §3.7: the client restarts with a new <open/>; the server stream restarts, no new link.
    f.stream->onText(kOpen);
    QCOMPARE(f.upstreamsMade, 1);
    QCOMPARE(f.upstream->calls, (QStringList{QStringLiteral("open"), QStringLiteral("restart:en")}));
    const int before = int(f.channel->sent.size());
    Xmpp::StreamHeader header;
    header.id = QStringLiteral("s2");
    f.stream->upstreamOpened(f.stream->id(), header);
    QCOMPARE(f.channel->sent.size(), before + 1);
    QVERIFY(f.lastSent().startsWith("<open") && f.lastSent().contains("s2"));
}

void tst_WebSocketStream::restartToAnotherDomainIsHostUnknown()
{
    Fixture f;
    f.open();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    QByteArray other = kOpen;
    other.replace("example.com", "elsewhere.example");
    f.stream->onText(other);
    QVERIFY(f.sentContains("<host-unknown"));
    QVERIFY(f.lastSent().startsWith("<close"));
    QVERIFY(f.channel->closed);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::HostUnknown);
}

void tst_WebSocketStream::clientCloseEndsEverything()
{
    Fixture f;
    f.open();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    f.stream->onText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    // RFC 7395 §3.6: the server stream is closed, <close/> answers, then the WebSocket closes.
    QCOMPARE(f.upstream->calls.last(), QStringLiteral("close"));
    QVERIFY(f.lastSent().startsWith("<close"));
    QVERIFY(f.channel->closed);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::None);
    QCOMPARE(f.hub.sessionCount(), 0);
    // Nothing more goes out after the end.
    const int sent = int(f.channel->sent.size());
    f.stream->onText(kMessage);
    QCOMPARE(f.channel->sent.size(), sent);
}

void tst_WebSocketStream::serverCloseIsForwarded()
{
    Fixture f;
    f.open();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    f.stream->upstreamElement(f.stream->id(), kMessage);
    f.stream->upstreamClosed(f.stream->id());
    // What came before the close is delivered first, then <close/>.
    QCOMPARE(f.channel->sent.at(f.channel->sent.size() - 2), kMessage);
    QVERIFY(f.lastSent().startsWith("<close"));
    QVERIFY(f.channel->closed);
    QCOMPARE(finished.size(), 1);
}

void tst_WebSocketStream::serverFailureBecomesAStreamError_data()
{
    QTest::addColumn<int>("failure");
    QTest::addColumn<QByteArray>("serverError");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<Condition>("condition");
    const QByteArray conflict = "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict "
                                "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
    QTest::newRow("the server's own error") << int(Xmpp::LinkFailure::RemoteStreamError) << conflict
                                            << QByteArray("<conflict") << Condition::RemoteStreamError;
    QTest::newRow("an error we may not repeat (before TLS)")
        << int(Xmpp::LinkFailure::RemoteStreamError) << QByteArray() << QByteArray("<undefined-condition")
        << Condition::RemoteStreamError;
    QTest::newRow("unreachable") << int(Xmpp::LinkFailure::RemoteConnectionFailed) << QByteArray()
                                 << QByteArray("<remote-connection-failed")
                                 << Condition::RemoteConnectionFailed;
    QTest::newRow("lost") << int(Xmpp::LinkFailure::ConnectionLost) << QByteArray()
                          << QByteArray("<remote-connection-failed") << Condition::RemoteConnectionFailed;
    QTest::newRow("unknown domain") << int(Xmpp::LinkFailure::HostUnknown) << QByteArray()
                                    << QByteArray("<host-unknown") << Condition::HostUnknown;
}

void tst_WebSocketStream::serverFailureBecomesAStreamError()
{
    QFETCH(int, failure);
    QFETCH(QByteArray, serverError);
    QFETCH(QByteArray, expected);
    QFETCH(Condition, condition);
    Fixture f;
    f.open();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    f.stream->upstreamFailed(f.stream->id(), Xmpp::LinkFailure(failure), serverError);
    QVERIFY2(f.sentContains(expected), f.channel->sent.join('\n').constData());
    QVERIFY(f.lastSent().startsWith("<close"));
    QVERIFY(f.channel->closed);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), condition);
}

void tst_WebSocketStream::stanzaBeforeOpenIsNotAuthorized()
{
    Fixture f;
    f.make();
    f.stream->onText(kMessage);
    QVERIFY(f.sentContains("<not-authorized"));
    QCOMPARE(f.upstreamsMade, 0);
    QVERIFY(f.stream->isFinished());
}

void tst_WebSocketStream::pingWhenQuiet()
{
    Fixture f;
    f.open();
    f.stream->checkTimers(); // notes the activity of the opening
    f.now += 29000;
    f.stream->checkTimers();
    QCOMPARE(f.channel->pings, 0);
    f.now += 1000; // quiet for ws_ping_interval
    f.stream->checkTimers();
    QCOMPARE(f.channel->pings, 1);
    f.now += 1000;
    f.stream->checkTimers();
    QCOMPARE(f.channel->pings, 1); // not again before another interval
    f.now += 30000;
    f.stream->checkTimers();
    QCOMPARE(f.channel->pings, 2);
    // A stanza from the client counts as activity: no ping for a while after it.
    f.stream->onText(kMessage);
    f.stream->checkTimers();
    f.now += 29000;
    f.stream->checkTimers();
    QCOMPARE(f.channel->pings, 2);
}

void tst_WebSocketStream::pongsKeepItAliveUntilIdleLimit()
{
    Fixture f;
    f.open();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    f.stream->checkTimers();
    for (int i = 0; i < 20; ++i) { // 20 × 30 s, far beyond ws_idle_timeout, answered every time
        f.now += 30000;
        f.stream->checkTimers();
        f.stream->onPong();
    }
    QCOMPARE(finished.size(), 0);
    // Silence, pongs included, for ws_idle_timeout: connection-timeout.
    f.stream->checkTimers();
    f.now += 300000;
    f.stream->checkTimers();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::ConnectionTimeout);
    QVERIFY(f.sentContains("<connection-timeout"));
}

void tst_WebSocketStream::noOpenWithinConnectTimeout()
{
    Fixture f;
    f.make();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    // Pongs do not count as opening a stream.
    for (int i = 0; i < 14; ++i) {
        f.now += 1000;
        f.stream->onPong();
        f.stream->checkTimers();
    }
    QCOMPARE(finished.size(), 0);
    f.now += 1000; // connect_timeout (15 s) after the start
    f.stream->checkTimers();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::ConnectionTimeout);
    QVERIFY(f.channel->closed);

    // Once opened in time, the deadline no longer applies.
    Fixture g;
    g.open();
    g.now += 60000;
    g.stream->checkTimers();
    QVERIFY(!g.stream->isFinished());
}

void tst_WebSocketStream::drainRedirectsNewStreams()
{
    Fixture f;
    f.registry.setDraining(true, QStringLiteral("wss://other.example/xmpp-websocket"));
    f.make();
    f.stream->onText(kOpen);
    QCOMPARE(f.upstreamsMade, 0);
    QVERIFY(f.lastSent().startsWith("<close"));
    QVERIFY(f.lastSent().contains("see-other-uri='wss://other.example/xmpp-websocket'"));

    Fixture g;
    g.registry.setDraining(true);
    g.make();
    g.stream->onText(kOpen);
    QVERIFY(g.sentContains("<system-shutdown"));
}

void tst_WebSocketStream::terminateWithConditionAndSeeOtherUri()
{
    Fixture f;
    f.open();
    f.stream->terminate(Condition::PolicyViolation);
    QVERIFY(f.sentContains("<policy-violation"));
    QCOMPARE(f.upstream->calls.last(), QStringLiteral("close"));

    Fixture g;
    g.open();
    g.stream->terminate(Condition::SeeOtherUri, QStringLiteral("wss://b.example/ws"));
    QVERIFY(g.lastSent().contains("see-other-uri='wss://b.example/ws'"));
    QVERIFY(g.channel->closed);
}

void tst_WebSocketStream::clientThatDoesNotReadIsCutOff()
{
    Fixture f;
    f.config.maxClientBacklog = 16384;
    f.open();
    f.channel->reading = false;
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    QSignalSpy noClient(&f.hub, &Monitor::Hub::noClient);
    const QByteArray big = "<message xmlns='jabber:client' from='bob@example.com/x' to='a@example.com/r' "
                           "type='chat' id='c'><body>" +
                           QByteArray(3000, 'x') + "</body></message>";
    int sent = 0;
    while (!f.stream->isFinished() && sent < 100) {
        f.stream->upstreamElement(f.stream->id(), big);
        ++sent;
    }
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::PolicyViolation);
    QVERIFY(f.channel->aborted);
    // Nothing the client did not get is dropped silently: each goes back to its sender.
    QCOMPARE(noClient.size(), sent);
    int bounces = 0;
    for (const QByteArray &xml : std::as_const(f.upstream->sent))
        bounces += xml.contains("type='error'") || xml.contains("type=\"error\"");
    QCOMPARE(bounces, sent);
}

void tst_WebSocketStream::controlFramesDoNotHideADelivery()
{
    // A stanza, then a Pong the channel queues on its own behind it; the client reads the stanza but
    // not the Pong. The stanza was delivered: when the stream is cut off later, it is not bounced.
    Fixture f;
    f.config.maxClientBacklog = 16384;
    f.open();
    f.channel->reading = false;
    QSignalSpy noClient(&f.hub, &Monitor::Hub::noClient);
    const auto message = [](int i) -> QByteArray {
        return "<message xmlns='jabber:client' from='bob@example.com/x' to='a@example.com/r' type='chat' "
               "id='m" +
               QByteArray::number(i) + "'><body>" + QByteArray(3000, 'x') + "</body></message>";
    };
    f.stream->upstreamElement(f.stream->id(), message(0));
    const qint64 first = f.channel->stuck;
    f.channel->sendControl(127); // RFC 6455 §5.5.3: a Pong with 125 bytes of application data
    f.channel->clientReads(first);
    f.stream->onBytesWritten();
    int sent = 1;
    while (!f.stream->isFinished() && sent < 100)
        f.stream->upstreamElement(f.stream->id(), message(sent++));
    QVERIFY(f.stream->isFinished());
    QVERIFY(f.channel->aborted);
    // Every stanza but the first went back to its sender, the first did not.
    QCOMPARE(noClient.size(), sent - 1);
    for (const QList<QVariant> &args : std::as_const(noClient))
        QVERIFY2(!args.at(2).toByteArray().contains("id='m0'"), args.at(2).toByteArray().constData());
}

namespace {
// draft-moffitt-xmpp-over-websocket-00: an unclosed stream header in a message of its own.
const QByteArray kDraftOpen = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                              "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' "
                              "version='1.0' xml:lang='en'>";

Xmpp::StreamHeader serverHeader(const QString &id)
{
    Xmpp::StreamHeader header;
    header.id = id;
    header.from = QStringLiteral("example.com");
    header.version = QStringLiteral("1.0");
    return header;
}
} // namespace

void tst_WebSocketStream::draftStreamIsAnsweredInKind()
{
    Fixture f;
    f.config.wsLegacyFraming = true;
    f.make();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    f.stream->onText(kDraftOpen);
    QCOMPARE(f.upstream->calls, QStringList{QStringLiteral("open")});
    QCOMPARE(f.upstream->params.domain, QStringLiteral("example.com"));
    QCOMPARE(f.upstream->params.lang, QStringLiteral("en"));
    f.stream->upstreamOpened(f.stream->id(), serverHeader(QStringLiteral("s1")));
    // Answered with an unclosed stream header, not <open/>.
    QVERIFY2(f.lastSent().startsWith("<stream:stream xmlns='jabber:client' "
                                     "xmlns:stream='http://etherx.jabber.org/streams'"),
             f.lastSent().constData());
    QVERIFY(f.lastSent().contains("id='s1'"));
    QVERIFY(f.lastSent().endsWith("'>"));
    // Stanzas inherit jabber:client from the stream; the server link gets it said.
    f.stream->onText("<message to='bob@example.com' id='m1'><body>hi</body></message>");
    QCOMPARE(f.upstream->sent.size(), 1);
    QVERIFY2(f.upstream->sent.first().startsWith("<message xmlns='jabber:client'"),
             f.upstream->sent.first().constData());
    f.stream->upstreamElement(f.stream->id(), kMessage);
    QCOMPARE(f.lastSent(), kMessage);
    // </stream:stream> alone ends it, answered the same way.
    f.stream->onText("</stream:stream>");
    QCOMPARE(f.lastSent(), QByteArray("</stream:stream>"));
    QVERIFY(!f.sentContains("<close"));
    QVERIFY(f.channel->closed);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::None);
    QCOMPARE(f.upstream->calls.last(), QStringLiteral("close"));
}

void tst_WebSocketStream::draftRestartAndSeveralStanzasInOneMessage()
{
    Fixture f;
    f.config.wsLegacyFraming = true;
    f.make();
    f.stream->onText(kDraftOpen);
    f.stream->upstreamOpened(f.stream->id(), serverHeader(QStringLiteral("s1")));
    f.stream->upstreamElement(f.stream->id(), "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    // A new header after SASL restarts the server stream (RFC 6120 §4.3.3), on the same link.
    f.stream->onText(kDraftOpen);
    QCOMPARE(f.upstreamsMade, 1);
    QCOMPARE(f.upstream->calls, (QStringList{QStringLiteral("open"), QStringLiteral("restart:en")}));
    f.stream->upstreamOpened(f.stream->id(), serverHeader(QStringLiteral("s2")));
    QVERIFY(f.lastSent().startsWith("<stream:stream") && f.lastSent().contains("id='s2'"));
    f.stream->onText("<presence/> <message to='bob@example.com'><body>x</body></message>");
    QCOMPARE(f.upstream->sent.size(), 2);
    QCOMPARE(f.upstream->sent.at(0), QByteArray("<presence xmlns='jabber:client'/>"));
    QVERIFY(f.upstream->sent.at(1).startsWith("<message xmlns='jabber:client'"));
}

void tst_WebSocketStream::draftOpenWithOptionOffIsNotWellFormed()
{
    Fixture f; // ws_legacy_framing off: RFC 7395 §3.3.3, a message is one complete element
    f.make();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    f.stream->onText(kDraftOpen);
    QVERIFY(f.sentContains("<not-well-formed"));
    QVERIFY(f.lastSent().startsWith("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'"));
    QVERIFY(!f.sentContains("<stream:stream"));
    QCOMPARE(f.upstreamsMade, 0);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::NotWellFormed);
}

void tst_WebSocketStream::rfc7395OpenWithOptionOnIsUnchanged()
{
    Fixture f;
    f.config.wsLegacyFraming = true;
    f.open();
    QVERIFY(f.lastSent().startsWith("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"));
    f.stream->onText(kMessage);
    QCOMPARE(f.upstream->sent, QList<QByteArray>{kMessage});
    // A stream header after an RFC 7395 open is no restart: it is not one complete element.
    f.stream->onText(kDraftOpen);
    QVERIFY(f.sentContains("<not-well-formed"));
    QVERIFY(f.lastSent().startsWith("<close"));
}

void tst_WebSocketStream::draftMessageEndingInsideAStanzaIsNotWellFormed()
{
    Fixture f;
    f.config.wsLegacyFraming = true;
    f.make();
    QSignalSpy finished(f.stream.get(), &Stream::ClientStream::finished);
    f.stream->onText(kDraftOpen);
    f.stream->upstreamOpened(f.stream->id(), serverHeader(QStringLiteral("s1")));
    f.stream->onText("<message to='bob@example.com'><body>half");
    QVERIFY(f.upstream->sent.isEmpty());
    QVERIFY(f.sentContains("<not-well-formed"));
    QCOMPARE(f.lastSent(), QByteArray("</stream:stream>"));
    QVERIFY(f.channel->closed);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::NotWellFormed);
}

void tst_WebSocketStream::draftErrorBeforeOpenSendsHeaderFirst()
{
    Fixture f;
    f.config.wsLegacyFraming = true;
    f.make();
    QByteArray old = kDraftOpen;
    old.replace("version='1.0'", "version='0.9'");
    f.stream->onText(old);
    // RFC 6120 §4.9.1.1: our header, the stream error, then the end of the stream.
    QCOMPARE(f.channel->sent.size(), 3);
    QVERIFY(f.channel->sent.at(0).startsWith("<stream:stream"));
    QVERIFY(f.channel->sent.at(1).contains("<unsupported-version"));
    QCOMPARE(f.channel->sent.at(2), QByteArray("</stream:stream>"));
    QCOMPARE(f.upstreamsMade, 0);

    // A stream of another content namespace is no client stream (RFC 6120 §4.9.3.10).
    Fixture g;
    g.config.wsLegacyFraming = true;
    g.make();
    QByteArray server = kDraftOpen;
    server.replace("xmlns='jabber:client'", "xmlns='jabber:server'");
    g.stream->onText(server);
    QVERIFY(g.sentContains("<invalid-namespace"));
    QCOMPARE(g.lastSent(), QByteArray("</stream:stream>"));
    QCOMPARE(g.upstreamsMade, 0);
}

void tst_WebSocketStream::draftDtdAndUndefinedEntitiesAreRefused()
{
    // No DTD (RFC 6120 §11.1; a message that starts with one is no draft header either), no entity
    // beyond the predefined five in the draft stream.
    const QList<QByteArray> hostiles{
        QByteArray("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><stream:stream "
                   "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                   "to='example.com' version='1.0'>"),
        QByteArray(kDraftOpen + "<message to='bob@example.com'><body>&a;</body></message>")};
    for (const QByteArray &hostile : hostiles) {
        Fixture f;
        f.config.wsLegacyFraming = true;
        f.make();
        f.stream->onText(hostile);
        QVERIFY2(f.sentContains("<stream:error"), hostile.constData());
        QVERIFY(f.upstream->sent.isEmpty());
        QVERIFY(f.channel->closed);
    }
}

void tst_WebSocketStream::draftStreamErrorFromServerEndsWithStreamClose()
{
    Fixture f;
    f.config.wsLegacyFraming = true;
    f.make();
    f.stream->onText(kDraftOpen);
    f.stream->upstreamOpened(f.stream->id(), serverHeader(QStringLiteral("s1")));
    f.stream->terminate(Condition::SeeOtherUri, QStringLiteral("wss://other.example/xmpp-websocket"));
    // No <close see-other-uri/> in the draft framing: a system-shutdown stream error instead.
    QVERIFY(f.sentContains("<system-shutdown"));
    QCOMPARE(f.lastSent(), QByteArray("</stream:stream>"));
    QVERIFY(f.channel->closed);
}

QTEST_GUILESS_MAIN(tst_WebSocketStream)
#include "tst_websocket_stream.moc"
