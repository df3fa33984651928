// SPDX-License-Identifier: GPL-3.0-or-later
// The window's models fed by a real Server with real BOSH and WebSocket sessions against Prosody:
// QAbstractItemModelTester on each, plus what the rows say, how updates are batched and how the
// traffic ring stays bounded.
#include "boshclient.h"
#include "prosodyfixture.h"
#include "server.h"
#include "sessionmodel.h"
#include "trafficmodel.h"
#include "wsclient.h"

#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Gui;

class tst_GuiModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sessionModelFollowsBoshAndWebSocketSessions();
    void sessionModelUpdatesInBatches();
    void sessionModelRemovesContiguousRanges();
    void trafficModelShowsStanzasInOrderRedacted();
    void trafficFilterBySessionDirectionElementText();
    void trafficModelIsABoundedRing();
    void trafficModelInsertsABurstAsOneBatch();
    void trafficModelFollowsRecorderClear();
    void trafficModelShowsFaultRecords();

private:
    QString password(const QString &user) const { return m_prosody.password(user); }
    std::unique_ptr<BoshClient> loginBosh(const QString &user, const QString &resource);
    /// The row of a session in the model, or -1.
    static int rowOf(const SessionModel &model, const QString &id) { return model.rowOf(id); }
    static QString cell(const SessionModel &model, int row, int column)
    {
        return model.index(row, column).data().toString();
    }

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
};

void tst_GuiModels::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")}),
             "Prosody did not start");
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    // Short batches keep the test quick; the behaviour is the same at the default intervals.
    m_server->registry()->setInterval(50);
    m_server->traffic()->setInterval(50);
    m_server->traffic()->setEnabled(true);
}

void tst_GuiModels::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

std::unique_ptr<BoshClient> tst_GuiModels::loginBosh(const QString &user, const QString &resource)
{
    auto client = std::make_unique<BoshClient>(m_server->boshUrl());
    QString error;
    if (!client->login(QStringLiteral("localhost"), user, password(user), &error, resource,
                       {{QStringLiteral("ua"), QStringLiteral("ModelTest/1.0")}})) {
        qWarning() << "login failed:" << error;
        return {};
    }
    client->startPolling();
    return client;
}

void tst_GuiModels::sessionModelFollowsBoshAndWebSocketSessions()
{
    SessionModel model(m_server->registry());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(SessionModel::SortRole);
    proxy.sort(SessionModel::StanzasToServer, Qt::DescendingOrder);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    auto alice = loginBosh(QStringLiteral("alice"), QStringLiteral("models"));
    QVERIFY(alice);
    QTRY_VERIFY(rowOf(model, alice->sid()) >= 0);
    int row = rowOf(model, alice->sid());
    QCOMPARE(cell(model, row, SessionModel::Id), alice->sid());
    QCOMPARE(cell(model, row, SessionModel::Transport), QStringLiteral("BOSH"));
    QCOMPARE(cell(model, row, SessionModel::ClientAddress), QStringLiteral("127.0.0.1"));
    QCOMPARE(cell(model, row, SessionModel::UserAgent), QStringLiteral("ModelTest/1.0"));
    QCOMPARE(cell(model, row, SessionModel::Domain), QStringLiteral("localhost"));
    QTRY_COMPARE(cell(model, rowOf(model, alice->sid()), SessionModel::Jid), alice->jid());
    row = rowOf(model, alice->sid());
    QCOMPARE(cell(model, row, SessionModel::Backend),
             QStringLiteral("127.0.0.1:%1").arg(m_prosody.c2sPort()));
    QCOMPARE(cell(model, row, SessionModel::BackendTls),
             QStringLiteral("none")); // Prosody runs without TLS here
    QVERIFY(model.index(row, SessionModel::StanzasToServer).data(SessionModel::SortRole).toULongLong() >= 2);
    QVERIFY(model.index(row, SessionModel::BytesToClient).data(SessionModel::SortRole).toULongLong() > 0);
    QCOMPARE(model.index(row, 0).data(SessionModel::SessionIdRole).toString(), alice->sid());

    WsClient bob(m_server->webSocketUrl());
    QVERIFY(bob.connectSocket());
    QString error;
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error),
             qPrintable(error));
    QTRY_COMPARE(model.rowCount(), 2);
    const int bobRow = rowOf(model, alice->sid()) == 0 ? 1 : 0;
    QCOMPARE(cell(model, bobRow, SessionModel::Transport), QStringLiteral("WebSocket"));
    QCOMPARE(cell(model, bobRow, SessionModel::Held), QString()); // no held requests over WebSocket
    QTRY_COMPARE(cell(model, bobRow, SessionModel::Jid), bob.jid());

    // Counters follow the traffic: five messages from alice to bob.
    const quint64 before = model.index(rowOf(model, alice->sid()), SessionModel::StanzasToServer)
                               .data(SessionModel::SortRole)
                               .toULongLong();
    for (int i = 0; i < 5; ++i)
        alice->sendStanza("<message xmlns='jabber:client' to='" + bob.jid().toUtf8() +
                          "' type='chat'><body>" + QByteArray::number(i) + "</body></message>");
    QVERIFY(!bob.waitFor([](const QDomElement &e) { return e.text() == QLatin1String("4"); }).isNull());
    QTRY_VERIFY(model.index(rowOf(model, alice->sid()), SessionModel::StanzasToServer)
                    .data(SessionModel::SortRole)
                    .toULongLong() >= before + 5);
    // The proxy sorts by the numbers, not by the display strings.
    QCOMPARE(proxy.index(0, SessionModel::Id).data().toString(), alice->sid());

    // A terminated session leaves the table; the other stays.
    QVERIFY(m_server->terminateSession(alice->sid()));
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(rowOf(model, alice->sid()), -1);
    bob.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QTRY_COMPARE(model.rowCount(), 0);
}

void tst_GuiModels::sessionModelUpdatesInBatches()
{
    SessionModel model(m_server->registry());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto carol = loginBosh(QStringLiteral("carol"), QStringLiteral("batch"));
    QVERIFY(carol);
    QTRY_VERIFY(rowOf(model, carol->sid()) >= 0);

    // A burst of 200 stanzas to the server and 200 back: the model changes once per registry batch,
    // never once per stanza or byte. (One request: the client stays within the BOSH request window.)
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy batches(m_server->registry(), &Monitor::Registry::sessionsChanged);
    QByteArray payload;
    for (int i = 0; i < 200; ++i)
        payload += "<message xmlns='jabber:client' to='" + carol->jid().toUtf8() + "'><body>" +
                   QByteArray::number(i) + "</body></message>";
    carol->sendStanza(payload);
    QVERIFY(!carol->waitForStanza([](const QDomElement &e) { return e.text() == QLatin1String("199"); })
                 .isNull());
    QTRY_VERIFY(model.index(rowOf(model, carol->sid()), SessionModel::StanzasToClient)
                    .data(SessionModel::SortRole)
                    .toULongLong() >= 200);
    QVERIFY(changed.size() < 100);
    // Every dataChanged is one batch (one per registry signal) or the once-a-second age/idle tick.
    QVERIFY2(
        changed.size() <= batches.size() + 10,
        qPrintable(QStringLiteral("%1 dataChanged for %2 batches").arg(changed.size()).arg(batches.size())));
    carol->terminate();
    QTRY_COMPARE(model.rowCount(), 0);
}

void tst_GuiModels::sessionModelRemovesContiguousRanges()
{
    // A registry on a hub of its own: sessions reported directly, as fronts would.
    Monitor::Hub hub;
    Monitor::Registry registry(&hub);
    SessionModel model(&registry);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (int i = 0; i < 6; ++i) {
        Monitor::SessionInfo info;
        info.sid = QStringLiteral("s%1").arg(i);
        info.domain = QStringLiteral("example.org");
        info.created = QDateTime::currentDateTimeUtc();
        hub.reportSessionOpened(info);
    }
    registry.flush();
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(inserted.size(), 1); // the batch is one insert

    for (const char *sid : {"s1", "s2", "s4"})
        hub.reportSessionClosed(QString::fromLatin1(sid), {});
    registry.flush();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(removed.size(), 2); // s4, then s1..s2
    QCOMPARE(cell(model, 0, SessionModel::Id), QStringLiteral("s0"));
    QCOMPARE(cell(model, 1, SessionModel::Id), QStringLiteral("s3"));
    QCOMPARE(cell(model, 2, SessionModel::Id), QStringLiteral("s5"));
    QCOMPARE(model.rowOf(QStringLiteral("s5")), 2);

    // Opened and closed within one batch: nothing is left behind.
    Monitor::SessionInfo brief;
    brief.sid = QStringLiteral("brief");
    brief.created = QDateTime::currentDateTimeUtc();
    hub.reportSessionOpened(brief);
    hub.reportSessionClosed(brief.sid, QStringLiteral("remote-connection-failed"));
    registry.flush();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOf(brief.sid), -1);
}

void tst_GuiModels::trafficModelShowsStanzasInOrderRedacted()
{
    Monitor::TrafficRecorder *recorder = m_server->traffic();
    recorder->clear();
    TrafficModel model(recorder);
    model.setInterval(50);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    auto alice = loginBosh(QStringLiteral("alice"), QStringLiteral("traffic"));
    QVERIFY(alice);
    alice->sendStanza("<message xmlns='jabber:client' to='" + alice->jid().toUtf8() +
                      "' type='chat'><body>to myself</body></message>");
    QVERIFY(!alice->waitForStanza([](const QDomElement &e) { return e.text() == QLatin1String("to myself"); })
                 .isNull());
    QTRY_VERIFY(model.rowCount() >= 5);

    // In capture order, with the fields read from each stanza.
    int authRow = -1;
    int messageToServer = -1;
    int messageToClient = -1;
    for (int row = 0; row < model.rowCount(); ++row) {
        const Monitor::TrafficRecord &record = model.record(row);
        if (row > 0)
            QVERIFY(record.id > model.record(row - 1).id);
        QCOMPARE(record.session, alice->sid());
        QCOMPARE(model.index(row, TrafficModel::Session).data().toString(), alice->sid());
        QCOMPARE(model.index(row, TrafficModel::Size).data(Qt::DisplayRole).toString(),
                 QLocale().toString(qint64(record.size)));
        if (record.element == QLatin1String("auth"))
            authRow = row;
        if (record.element == QLatin1String("message") && record.xml.contains("to myself"))
            (record.direction == Monitor::Direction::ToServer ? messageToServer : messageToClient) = row;
    }
    QVERIFY(authRow >= 0);
    QVERIFY(messageToServer >= 0);
    QTRY_VERIFY(model.rowCount() > messageToServer); // the echo may come in the next pull
    QCOMPARE(model.index(messageToServer, TrafficModel::Element).data().toString(),
             QStringLiteral("message"));
    QCOMPARE(model.index(messageToServer, TrafficModel::Type).data().toString(), QStringLiteral("chat"));
    QCOMPARE(model.index(messageToServer, TrafficModel::To).data().toString(), alice->jid());
    QCOMPARE(model.index(messageToServer, TrafficModel::Direction).data(TrafficModel::DirectionRole).toInt(),
             int(Monitor::Direction::ToServer));

    // SASL PLAIN never shows in the clear (the recorder redacts before the model sees it).
    const Monitor::TrafficRecord &auth = model.record(authRow);
    QVERIFY(auth.redacted);
    QVERIFY(auth.xml.contains("[redacted]"));
    QVERIFY(!auth.xml.contains(saslPlain(QStringLiteral("alice"), password(QStringLiteral("alice")))));
    QVERIFY(!model.index(authRow, TrafficModel::Time).data(Qt::ToolTipRole).toString().isEmpty());
    alice->terminate();
}

void tst_GuiModels::trafficFilterBySessionDirectionElementText()
{
    Monitor::TrafficRecorder *recorder = m_server->traffic();
    recorder->clear();
    TrafficModel model(recorder);
    TrafficFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    auto alice = loginBosh(QStringLiteral("alice"), QStringLiteral("filter-a"));
    auto bob = loginBosh(QStringLiteral("bob"), QStringLiteral("filter-b"));
    QVERIFY(alice && bob);
    alice->sendStanza("<message xmlns='jabber:client' to='" + bob->jid().toUtf8() +
                      "' type='chat'><body>Grüße aus dem Filter</body></message>");
    QVERIFY(
        !bob->waitForStanza([](const QDomElement &e) { return e.localName() == QLatin1String("message"); })
             .isNull());
    QTRY_VERIFY(model.pull() >= 0 && proxy.rowCount() >= 10);
    model.pull();

    auto all = [&proxy](const std::function<bool(const QModelIndex &)> &check) {
        for (int row = 0; row < proxy.rowCount(); ++row) {
            if (!check(proxy.index(row, 0)))
                return false;
        }
        return true;
    };
    proxy.setSessionFilter(alice->sid());
    QVERIFY(proxy.rowCount() > 0);
    QVERIFY(all(
        [&](const QModelIndex &i) { return i.data(TrafficModel::SessionRole).toString() == alice->sid(); }));

    proxy.setDirectionFilter(TrafficFilterProxy::DirectionFilter::ToClient);
    QVERIFY(proxy.rowCount() > 0);
    QVERIFY(all([](const QModelIndex &i) {
        return i.data(TrafficModel::DirectionRole).toInt() == int(Monitor::Direction::ToClient);
    }));

    proxy.setDirectionFilter(TrafficFilterProxy::DirectionFilter::Both);
    proxy.setSessionFilter({});
    proxy.setElementFilter(QStringLiteral("IQ")); // case-insensitive
    QVERIFY(proxy.rowCount() >= 4);               // bind request and result for each session
    QVERIFY(all([](const QModelIndex &i) {
        return i.sibling(i.row(), TrafficModel::Element).data().toString() == QLatin1String("iq");
    }));

    proxy.setElementFilter({});
    proxy.setTextFilter(QStringLiteral("GRÜßE AUS")); // case-insensitive, beyond ASCII too
    QCOMPARE(proxy.rowCount(), 2);                    // to the server from alice, to the client for bob
    proxy.setTextFilter(QStringLiteral("nowhere in any stanza"));
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setTextFilter({});
    QCOMPARE(proxy.rowCount(), model.rowCount());
    alice->terminate();
    bob->terminate();
}

void tst_GuiModels::trafficModelShowsFaultRecords()
{
    Monitor::Hub hub;
    Monitor::TrafficRecorder recorder(&hub);
    recorder.append(QStringLiteral("s"), QStringLiteral("s"), Monitor::Direction::ToClient, "<message/>");
    recorder.appendFault(QStringLiteral("s"), {}, Monitor::Direction::ToClient,
                         QStringLiteral("hold: traffic toward the client stalls"));
    TrafficModel model(&recorder);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.pull(), 2);
    QCOMPARE(model.index(1, TrafficModel::Element).data().toString(), QStringLiteral("fault"));
    // What the fault did stands where a stanza's type would, and in the tooltip.
    QCOMPARE(model.index(1, TrafficModel::Type).data().toString(),
             QStringLiteral("hold: traffic toward the client stalls"));
    QVERIFY(model.index(1, TrafficModel::Time).data(Qt::ToolTipRole).toString().isEmpty() == false);
    QVERIFY(model.index(1, TrafficModel::Element)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("hold")));
    QVERIFY(model.index(1, TrafficModel::Element).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model.index(0, TrafficModel::Element).data(Qt::ForegroundRole).isValid());
}

void tst_GuiModels::trafficModelIsABoundedRing()
{
    Monitor::Hub hub;
    Monitor::TrafficRecorder recorder(&hub);
    recorder.setCapacity(1000);
    for (int i = 0; i < 250; ++i)
        recorder.append(QStringLiteral("s"), QStringLiteral("s"), Monitor::Direction::ToServer,
                        "<message id='" + QByteArray::number(i) + "'/>");
    TrafficModel model(&recorder);
    model.setCapacity(100);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QCOMPARE(model.pull(), 100); // more than fits: only the newest 100 are taken
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.record(0).id, recorder.lastId() - 99);
    QCOMPARE(model.record(99).id, recorder.lastId());
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(removed.size(), 0);

    for (int i = 0; i < 30; ++i)
        recorder.append(QStringLiteral("s"), QStringLiteral("s"), Monitor::Direction::ToClient,
                        "<presence/>");
    QCOMPARE(model.pull(), 30);
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(removed.size(), 1); // the oldest 30 go first, in one range…
    QCOMPARE(removed.first().at(1).toInt(), 0);
    QCOMPARE(removed.first().at(2).toInt(), 29);
    QCOMPARE(inserted.size(), 2); // …then the 30 new ones arrive in one range
    QCOMPARE(model.record(99).element, QStringLiteral("presence"));
    QCOMPARE(model.pull(), 0); // nothing new: no signal at all
    QCOMPARE(inserted.size(), 2);

    model.setCapacity(10); // shrinking drops the oldest now
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.record(9).id, recorder.lastId());
}

void tst_GuiModels::trafficModelInsertsABurstAsOneBatch()
{
    // 1000 stanzas arriving between two pulls (a second of heavy traffic at the default 200 ms
    // would be five pulls of ~200): one insert, whatever the count.
    Monitor::Hub hub;
    Monitor::TrafficRecorder recorder(&hub);
    TrafficModel model(&recorder);
    model.setInterval(20);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 1000; ++i)
        recorder.append(QStringLiteral("s"), QStringLiteral("s"), Monitor::Direction::ToServer,
                        "<iq type='get' id='" + QByteArray::number(i) + "'/>");
    QTRY_COMPARE(model.rowCount(), 1000);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.index(999, TrafficModel::Type).data().toString(), QStringLiteral("get"));
}

void tst_GuiModels::trafficModelFollowsRecorderClear()
{
    Monitor::Hub hub;
    Monitor::TrafficRecorder recorder(&hub);
    TrafficModel model(&recorder);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    recorder.append(QStringLiteral("s"), QStringLiteral("s"), Monitor::Direction::ToServer, "<presence/>");
    QCOMPARE(model.pull(), 1);
    recorder.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pull(), 0); // what was cleared does not come back
    recorder.append(QStringLiteral("s"), QStringLiteral("s"), Monitor::Direction::ToServer, "<message/>");
    QCOMPARE(model.pull(), 1);
    QCOMPARE(model.record(0).element, QStringLiteral("message"));
}

QTEST_MAIN(tst_GuiModels)
#include "tst_gui_models.moc"
