// SPDX-License-Identifier: GPL-3.0-or-later
// The faults on demand without a network (core/stream/faults.h): what the admin API accepts, and that
// delay, hold, reorder, Undo and the cap keep every stanza and its order; drops and IQ errors count down.
#include "stream/faults.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Switchboard::Stream;

namespace {

struct Recorder
{
    QList<QByteArray> delivered;
    QStringList notes;
    std::unique_ptr<Faults> make(qint64 maxBytes = 1 << 20)
    {
        return std::make_unique<Faults>(
            maxBytes, [this](const QString &, const QByteArray &xml) { delivered.append(xml); },
            [this](const QString &, bool, const QString &text) { notes.append(text); }, nullptr);
    }
};

FaultRequest request(const char *json)
{
    QString error;
    const std::optional<FaultRequest> parsed =
        FaultRequest::fromJson(QJsonDocument::fromJson(json).object(), &error);
    if (!parsed)
        qFatal("test fault refused: %s", qPrintable(error));
    return *parsed;
}

QByteArray stanza(int n)
{
    return "<message id='m" + QByteArray::number(n) + "'/>";
}

} // namespace

class tst_StreamFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestsAreCheckedLikeTheApi_data();
    void requestsAreCheckedLikeTheApi();
    void withoutFaultsNothingIsKept();
    void delayKeepsEveryStanzaInOrder();
    void holdReleasesAtItsDeadline();
    void undoReleasesAtOnce();
    void reorderSwapsTheNextTwo();
    void reorderAloneGoesOutAtItsDeadline();
    void capEndsTheFaultsWithoutLosingAStanza();
    void dropCountsDown();
    void iqErrorAnswersOneIqRequestOnly();
    void iqErrorReplyFollowsRfc6120();
};

void tst_StreamFaults::requestsAreCheckedLikeTheApi_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("ok");
    QTest::newRow("delay") << QByteArray(R"({"fault":"delay","ms":500})") << true;
    QTest::newRow("delay without ms") << QByteArray(R"({"fault":"delay"})") << false;
    QTest::newRow("delay too long") << QByteArray(R"({"fault":"delay","ms":60001})") << false;
    QTest::newRow("delay fraction") << QByteArray(R"({"fault":"delay","ms":1.5})") << false;
    QTest::newRow("drop default") << QByteArray(R"({"fault":"drop"})") << true;
    QTest::newRow("drop 0") << QByteArray(R"({"fault":"drop","count":0})") << false;
    QTest::newRow("hold") << QByteArray(R"({"fault":"hold","seconds":5})") << true;
    QTest::newRow("hold without seconds") << QByteArray(R"({"fault":"hold"})") << false;
    QTest::newRow("hold over the deadline cap") << QByteArray(R"({"fault":"hold","seconds":601})") << false;
    QTest::newRow("reorder") << QByteArray(R"({"fault":"reorder"})") << true;
    QTest::newRow("cut-link") << QByteArray(R"({"fault":"cut-link"})") << true;
    QTest::newRow("terminate default") << QByteArray(R"({"fault":"terminate"})") << true;
    QTest::newRow("terminate host-gone")
        << QByteArray(R"({"fault":"terminate","condition":"host-gone"})") << true;
    QTest::newRow("see-other-uri")
        << QByteArray(R"({"fault":"terminate","condition":"see-other-uri","uri":"https://b.example/bosh"})")
        << true;
    QTest::newRow("see-other-uri without uri")
        << QByteArray(R"({"fault":"terminate","condition":"see-other-uri"})") << false;
    QTest::newRow("see-other-uri relative")
        << QByteArray(R"({"fault":"terminate","condition":"see-other-uri","uri":"/x"})") << false;
    QTest::newRow("unknown condition") << QByteArray(R"({"fault":"terminate","condition":"oops"})") << false;
    QTest::newRow("iq-error") << QByteArray(R"({"fault":"iq-error","condition":"forbidden","type":"auth"})")
                              << true;
    QTest::newRow("iq-error bad type") << QByteArray(R"({"fault":"iq-error","type":"never"})") << false;
    QTest::newRow("unknown fault") << QByteArray(R"({"fault":"explode"})") << false;
    QTest::newRow("no fault") << QByteArray(R"({})") << false;
}

void tst_StreamFaults::requestsAreCheckedLikeTheApi()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, ok);
    QString error;
    const std::optional<FaultRequest> parsed =
        FaultRequest::fromJson(QJsonDocument::fromJson(json).object(), &error);
    QCOMPARE(parsed.has_value(), ok);
    QCOMPARE(error.isEmpty(), ok);
    if (parsed) // what it says back is what it took
        QCOMPARE(FaultRequest::fromJson(parsed->toJson(), &error)->toJson(), parsed->toJson());
}

void tst_StreamFaults::withoutFaultsNothingIsKept()
{
    Recorder r;
    auto faults = r.make();
    QVERIFY(!faults->take({}, stanza(1)));
    QVERIFY(!faults->dropsResponse(1));
    QVERIFY(!faults->answersIq({}, "<iq type='get' id='a'/>"));
    QVERIFY(faults->isIdle());
}

void tst_StreamFaults::delayKeepsEveryStanzaInOrder()
{
    Recorder r;
    auto faults = r.make();
    faults->arm(request(R"({"fault":"delay","ms":200,"seconds":60})"));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(faults->take({}, stanza(i)));
    QCOMPARE(faults->state().value(QStringLiteral("kept")).toInt(), 3);
    QVERIFY(r.delivered.isEmpty()); // never from inside take()
    QTRY_COMPARE(r.delivered, (QList<QByteArray>{stanza(1), stanza(2), stanza(3)}));
    QVERIFY(r.notes.first().startsWith(QStringLiteral("delay")));
}

void tst_StreamFaults::holdReleasesAtItsDeadline()
{
    Recorder r;
    auto faults = r.make();
    faults->arm(request(R"({"fault":"hold","seconds":1})"));
    QVERIFY(faults->take({}, stanza(1)));
    QVERIFY(faults->take({}, stanza(2)));
    QTRY_COMPARE_WITH_TIMEOUT(r.delivered, (QList<QByteArray>{stanza(1), stanza(2)}), 5000);
    // Over: the next one passes.
    QVERIFY(!faults->take({}, stanza(3)));
    QVERIFY(faults->isIdle());
}

void tst_StreamFaults::undoReleasesAtOnce()
{
    Recorder r;
    auto faults = r.make();
    faults->arm(request(R"({"fault":"hold","seconds":600})"));
    faults->arm(request(R"({"fault":"drop","count":3})"));
    QVERIFY(faults->take({}, stanza(1)));
    faults->clear();
    QTRY_COMPARE(r.delivered, QList<QByteArray>{stanza(1)});
    QVERIFY(!faults->dropsResponse(7));
    QVERIFY(faults->isIdle());
}

void tst_StreamFaults::reorderSwapsTheNextTwo()
{
    Recorder r;
    auto faults = r.make();
    faults->arm(request(R"({"fault":"reorder"})"));
    QVERIFY(faults->take({}, stanza(1)));
    QVERIFY(faults->take({}, stanza(2)));
    QTRY_COMPARE(r.delivered, (QList<QByteArray>{stanza(2), stanza(1)}));
    QVERIFY(!faults->take({}, stanza(3))); // only two
}

void tst_StreamFaults::reorderAloneGoesOutAtItsDeadline()
{
    Recorder r;
    auto faults = r.make();
    faults->arm(request(R"({"fault":"reorder","seconds":1})"));
    QVERIFY(faults->take({}, stanza(1)));
    QTRY_COMPARE_WITH_TIMEOUT(r.delivered, QList<QByteArray>{stanza(1)}, 5000);
}

void tst_StreamFaults::capEndsTheFaultsWithoutLosingAStanza()
{
    Recorder r;
    auto faults = r.make(3 * stanza(1).size());
    faults->arm(request(R"({"fault":"hold","seconds":600})"));
    for (int i = 1; i <= 4; ++i)
        QVERIFY(faults->take({}, stanza(i)));
    // The fourth went over: everything goes out, in order, and the hold is over.
    QTRY_COMPARE(r.delivered, (QList<QByteArray>{stanza(1), stanza(2), stanza(3), stanza(4)}));
    QVERIFY(r.notes.join(u'\n').contains(QStringLiteral("cap")));
    QVERIFY(!faults->take({}, stanza(5)));
}

void tst_StreamFaults::dropCountsDown()
{
    Recorder r;
    auto faults = r.make();
    faults->arm(request(R"({"fault":"drop","count":2})"));
    QVERIFY(faults->dropsResponse(10));
    QVERIFY(faults->dropsResponse(11));
    QVERIFY(!faults->dropsResponse(12));
    QVERIFY(r.notes.at(0).contains(QStringLiteral("rid 10")));
}

void tst_StreamFaults::iqErrorAnswersOneIqRequestOnly()
{
    Recorder r;
    auto faults = r.make();
    faults->arm(request(R"({"fault":"iq-error","condition":"item-not-found"})"));
    QVERIFY(!faults->answersIq({}, "<message id='x'/>"));
    QVERIFY(!faults->answersIq({}, "<iq type='result' id='r'/>")); // a reply is not a request
    QVERIFY(faults->answersIq({}, "<iq type='get' id='q1' to='a@b'/>"));
    QVERIFY(!faults->answersIq({}, "<iq type='get' id='q2' to='a@b'/>"));
    QTRY_COMPARE(r.delivered.size(), 1);
    QVERIFY(r.delivered.first().contains("id='q1'"));
    QVERIFY(r.delivered.first().contains("<item-not-found"));
}

void tst_StreamFaults::iqErrorReplyFollowsRfc6120()
{
    const QByteArray reply = Faults::iqErrorReply("<iq xmlns='jabber:client' type='set' id='a&amp;b' "
                                                  "to='room@muc.example' from='me@example/r'><x/></iq>",
                                                  QStringLiteral("forbidden"), QStringLiteral("auth"));
    // §8.3.1: from the addressee, to the sender, same id; §8.3.2 the error element with type and condition.
    QCOMPARE(reply, QByteArray("<iq xmlns='jabber:client' type='error' id='a&amp;b' from='room@muc.example' "
                               "to='me@example/r'><error type='auth'><forbidden "
                               "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"));
    QVERIFY(
        Faults::iqErrorReply("<presence/>", QStringLiteral("forbidden"), QStringLiteral("auth")).isEmpty());
    QVERIFY(Faults::iqErrorReply("not xml", QStringLiteral("forbidden"), QStringLiteral("auth")).isEmpty());
}

QTEST_GUILESS_MAIN(tst_StreamFaults)
#include "tst_stream_faults.moc"
