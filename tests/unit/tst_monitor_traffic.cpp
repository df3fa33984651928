// SPDX-License-Identifier: GPL-3.0-or-later
// The traffic recorder: ring bounds, ids and sinceId, capture state vs. Hub::wantsTraffic(), batching,
// exports that parse back, and redaction of SASL payloads and passwords at the source.
#include "monitor/hub.h"
#include "monitor/trafficrecorder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace Switchboard::Monitor;

namespace {

QByteArray msg(int n)
{
    return "<message to='bob@localhost' type='chat' xmlns='jabber:client'><body>m" + QByteArray::number(n) +
           "</body></message>";
}

// SASL PLAIN for alice / s3cret: base64("\0alice\0s3cret").
const QByteArray kPlainPayload = QByteArray("\0alice\0s3cret", 13).toBase64();
const QByteArray kPassword = "s3cret";

} // namespace

class tst_MonitorTraffic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void faultRecordsAreCapturedInPlaceAndExported()
    {
        // A fault on demand shows where it took effect, between the stanzas (docs/ADMIN.md).
        Hub hub;
        TrafficRecorder recorder(&hub);
        Q_EMIT hub.faultApplied(QStringLiteral("s"), {}, Direction::ToClient, QStringLiteral("not captured"));
        QCOMPARE(recorder.count(), 0); // like stanzas: only while capturing
        recorder.setEnabled(true);
        Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToClient, msg(1));
        Q_EMIT hub.faultApplied(QStringLiteral("s"), QStringLiteral("s"), Direction::ToClient,
                                QStringLiteral("drop: response to rid 7 <not sent> & 'closed'"));
        Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToClient, msg(2));
        const QList<TrafficRecord> records = recorder.records();
        QCOMPARE(records.size(), 3);
        const TrafficRecord &fault = records.at(1);
        QCOMPARE(fault.element, QStringLiteral("fault"));
        QCOMPARE(fault.note, QStringLiteral("drop: response to rid 7 <not sent> & 'closed'"));
        QVERIFY(fault.xml.isEmpty());
        QVERIFY(records.at(0).note.isEmpty());

        const QList<QByteArray> lines =
            TrafficRecorder::exportRecords(records, TrafficRecorder::ExportFormat::JsonLines)
                .trimmed()
                .split('\n');
        QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(QStringLiteral("note")).toString(),
                 fault.note);
        QVERIFY(!QJsonDocument::fromJson(lines.at(0)).object().contains(QStringLiteral("note")));

        const QByteArray xml = TrafficRecorder::exportRecords(records, TrafficRecorder::ExportFormat::XmlLog);
        QXmlStreamReader reader(xml);
        QStringList faults;
        while (!reader.atEnd()) {
            if (reader.readNext() == QXmlStreamReader::StartElement &&
                reader.attributes().hasAttribute(QLatin1String("fault")))
                faults.append(reader.attributes().value(QLatin1String("fault")).toString());
        }
        QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
        QCOMPARE(faults, QStringList{fault.note});
    }

    void captureConnectsOnlyWhileCapturing()
    {
        Hub hub;
        QVERIFY(!hub.wantsTraffic());
        {
            TrafficRecorder recorder(&hub);
            QSignalSpy capturing(&recorder, &TrafficRecorder::capturingChanged);
            QVERIFY(!hub.wantsTraffic()); // a new recorder does not capture
            Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, msg(0));
            QCOMPARE(recorder.count(), 0);

            recorder.setEnabled(true);
            QVERIFY(hub.wantsTraffic());
            QCOMPARE(capturing.size(), 1);
            QCOMPARE(capturing.at(0).at(0).toBool(), true);
            Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, msg(1));
            QCOMPARE(recorder.count(), 1);

            recorder.setPaused(true);
            QVERIFY(!hub.wantsTraffic());
            QCOMPARE(capturing.size(), 2);
            Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, msg(2));
            QCOMPARE(recorder.count(), 1);

            recorder.setPaused(false);
            QVERIFY(hub.wantsTraffic());
            Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToClient, msg(3));
            QCOMPARE(recorder.count(), 2);
            QCOMPARE(recorder.records().constLast().xml, msg(3));
            QCOMPARE(recorder.records().constLast().direction, Direction::ToClient);
        }
        QVERIFY(!hub.wantsTraffic()); // destroyed: disconnected
    }

    void ringKeepsNewestAndIdsStayConsecutive()
    {
        Hub hub;
        TrafficRecorder recorder(&hub);
        recorder.setCapacity(5);
        for (int i = 1; i <= 12; ++i)
            recorder.append(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, msg(i));
        QCOMPARE(recorder.count(), 5);
        QCOMPARE(recorder.firstId(), quint64(8));
        QCOMPARE(recorder.lastId(), quint64(12));
        const auto all = recorder.records();
        QCOMPARE(all.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(all.at(i).id, quint64(8 + i));
            QCOMPARE(all.at(i).xml, msg(8 + i));
        }
        // sinceId: strictly newer; below the ring: everything kept; at the end: nothing.
        QCOMPARE(recorder.records(10).size(), 2);
        QCOMPARE(recorder.records(10).constFirst().id, quint64(11));
        QCOMPARE(recorder.records(3).size(), 5);
        QCOMPARE(recorder.records(12).size(), 0);
        QCOMPARE(recorder.records(0, 2).size(), 2);
        QCOMPARE(recorder.records(0, 2).constLast().id, quint64(9));
        QCOMPARE(recorder.record(9).xml, msg(9));
        QCOMPARE(recorder.record(7).id, quint64(0)); // dropped
        QCOMPARE(recorder.record(13).id, quint64(0));

        recorder.setCapacity(2); // shrinking drops the oldest now
        QCOMPARE(recorder.count(), 2);
        QCOMPARE(recorder.firstId(), quint64(11));

        QSignalSpy cleared(&recorder, &TrafficRecorder::cleared);
        recorder.clear();
        QCOMPARE(cleared.size(), 1);
        QCOMPARE(recorder.count(), 0);
        QCOMPARE(recorder.records().size(), 0);
        recorder.append(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, msg(13));
        QCOMPARE(recorder.records().constFirst().id, quint64(13)); // ids go on
    }

    void recordsAppendedIsBatched()
    {
        Hub hub;
        TrafficRecorder recorder(&hub);
        recorder.setCapacity(3);
        recorder.setInterval(20);
        recorder.setEnabled(true);
        QSignalSpy appended(&recorder, &TrafficRecorder::recordsAppended);
        for (int i = 1; i <= 10; ++i)
            Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, msg(i));
        QCOMPARE(appended.size(), 0); // not from inside the Hub's signal
        QVERIFY(appended.wait());
        QCOMPARE(appended.size(), 1);
        QCOMPARE(appended.at(0).at(0).toULongLong(), quint64(8));
        QCOMPARE(appended.at(0).at(1).toULongLong(), quint64(10));
    }

    void describeReadsTheStartTag_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("element");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("from");
        QTest::newRow("message") << msg(1) << "message"
                                 << "chat"
                                 << "bob@localhost"
                                 << "";
        QTest::newRow("double quotes, entities")
            << QByteArray(R"(<iq type="get" from="a@b/r&amp;x" id='1'><ping xmlns='urn:xmpp:ping'/></iq>)")
            << "iq"
            << "get"
            << ""
            << "a@b/r&x";
        QTest::newRow("prefixed") << QByteArray("<stream:features><bind/></stream:features>") << "features"
                                  << ""
                                  << ""
                                  << "";
        QTest::newRow("self-closing") << QByteArray("<presence/>") << "presence"
                                      << ""
                                      << ""
                                      << "";
        QTest::newRow("sasl")
            << QByteArray("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>x</auth>")
            << "auth"
            << ""
            << ""
            << "";
    }
    void describeReadsTheStartTag()
    {
        QFETCH(QByteArray, xml);
        TrafficRecord record;
        record.xml = xml;
        TrafficRecorder::describe(record);
        QTEST(record.element, "element");
        QTEST(record.type, "type");
        QTEST(record.to, "to");
        QTEST(record.from, "from");
    }

    void redaction_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<bool>("changed");
        QTest::addColumn<QByteArray>("expected"); // empty: only check the secret is gone

        QTest::newRow("sasl plain auth")
            << "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + kPlainPayload + "</auth>"
            << kPlainPayload << true
            << QByteArray(
                   "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>[redacted]</auth>");
        QTest::newRow("sasl response")
            << QByteArray("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdzLHI9</response>")
            << QByteArray("Yz1iaXdzLHI9") << true
            << QByteArray("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[redacted]</response>");
        QTest::newRow("sasl challenge")
            << QByteArray(
                   "<challenge xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">cj1meWtvK2QybGJiRmdP</challenge>")
            << QByteArray("cj1meWtvK2QybGJiRmdP") << true << QByteArray();
        QTest::newRow("sasl success with data")
            << QByteArray(
                   "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5cHFWOFM3c3VBb1pX</success>")
            << QByteArray("dj1ybUY5cHFWOFM3c3VBb1pX") << true << QByteArray();
        QTest::newRow("sasl empty success")
            << QByteArray("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>") << QByteArray("[redacted]")
            << false << QByteArray("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        QTest::newRow("sasl '=' response")
            << QByteArray("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</response>")
            << QByteArray("[redacted]") << false
            << QByteArray("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</response>");
        QTest::newRow("sasl prefixed")
            << "<sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + kPlainPayload +
                   "</sasl:auth>"
            << kPlainPayload << true << QByteArray();
        QTest::newRow("sasl mechanisms untouched")
            << QByteArray("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                          "<mechanism>PLAIN</mechanism></mechanisms></stream:features>")
            << QByteArray("[redacted]") << false << QByteArray();
        QTest::newRow("iq:auth password")
            << QByteArray("<iq type='set' id='a1'><query xmlns='jabber:iq:auth'><username>alice</username>"
                          "<password>s3cret</password><resource>r</resource></query></iq>")
            << kPassword << true
            << QByteArray("<iq type='set' id='a1'><query xmlns='jabber:iq:auth'><username>alice</username>"
                          "<password>[redacted]</password><resource>r</resource></query></iq>");
        QTest::newRow("iq:register password")
            << QByteArray(
                   "<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>alice</username>"
                   "<password>s3cret</password></query></iq>")
            << kPassword << true << QByteArray();
        QTest::newRow("data form text-private")
            << QByteArray(
                   "<iq type='set' id='f1'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' "
                   "type='submit'><field var='username'><value>alice</value></field>"
                   "<field var='password' type='text-private'><value>s3cret</value></field></x></query></iq>")
            << kPassword << true
            << QByteArray("<iq type='set' id='f1'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' "
                          "type='submit'><field var='username'><value>alice</value></field>"
                          "<field var='password' type='text-private'><value>[redacted]</value></field></x>"
                          "</query></iq>");
        QTest::newRow("non-ascii secret")
            << QByteArray("<iq type='set'><query "
                          "xmlns='jabber:iq:register'><password>p\xc3\xa4ss\xe2\x82\xac</password>"
                          "<username>\xc3\xbc</username></query></iq>")
            << QByteArray("p\xc3\xa4ss\xe2\x82\xac") << true
            << QByteArray("<iq type='set'><query xmlns='jabber:iq:register'><password>[redacted]</password>"
                          "<username>\xc3\xbc</username></query></iq>");
        // SASL2 (XEP-0388) and FAST tokens (XEP-0484).
        QTest::newRow("sasl2 authenticate")
            << QByteArray(
                   "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>" +
                   kPlainPayload +
                   "</initial-response><user-agent id='d4565fa7-4d72-4749-b3d3-740edbf87770'>"
                   "<software>Conversations</software><device>Phone</device></user-agent></authenticate>")
            << kPlainPayload << true
            << QByteArray(
                   "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>[redacted]"
                   "</initial-response><user-agent id='d4565fa7-4d72-4749-b3d3-740edbf87770'>"
                   "<software>Conversations</software><device>Phone</device></user-agent></authenticate>");
        QTest::newRow("sasl2 challenge")
            << QByteArray("<challenge xmlns='urn:xmpp:sasl:2'>cj1meWtvK2QybGJiRmdP</challenge>")
            << QByteArray("cj1meWtvK2QybGJiRmdP") << true
            << QByteArray("<challenge xmlns='urn:xmpp:sasl:2'>[redacted]</challenge>");
        QTest::newRow("sasl2 response")
            << QByteArray("<response xmlns='urn:xmpp:sasl:2'>Yz1iaXdzLHI9</response>")
            << QByteArray("Yz1iaXdzLHI9") << true
            << QByteArray("<response xmlns='urn:xmpp:sasl:2'>[redacted]</response>");
        QTest::newRow("sasl2 success additional data")
            << QByteArray("<success xmlns='urn:xmpp:sasl:2'><additional-data>dj1ybUY5cHFWOFM3c3VBb1pX"
                          "</additional-data><authorization-identifier>alice@example.org/r</"
                          "authorization-identifier>"
                          "</success>")
            << QByteArray("dj1ybUY5cHFWOFM3c3VBb1pX") << true
            << QByteArray(
                   "<success xmlns='urn:xmpp:sasl:2'><additional-data>[redacted]</additional-data>"
                   "<authorization-identifier>alice@example.org/r</authorization-identifier></success>");
        QTest::newRow("sasl2 continue and task data")
            << QByteArray(
                   "<next xmlns='urn:xmpp:sasl:2' task='UPGR-SCRAM-SHA-256'><task-data>"
                   "<hash xmlns='urn:xmpp:scram-upgrade:0'>BzOnw3Pc5H4bOLlPZ/8JAy6wnTpH05aH21KW2+Xfpaw="
                   "</hash></task-data></next>")
            << QByteArray("BzOnw3Pc5H4bOLlPZ") << true << QByteArray();
        QTest::newRow("fast token in success")
            << QByteArray(
                   "<success xmlns='urn:xmpp:sasl:2'><authorization-identifier>alice@example.org/r"
                   "</authorization-identifier><token xmlns='urn:xmpp:fast:0' "
                   "expiry='2026-12-31T00:00:00Z' token='WXZzciBwYmFmdmZnZiBqdmd1IGp2eXFhcmZm'/></success>")
            << QByteArray("WXZzciBwYmFmdmZnZiBqdmd1IGp2eXFhcmZm") << true
            << QByteArray("<success xmlns='urn:xmpp:sasl:2'><authorization-identifier>alice@example.org/r"
                          "</authorization-identifier><token xmlns='urn:xmpp:fast:0' "
                          "expiry='2026-12-31T00:00:00Z' token='[redacted]'/></success>");
        QTest::newRow("fast token, double quotes, prefixed")
            << QByteArray("<f:token xmlns:f=\"urn:xmpp:fast:0\" token = \"c2VjcmV0LXRva2Vu\" expiry=\"x\"/>")
            << QByteArray("c2VjcmV0LXRva2Vu") << true << QByteArray();
        QTest::newRow("fast authenticate with a token")
            << QByteArray(
                   "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='HT-SHA-256-NONE'><initial-response>"
                   "dXNlcgBpbml0aWFsLXRva2VuLWhhc2g=</initial-response><fast xmlns='urn:xmpp:fast:0' "
                   "count='7'/></authenticate>")
            << QByteArray("dXNlcgBpbml0aWFsLXRva2VuLWhhc2g=") << true << QByteArray();
        QTest::newRow("fast offer untouched")
            << QByteArray(
                   "<stream:features><authentication xmlns='urn:xmpp:sasl:2'><mechanism>PLAIN</mechanism>"
                   "<inline><fast xmlns='urn:xmpp:fast:0'><mechanism>HT-SHA-256-NONE</mechanism></fast>"
                   "</inline></authentication></stream:features>")
            << QByteArray("[redacted]") << false << QByteArray();
        QTest::newRow("sasl2 not well-formed: conservative")
            << QByteArray("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>" +
                          kPlainPayload + "</initial-response><x:y>")
            << kPlainPayload << true << QByteArray();
        QTest::newRow("fast token not well-formed: conservative")
            << QByteArray("<token xmlns='urn:xmpp:fast:0' token='WXZzciBwYmFmdmZnZiBq'><x:y>")
            << QByteArray("WXZzciBwYmFmdmZnZiBq") << true << QByteArray();
        QTest::newRow("a message about passwords is left alone")
            << QByteArray("<message><body>my password is in jabber:iq:auth</body></message>")
            << QByteArray("[redacted]") << false << QByteArray();
        QTest::newRow("not well-formed: conservative")
            << "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + kPlainPayload +
                   "</auth><x:y>"
            << kPlainPayload << true << QByteArray();
    }
    void redaction()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QByteArray, secret);
        QFETCH(bool, changed);
        QFETCH(QByteArray, expected);
        bool didChange = !changed;
        const QByteArray out = TrafficRecorder::redact(xml, &didChange);
        QCOMPARE(didChange, changed);
        if (changed)
            QVERIFY2(!out.contains(secret), out.constData());
        else
            QCOMPARE(out, xml);
        if (!expected.isEmpty())
            QCOMPARE(out, expected);
    }

    void saslPlainNeverStoredOrExportedUnredacted()
    {
        Hub hub;
        TrafficRecorder recorder(&hub);
        recorder.setEnabled(true);
        const QByteArray auth =
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + kPlainPayload + "</auth>";
        Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, auth);
        const TrafficRecord record = recorder.records().constFirst();
        QVERIFY(record.redacted);
        QVERIFY(!record.xml.contains(kPlainPayload));
        QCOMPARE(record.size, auth.size()); // the size is what went through
        QCOMPARE(record.element, QStringLiteral("auth"));
        for (auto format :
             {TrafficRecorder::ExportFormat::XmlLog, TrafficRecorder::ExportFormat::JsonLines}) {
            const QByteArray exported = TrafficRecorder::exportRecords(recorder.records(), format);
            QVERIFY(!exported.contains(kPlainPayload));
            QVERIFY(!exported.contains(kPassword));
            QVERIFY(exported.contains("[redacted]"));
        }

        // The local-debugging setting keeps it, for records made from then on.
        recorder.setShowSecrets(true);
        Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer, auth);
        QVERIFY(recorder.records().constLast().xml.contains(kPlainPayload));
        QVERIFY(!recorder.records().constLast().redacted);
        QVERIFY(!recorder.records().constFirst().xml.contains(kPlainPayload));
    }

    void sasl2AndFastNeverStoredOrExportedUnredacted()
    {
        Hub hub;
        TrafficRecorder recorder(&hub);
        recorder.setEnabled(true);
        const QByteArray token = "WXZzciBwYmFmdmZnZiBqdmd1IGp2eXFhcmZm";
        Q_EMIT hub.stanzaForwarded(
            QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer,
            "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>" + kPlainPayload +
                "</initial-response></authenticate>");
        Q_EMIT hub.stanzaForwarded(QStringLiteral("s"), QStringLiteral("s"), Direction::ToClient,
                                   "<success xmlns='urn:xmpp:sasl:2'><token xmlns='urn:xmpp:fast:0' token='" +
                                       token + "' expiry='2026-12-31T00:00:00Z'/></success>");
        QCOMPARE(recorder.records().size(), 2);
        for (const TrafficRecord &record : recorder.records()) {
            QVERIFY(record.redacted);
            QVERIFY(!record.xml.contains(kPlainPayload) && !record.xml.contains(token));
        }
        for (auto format :
             {TrafficRecorder::ExportFormat::XmlLog, TrafficRecorder::ExportFormat::JsonLines}) {
            const QByteArray exported = TrafficRecorder::exportRecords(recorder.records(), format);
            QVERIFY(!exported.contains(kPlainPayload));
            QVERIFY(!exported.contains(token));
            QVERIFY(exported.contains("[redacted]"));
        }
    }

    void exportsParseBack()
    {
        Hub hub;
        TrafficRecorder recorder(&hub);
        recorder.append(QStringLiteral("sid1"), QStringLiteral("st1"), Direction::ToServer, msg(1));
        recorder.append(
            QStringLiteral("sid1"), QStringLiteral("st1"), Direction::ToClient,
            "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        recorder.append(QStringLiteral("sid'2"), QStringLiteral("st<2"), Direction::ToClient,
                        QByteArray("<broken attr='1'>")); // not well-formed alone: escaped
        recorder.append(QStringLiteral("sid1"), QStringLiteral("st1"), Direction::ToServer,
                        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + kPlainPayload +
                            "</auth>");
        const QList<TrafficRecord> records = recorder.records();
        QCOMPARE(records.size(), 4);

        // JSON lines: one object per line, every field.
        const QByteArray json =
            TrafficRecorder::exportRecords(records, TrafficRecorder::ExportFormat::JsonLines);
        const QList<QByteArray> lines = json.trimmed().split('\n');
        QCOMPARE(lines.size(), records.size());
        for (qsizetype i = 0; i < lines.size(); ++i) {
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(lines.at(i), &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            const TrafficRecord &r = records.at(i);
            QCOMPARE(quint64(o.value(QStringLiteral("id")).toInteger()), r.id);
            QCOMPARE(o.value(QStringLiteral("session")).toString(), r.session);
            QCOMPARE(o.value(QStringLiteral("stream")).toString(), r.stream);
            QCOMPARE(o.value(QStringLiteral("direction")).toString(), r.direction == Direction::ToServer
                                                                          ? QStringLiteral("to-server")
                                                                          : QStringLiteral("to-client"));
            QCOMPARE(o.value(QStringLiteral("size")).toInteger(), r.size);
            QCOMPARE(o.value(QStringLiteral("element")).toString(), r.element);
            QCOMPARE(o.value(QStringLiteral("redacted")).toBool(), r.redacted);
            QCOMPARE(o.value(QStringLiteral("xml")).toString().toUtf8(), r.xml);
            QCOMPARE(QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs),
                     r.time);
        }

        // XML log: a well-formed document, one <stanza> per record, the stanza inside (or escaped).
        const QByteArray xml = TrafficRecorder::exportRecords(records, TrafficRecorder::ExportFormat::XmlLog);
        QXmlStreamReader reader(xml);
        QVERIFY(reader.readNextStartElement());
        QCOMPARE(reader.name(), QLatin1String("log"));
        int index = 0;
        while (reader.readNextStartElement()) {
            QCOMPARE(reader.name(), QLatin1String("stanza"));
            const TrafficRecord &r = records.at(index++);
            const auto attrs = reader.attributes();
            QCOMPARE(attrs.value(QLatin1String("id")).toULongLong(), r.id);
            QCOMPARE(attrs.value(QLatin1String("session")).toString(), r.session);
            QCOMPARE(attrs.value(QLatin1String("stream")).toString(), r.stream);
            QCOMPARE(attrs.value(QLatin1String("size")).toLongLong(), r.size);
            if (attrs.value(QLatin1String("escaped")) == QLatin1String("true")) {
                QCOMPARE(reader.readElementText().toUtf8(), r.xml);
            } else {
                QVERIFY(reader.readNextStartElement());
                QCOMPARE(reader.name().toString(), r.element);
                reader.skipCurrentElement();
                reader.skipCurrentElement();
            }
        }
        QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
        QCOMPARE(index, records.size());
        QVERIFY(!xml.contains(kPlainPayload));

        // To a file, a selection.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("traffic.jsonl"));
        QVERIFY(
            TrafficRecorder::exportToFile(file, records.mid(1, 1), TrafficRecorder::ExportFormat::JsonLines));
        QFile in(file);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QCOMPARE(in.readAll().count('\n'), 1);
        QString error;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot export traffic")));
        QVERIFY(!TrafficRecorder::exportToFile(dir.filePath(QStringLiteral("no/such/dir/x")), records,
                                               TrafficRecorder::ExportFormat::XmlLog, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_MonitorTraffic)
#include "tst_monitor_traffic.moc"
