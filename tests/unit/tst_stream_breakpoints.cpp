// SPDX-License-Identifier: GPL-3.0-or-later
// Breakpoints without a network (core/stream/breakpoints.h): what the admin API accepts as a filter,
// what a filter matches, and that held stanzas keep their order each way, go on at their deadline,
// and never pile up past the cap.
#include "stream/breakpoints.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Stream;

namespace {

constexpr auto kToClient = Monitor::Direction::ToClient;
constexpr auto kToServer = Monitor::Direction::ToServer;

struct Recorder
{
    QList<QPair<Monitor::Direction, QByteArray>> delivered;
    QStringList notes;
    std::unique_ptr<Breakpoints> make(qint64 maxBytes = 1 << 20)
    {
        return std::make_unique<Breakpoints>(
            maxBytes,
            [this](const QString &, Monitor::Direction direction, const QByteArray &xml) {
                delivered.append({direction, xml});
            },
            [this](const QString &, Monitor::Direction, const QString &text) { notes.append(text); },
            nullptr);
    }
    QList<QByteArray> xml() const
    {
        QList<QByteArray> out;
        for (const auto &entry : delivered)
            out.append(entry.second);
        return out;
    }
};

BreakpointFilter filter(const char *json)
{
    QString error;
    const std::optional<BreakpointFilter> parsed =
        BreakpointFilter::fromJson(QJsonDocument::fromJson(json).object(), &error);
    if (!parsed)
        qFatal("test filter refused: %s", qPrintable(error));
    return *parsed;
}

QByteArray message(int n, const char *body = "hi")
{
    return "<message type='chat' id='m" + QByteArray::number(n) + "'><body>" + body + "</body></message>";
}

int firstStoppedId(const Breakpoints &breakpoints)
{
    const QJsonArray held = breakpoints.state().value(QStringLiteral("held")).toArray();
    for (const QJsonValue &entry : held) {
        if (entry.toObject().value(QStringLiteral("stopped")).toBool())
            return entry.toObject().value(QStringLiteral("id")).toInt();
    }
    return 0;
}

} // namespace

class tst_StreamBreakpoints : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void filtersAreCheckedLikeTheApi_data();
    void filtersAreCheckedLikeTheApi();
    void filterMatches_data();
    void filterMatches();
    void withoutABreakpointNothingIsHeld();
    void laterStanzasWaitBehindTheHeldOneEachWayApart();
    void editReplacesTheStanza();
    void dropLetsTheRestGoOn();
    void onlyAStoppedStanzaCanBeActedOn();
    void deadlineForwardsUnchanged();
    void capForwardsEverythingAndRemovesTheBreakpoint();
    void sessionEndBouncesTowardTheClientAndSendsTowardTheServer();
};

void tst_StreamBreakpoints::filtersAreCheckedLikeTheApi_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("ok");
    QTest::newRow("empty: everything") << QByteArray("{}") << true;
    QTest::newRow("all fields")
        << QByteArray(R"({"direction":"to-server","element":"message","type":"chat","text":"x","seconds":5})")
        << true;
    QTest::newRow("bad direction") << QByteArray(R"({"direction":"up"})") << false;
    QTest::newRow("element not a string") << QByteArray(R"({"element":3})") << false;
    QTest::newRow("seconds 0") << QByteArray(R"({"seconds":0})") << false;
    QTest::newRow("seconds over the cap") << QByteArray(R"({"seconds":601})") << false;
    QTest::newRow("seconds fraction") << QByteArray(R"({"seconds":1.5})") << false;
    QTest::newRow("text too long") << QByteArray("{\"text\":\"" +
                                                 QByteArray(BreakpointFilter::kMaxText + 1, 'a') + "\"}")
                                   << false;
}

void tst_StreamBreakpoints::filtersAreCheckedLikeTheApi()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, ok);
    QString error;
    const std::optional<BreakpointFilter> parsed =
        BreakpointFilter::fromJson(QJsonDocument::fromJson(json).object(), &error);
    QCOMPARE(parsed.has_value(), ok);
    QCOMPARE(error.isEmpty(), ok);
    if (parsed) // what it says of itself reads back the same
        QCOMPARE(BreakpointFilter::fromJson(parsed->toJson(), nullptr)->toJson(), parsed->toJson());
}

void tst_StreamBreakpoints::filterMatches_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("toClient");
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<bool>("matches");
    const QByteArray chat = "<message type='chat'><body>hello there</body></message>";
    QTest::newRow("anything") << QByteArray("{}") << true << chat << true;
    QTest::newRow("direction to-server, going to client")
        << QByteArray(R"({"direction":"to-server"})") << true << chat << false;
    QTest::newRow("direction to-server")
        << QByteArray(R"({"direction":"to-server"})") << false << chat << true;
    QTest::newRow("element") << QByteArray(R"({"element":"message"})") << true << chat << true;
    QTest::newRow("other element") << QByteArray(R"({"element":"iq"})") << true << chat << false;
    QTest::newRow("prefixed element") << QByteArray(R"({"element":"message"})") << true
                                      << QByteArray("<c:message xmlns:c='jabber:client'/>") << true;
    QTest::newRow("type") << QByteArray(R"({"type":"chat"})") << true << chat << true;
    QTest::newRow("other type") << QByteArray(R"({"type":"groupchat"})") << true << chat << false;
    QTest::newRow("text") << QByteArray(R"({"text":"hello"})") << true << chat << true;
    QTest::newRow("text is case-sensitive") << QByteArray(R"({"text":"Hello"})") << true << chat << false;
    QTest::newRow("all of them") << QByteArray(R"({"element":"message","type":"chat","text":"there"})")
                                 << true << chat << true;
    QTest::newRow("all but one") << QByteArray(R"({"element":"presence","type":"chat","text":"there"})")
                                 << true << chat << false;
}

void tst_StreamBreakpoints::filterMatches()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, toClient);
    QFETCH(QByteArray, xml);
    QFETCH(bool, matches);
    QCOMPARE(filter(json).matches(toClient ? kToClient : kToServer, xml), matches);
}

void tst_StreamBreakpoints::withoutABreakpointNothingIsHeld()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    QVERIFY(!breakpoints->hold({}, kToClient, message(1)));
    breakpoints->set(filter(R"({"element":"iq"})"));
    QVERIFY(!breakpoints->hold({}, kToClient, message(2)));
    QVERIFY(!breakpoints->hold({}, kToServer, message(3)));
}

void tst_StreamBreakpoints::laterStanzasWaitBehindTheHeldOneEachWayApart()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    breakpoints->set(filter(R"({"direction":"to-client","text":"stop"})"));
    QVERIFY(breakpoints->hold({}, kToClient, message(1, "stop")));
    QVERIFY(breakpoints->hold({}, kToClient, message(2)));  // waits behind #1
    QVERIFY(!breakpoints->hold({}, kToServer, message(3))); // the other way flows on
    QCOMPARE(breakpoints->heldToClient(), 2);
    QCOMPARE(breakpoints->state().value(QStringLiteral("held")).toArray().size(), 2);
    QVERIFY(breakpoints->act(firstStoppedId(*breakpoints), Breakpoints::Action::Forward, {}, nullptr));
    QCOMPARE(recorder.delivered.size(), 0); // from the event loop, never inside act()
    QTRY_COMPARE(recorder.xml(), (QList<QByteArray>{message(1, "stop"), message(2)}));
    QCOMPARE(breakpoints->heldToClient(), 0);
    QVERIFY(recorder.notes.join(u'\n').contains(QStringLiteral("forwarded unchanged")));
}

void tst_StreamBreakpoints::editReplacesTheStanza()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    breakpoints->set(filter(R"({"direction":"to-server"})"));
    QVERIFY(breakpoints->hold({}, kToServer, message(1, "before")));
    QVERIFY(breakpoints->act(firstStoppedId(*breakpoints), Breakpoints::Action::Edit, message(1, "after"),
                             nullptr));
    QTRY_COMPARE(recorder.delivered.size(), 1);
    QCOMPARE(recorder.delivered.at(0).first, kToServer);
    QCOMPARE(recorder.delivered.at(0).second, message(1, "after"));
}

void tst_StreamBreakpoints::dropLetsTheRestGoOn()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    breakpoints->set(filter(R"({"text":"drop"})"));
    QVERIFY(breakpoints->hold({}, kToServer, message(1, "drop")));
    QVERIFY(breakpoints->hold({}, kToServer, message(2)));
    QVERIFY(breakpoints->act(firstStoppedId(*breakpoints), Breakpoints::Action::Drop, {}, nullptr));
    QTRY_COMPARE(recorder.xml(), QList<QByteArray>{message(2)});
    QVERIFY(recorder.notes.join(u'\n').contains(QStringLiteral("dropped, never sent to the server")));
}

void tst_StreamBreakpoints::onlyAStoppedStanzaCanBeActedOn()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    breakpoints->set(filter(R"({"text":"stop"})"));
    QVERIFY(breakpoints->hold({}, kToClient, message(1, "stop")));
    QVERIFY(breakpoints->hold({}, kToClient, message(2)));
    const int stopped = firstStoppedId(*breakpoints);
    QString error;
    QVERIFY(!breakpoints->act(stopped + 1, Breakpoints::Action::Forward, {}, &error)); // only waits
    QVERIFY(error.contains(QStringLiteral("waits behind")));
    QVERIFY(!breakpoints->act(999, Breakpoints::Action::Forward, {}, &error));
    QVERIFY(error.contains(QStringLiteral("no held stanza")));
    QVERIFY(breakpoints->act(stopped, Breakpoints::Action::Forward, {}, nullptr));
    QTRY_COMPARE(recorder.delivered.size(), 2);
    QVERIFY(!breakpoints->act(stopped, Breakpoints::Action::Forward, {}, &error)); // gone on
}

void tst_StreamBreakpoints::deadlineForwardsUnchanged()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    breakpoints->set(filter(R"({"seconds":1})"));
    QVERIFY(breakpoints->hold({}, kToClient, message(1)));
    QVERIFY(breakpoints->state()
                .value(QStringLiteral("held"))
                .toArray()
                .at(0)
                .toObject()
                .contains(QStringLiteral("msLeft")));
    QTRY_COMPARE_WITH_TIMEOUT(recorder.xml(), QList<QByteArray>{message(1)}, 10000);
    QVERIFY(recorder.notes.join(u'\n').contains(QStringLiteral("not acted on in time")));
}

void tst_StreamBreakpoints::capForwardsEverythingAndRemovesTheBreakpoint()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    breakpoints->set(filter("{}"));
    for (int i = 1; i <= Breakpoints::kMaxHeld; ++i)
        QVERIFY(breakpoints->hold({}, kToClient, message(i)));
    QCOMPARE(breakpoints->heldToClient(), Breakpoints::kMaxHeld);
    QVERIFY(breakpoints->hold({}, kToClient, message(Breakpoints::kMaxHeld + 1))); // past the cap
    QVERIFY(!breakpoints->isSet());
    QTRY_COMPARE(recorder.delivered.size(), Breakpoints::kMaxHeld + 1);
    for (int i = 0; i <= Breakpoints::kMaxHeld; ++i)
        QCOMPARE(recorder.delivered.at(i).second, message(i + 1));
    QVERIFY(recorder.notes.join(u'\n').contains(QStringLiteral("reached their cap")));

    // The byte cap too.
    Recorder small;
    auto bytes = small.make(message(1).size() * 2);
    bytes->set(filter("{}"));
    QVERIFY(bytes->hold({}, kToServer, message(1)));
    QVERIFY(bytes->hold({}, kToServer, message(2)));
    QVERIFY(bytes->hold({}, kToServer, message(3)));
    QVERIFY(!bytes->isSet());
    QTRY_COMPARE(small.delivered.size(), 3);
}

void tst_StreamBreakpoints::sessionEndBouncesTowardTheClientAndSendsTowardTheServer()
{
    Recorder recorder;
    auto breakpoints = recorder.make();
    breakpoints->set(filter("{}"));
    QVERIFY(breakpoints->hold(QStringLiteral("s"), kToClient, message(1)));
    QVERIFY(breakpoints->hold(QStringLiteral("s"), kToServer, message(2)));
    const QList<QPair<QString, QByteArray>> taken = breakpoints->takeHeldToClient();
    QCOMPARE(taken.size(), 1);
    QCOMPARE(taken.at(0).second, message(1));
    // What the client sent before it left still goes to the server; nothing goes to the client.
    QCOMPARE(recorder.delivered.size(), 1);
    QCOMPARE(recorder.delivered.at(0).first, kToServer);
    QCOMPARE(recorder.delivered.at(0).second, message(2));
    QVERIFY(recorder.notes.join(u'\n').contains(QStringLiteral("toward the server go on first")));
    QCOMPARE(breakpoints->state().value(QStringLiteral("held")).toArray().size(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(recorder.delivered.size(), 1);
}

QTEST_GUILESS_MAIN(tst_StreamBreakpoints)
#include "tst_stream_breakpoints.moc"
