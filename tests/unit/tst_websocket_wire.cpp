// SPDX-License-Identifier: GPL-3.0-or-later
// Switchboard's own RFC 6455 framing for ws:// streams: every rule of the frame decoder with the close
// code it must give, each input fed whole, split in two at every byte, and one byte at a time; the
// server frames; the opening handshake's checks and answer.
#include "http/httpmessage.h"
#include "websocket/handshake.h"
#include "websocket/wsframes.h"

#include <QTest>
#include <QtEndian>

using namespace Switchboard;
using namespace Switchboard::WebSocket;
using Wire::CloseCode;

namespace {

/// Writes down what the decoder delivers, one line per event.
struct Recorder : Wire::Decoder::Sink
{
    QByteArrayList events;
    bool textMessage(QByteArrayView utf8) override
    {
        events << "text:" + utf8.toByteArray();
        return true;
    }
    bool binaryMessage() override
    {
        events << "binary";
        return true;
    }
    bool ping(QByteArrayView payload) override
    {
        events << "ping:" + payload.toByteArray();
        return true;
    }
    bool pong() override
    {
        events << "pong";
        return true;
    }
    bool closeReceived(quint16 code, QByteArrayView reason) override
    {
        events << "close:" + QByteArray::number(code) + ':' + reason.toByteArray();
        return true;
    }
};

constexpr quint8 kFin = 0x80;
constexpr quint8 kText = 0x1;
constexpr quint8 kBinary = 0x2;
constexpr quint8 kClose = 0x8;
constexpr quint8 kPing = 0x9;
constexpr quint8 kPong = 0xA;

/// A client frame: `first` is the first byte (FIN, RSV, opcode). Masked with a fixed non-zero key
/// unless `masked` is false; `forceLength` > 0 picks the 16-bit (2) or 64-bit (8) length form.
QByteArray frame(quint8 first, const QByteArray &payload, bool masked = true, int forceLength = 0)
{
    QByteArray out;
    out.append(char(first));
    const quint8 maskBit = masked ? 0x80 : 0;
    const quint64 length = quint64(payload.size());
    if (forceLength == 8 || length > 0xFFFF) {
        out.append(char(maskBit | 127));
        uchar be[8];
        qToBigEndian(length, be);
        out.append(reinterpret_cast<const char *>(be), 8);
    } else if (forceLength == 2 || length > 125) {
        out.append(char(maskBit | 126));
        uchar be[2];
        qToBigEndian(quint16(length), be);
        out.append(reinterpret_cast<const char *>(be), 2);
    } else {
        out.append(char(maskBit | length));
    }
    if (!masked)
        return out + payload;
    static const char key[4] = {char(0x37), char(0xFA), char(0x21), char(0x3D)};
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i % 4]));
    return out;
}

QByteArray closeBody(quint16 code, const QByteArray &reason = {})
{
    uchar be[2];
    qToBigEndian(code, be);
    return QByteArray(reinterpret_cast<const char *>(be), 2) + reason;
}

struct Outcome
{
    QByteArrayList events;
    quint16 code = 0;
};

/// Feeds `parts` in order to a fresh decoder; stops at the first close code.
Outcome run(const QList<QByteArrayView> &parts, qint64 cap)
{
    Wire::Decoder decoder(cap, cap);
    Recorder recorder;
    Outcome outcome;
    for (QByteArrayView part : parts) {
        const CloseCode code = decoder.feed(part, recorder);
        if (code != CloseCode::None) {
            outcome.code = quint16(code);
            break;
        }
    }
    outcome.events = recorder.events;
    return outcome;
}

} // namespace

class tst_WebSocketWire : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decoder_data();
    void decoder();
    void capRefusesFromTheHeader();
    void nothingKeptWhenIdle();
    void stopsWhenTheSinkSaysSo();
    void serverFrames_data();
    void serverFrames();
    void closeCodes();
    void acceptValue();
    void handshakeChecks_data();
    void handshakeChecks();
    void switchingProtocols();
};

void tst_WebSocketWire::decoder_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qint64>("cap");
    QTest::addColumn<QByteArrayList>("events");
    QTest::addColumn<int>("code");
    const qint64 big = 1 << 20;
    const QByteArray euro("\xE2\x82\xAC");

    QTest::newRow("text") << frame(kFin | kText, "<open/>") << big << QByteArrayList{"text:<open/>"} << 0;
    QTest::newRow("empty text") << frame(kFin | kText, {}) << big << QByteArrayList{"text:"} << 0;
    QTest::newRow("two messages") << frame(kFin | kText, "a") + frame(kFin | kText, "bc") << big
                                  << QByteArrayList{"text:a", "text:bc"} << 0;
    QTest::newRow("16-bit length") << frame(kFin | kText, QByteArray(300, 'x')) << big
                                   << QByteArrayList{"text:" + QByteArray(300, 'x')} << 0;
    QTest::newRow("64-bit length") << frame(kFin | kText, QByteArray(70000, 'y')) << big
                                   << QByteArrayList{"text:" + QByteArray(70000, 'y')} << 0;
    QTest::newRow("fragments with 64-bit lengths")
        << frame(kText, QByteArray(66000, 'a')) + frame(kFin | 0x0, QByteArray(66000, 'b')) << big
        << QByteArrayList{"text:" + QByteArray(66000, 'a') + QByteArray(66000, 'b')} << 0;
    QTest::newRow("long forms for short lengths")
        << frame(kFin | kText, "ab", true, 2) + frame(kFin | kText, "cd", true, 8) << big
        << QByteArrayList{"text:ab", "text:cd"} << 0;
    // RFC 6455 §5.4: fragments, with control frames between them.
    QTest::newRow("fragmented text") << frame(kText, "<mess") + frame(0x0, "age/") + frame(kFin | 0x0, ">")
                                     << big << QByteArrayList{"text:<message/>"} << 0;
    QTest::newRow("ping between fragments")
        << frame(kText, "a") + frame(kFin | kPing, "hi") + frame(kFin | 0x0, "b") << big
        << QByteArrayList{"ping:hi", "text:ab"} << 0;
    QTest::newRow("character split across fragments")
        << frame(kText, "a" + euro.first(1)) + frame(0x0, euro.sliced(1, 1)) +
               frame(kFin | 0x0, euro.sliced(2))
        << big << QByteArrayList{"text:a" + euro} << 0;
    QTest::newRow("four-byte character")
        << frame(kFin | kText, "\xF0\x9F\x98\x80") << big << QByteArrayList{"text:\xF0\x9F\x98\x80"} << 0;
    QTest::newRow("binary") << frame(kFin | kBinary, "\x00\xFF") << big << QByteArrayList{"binary"} << 0;
    QTest::newRow("fragmented binary")
        << frame(kBinary, "\xFF") + frame(kFin | 0x0, "\xFE") << big << QByteArrayList{"binary"} << 0;
    QTest::newRow("ping") << frame(kFin | kPing, "payload") << big << QByteArrayList{"ping:payload"} << 0;
    QTest::newRow("empty ping") << frame(kFin | kPing, {}) << big << QByteArrayList{"ping:"} << 0;
    QTest::newRow("125-byte ping") << frame(kFin | kPing, QByteArray(125, 'p')) << big
                                   << QByteArrayList{"ping:" + QByteArray(125, 'p')} << 0;
    QTest::newRow("pong") << frame(kFin | kPong, "x") << big << QByteArrayList{"pong"} << 0;
    QTest::newRow("close with code and reason")
        << frame(kFin | kClose, closeBody(1000, "bye")) << big << QByteArrayList{"close:1000:bye"} << 0;
    QTest::newRow("close without body")
        << frame(kFin | kClose, {}) << big << QByteArrayList{"close:1005:"} << 0;
    QTest::newRow("close with an application code")
        << frame(kFin | kClose, closeBody(4999)) << big << QByteArrayList{"close:4999:"} << 0;
    // RFC 6455 §5.5.1: nothing after a Close frame is read.
    QTest::newRow("nothing after close")
        << frame(kFin | kClose, closeBody(1001)) + frame(kFin | kText, "late") << big
        << QByteArrayList{"close:1001:"} << 0;

    // 1002: protocol errors.
    QTest::newRow("unmasked frame") << frame(kFin | kText, "hi", false) << big << QByteArrayList{} << 1002;
    QTest::newRow("unmasked after a good one") << frame(kFin | kText, "a") + frame(kFin | kText, "b", false)
                                               << big << QByteArrayList{"text:a"} << 1002;
    QTest::newRow("RSV1") << frame(kFin | 0x40 | kText, "hi") << big << QByteArrayList{} << 1002;
    QTest::newRow("RSV2") << frame(kFin | 0x20 | kText, "hi") << big << QByteArrayList{} << 1002;
    QTest::newRow("RSV3") << frame(kFin | 0x10 | kText, "hi") << big << QByteArrayList{} << 1002;
    QTest::newRow("reserved data opcode") << frame(kFin | 0x3, "hi") << big << QByteArrayList{} << 1002;
    QTest::newRow("reserved control opcode") << frame(kFin | 0xB, "hi") << big << QByteArrayList{} << 1002;
    QTest::newRow("fragmented ping") << frame(kPing, "hi") << big << QByteArrayList{} << 1002;
    QTest::newRow("126-byte ping") << frame(kFin | kPing, QByteArray(126, 'p')) << big << QByteArrayList{}
                                   << 1002;
    QTest::newRow("continuation without a message")
        << frame(kFin | 0x0, "hi") << big << QByteArrayList{} << 1002;
    QTest::newRow("new message inside a fragmented one")
        << frame(kText, "a") + frame(kFin | kText, "b") << big << QByteArrayList{} << 1002;
    QByteArray topBit = frame(kFin | kText, "abc", true, 8);
    topBit[2] = char(0x80);
    QTest::newRow("64-bit length with the top bit") << topBit << big << QByteArrayList{} << 1002;
    QTest::newRow("close with one byte") << frame(kFin | kClose, "\x03") << big << QByteArrayList{} << 1002;
    for (const quint16 code : {999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
        QTest::addRow("close code %d", code)
            << frame(kFin | kClose, closeBody(code)) << big << QByteArrayList{} << 1002;
    }

    // 1007: text that is not UTF-8 (RFC 6455 §8.1).
    QTest::newRow("invalid byte") << frame(kFin | kText, "ab\xFF") << big << QByteArrayList{} << 1007;
    QTest::newRow("overlong") << frame(kFin | kText, "\xC0\x80") << big << QByteArrayList{} << 1007;
    QTest::newRow("overlong three bytes")
        << frame(kFin | kText, "\xE0\x80\xAF") << big << QByteArrayList{} << 1007;
    QTest::newRow("surrogate") << frame(kFin | kText, "\xED\xA0\x80") << big << QByteArrayList{} << 1007;
    QTest::newRow("above U+10FFFF") << frame(kFin | kText, "\xF4\x90\x80\x80") << big << QByteArrayList{}
                                    << 1007;
    QTest::newRow("stray continuation byte")
        << frame(kFin | kText, "\x80") << big << QByteArrayList{} << 1007;
    QTest::newRow("message ends inside a character")
        << frame(kFin | kText, "a\xE2\x82") << big << QByteArrayList{} << 1007;
    QTest::newRow("fragment breaks a character")
        << frame(kText, "a\xE2") + frame(kFin | 0x0, "b") << big << QByteArrayList{} << 1007;
    QTest::newRow("close reason not UTF-8")
        << frame(kFin | kClose, closeBody(1000, "\xC3")) << big << QByteArrayList{} << 1007;

    // 1009: over the caps.
    QTest::newRow("frame over the cap")
        << frame(kFin | kText, QByteArray(101, 'x')) << qint64(100) << QByteArrayList{} << 1009;
    QTest::newRow("frame at the cap") << frame(kFin | kText, QByteArray(100, 'x')) << qint64(100)
                                      << QByteArrayList{"text:" + QByteArray(100, 'x')} << 0;
    QTest::newRow("fragments over the cap")
        << frame(kText, QByteArray(60, 'x')) + frame(kFin | 0x0, QByteArray(60, 'x')) << qint64(100)
        << QByteArrayList{} << 1009;
    QTest::newRow("binary over the cap")
        << frame(kFin | kBinary, QByteArray(101, 'x')) << qint64(100) << QByteArrayList{} << 1009;
    QTest::newRow("control frames are not counted")
        << frame(kText, QByteArray(50, 'x')) + frame(kFin | kPing, QByteArray(100, 'p')) +
               frame(kFin | 0x0, QByteArray(50, 'x'))
        << qint64(100) << QByteArrayList{"ping:" + QByteArray(100, 'p'), "text:" + QByteArray(100, 'x')} << 0;
}

void tst_WebSocketWire::decoder()
{
    QFETCH(QByteArray, input);
    QFETCH(qint64, cap);
    QFETCH(QByteArrayList, events);
    QFETCH(int, code);

    const Outcome whole = run({input}, cap);
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.code, code);
    // The same from any split of the stream: two parts cut at every byte (inputs of tens of KiB: every
    // byte of their headers and edges, then every 61st)...
    for (qsizetype cut = 0; cut <= input.size();
         cut += (input.size() > 4096 && cut > 64 && cut < input.size() - 64) ? 61 : 1) {
        const QByteArrayView view(input);
        const Outcome split = run({view.first(cut), view.sliced(cut)}, cap);
        QVERIFY2(split.events == events && split.code == code,
                 qPrintable(QStringLiteral("cut at %1").arg(cut)));
    }
    // ...and one byte at a time (tens of KiB: 7 bytes at a time, so each frame boundary falls inside).
    const qsizetype step = input.size() > 4096 ? 7 : 1;
    QList<QByteArrayView> bytes;
    for (qsizetype i = 0; i < input.size(); i += step)
        bytes << QByteArrayView(input).sliced(i, qMin(step, input.size() - i));
    const Outcome trickle = run(bytes, cap);
    QCOMPARE(trickle.events, events);
    QCOMPARE(trickle.code, code);
}

void tst_WebSocketWire::capRefusesFromTheHeader()
{
    // A header announcing more than the cap is refused before any payload comes (RFC 6455 §7.4.1).
    Wire::Decoder decoder(1000, 1000);
    Recorder recorder;
    const QByteArray header = frame(kFin | kText, QByteArray(1 << 20, 'x')).first(2 + 8 + 4);
    QCOMPARE(decoder.feed(header, recorder), CloseCode::TooBig);
    QCOMPARE(decoder.buffered(), 0);
    // A fragment that would take the message over the cap: refused from its header too.
    Wire::Decoder second(1000, 1000);
    QCOMPARE(second.feed(frame(kText, QByteArray(600, 'x')), recorder), CloseCode::None);
    QCOMPARE(second.feed(frame(kFin | 0x0, QByteArray(600, 'x')).first(4 + 4), recorder), CloseCode::TooBig);
    QVERIFY(recorder.events.isEmpty());
}

void tst_WebSocketWire::nothingKeptWhenIdle()
{
    Wire::Decoder decoder(1 << 20, 1 << 20);
    Recorder recorder;
    QVERIFY(decoder.idle());
    const QByteArray message =
        frame(kText, "<message>") + frame(kFin | kPing, "p") + frame(kFin | 0x0, "</message>");
    // Part of a header, part of a payload, a whole fragment: each is kept until what it belongs to ends.
    QCOMPARE(decoder.feed(QByteArrayView(message).first(1), recorder), CloseCode::None);
    QVERIFY(!decoder.idle());
    QCOMPARE(decoder.buffered(), 1);
    QCOMPARE(decoder.feed(QByteArrayView(message).sliced(1, 9), recorder), CloseCode::None);
    QVERIFY(!decoder.idle());
    QCOMPARE(decoder.buffered(), 4); // "<mes", unmasked
    QCOMPARE(decoder.feed(QByteArrayView(message).sliced(10), recorder), CloseCode::None);
    QCOMPARE(recorder.events, (QByteArrayList{"ping:p", "text:<message></message>"}));
    QVERIFY(decoder.idle());
    QCOMPARE(decoder.buffered(), 0);
    // A control frame cut in its payload is kept apart, then let go.
    const QByteArray ping = frame(kFin | kPing, "abcdef");
    QCOMPARE(decoder.feed(QByteArrayView(ping).first(8), recorder), CloseCode::None);
    QCOMPARE(decoder.buffered(), 2);
    QCOMPARE(decoder.feed(QByteArrayView(ping).sliced(8), recorder), CloseCode::None);
    QVERIFY(decoder.idle());
}

void tst_WebSocketWire::stopsWhenTheSinkSaysSo()
{
    struct Stopper final : Recorder
    {
        bool textMessage(QByteArrayView utf8) override
        {
            Recorder::textMessage(utf8);
            return false;
        }
    } stopper;
    Wire::Decoder decoder(1000, 1000);
    const QByteArray two = frame(kFin | kText, "a") + frame(kFin | kText, "b");
    QCOMPARE(decoder.feed(two, stopper), CloseCode::None);
    QCOMPARE(stopper.events, QByteArrayList{"text:a"});
}

void tst_WebSocketWire::serverFrames_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("0") << 0 << QByteArray("\x81\x00", 2);
    QTest::newRow("125") << 125 << QByteArray("\x81\x7D");
    QTest::newRow("126") << 126 << QByteArray("\x81\x7E\x00\x7E", 4);
    QTest::newRow("65535") << 65535 << QByteArray("\x81\x7E\xFF\xFF");
    QTest::newRow("65536") << 65536 << QByteArray("\x81\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10);
}

void tst_WebSocketWire::serverFrames()
{
    QFETCH(int, length);
    QFETCH(QByteArray, header);
    // RFC 6455 §5.1: unmasked, FIN set, the shortest length form.
    const QByteArray payload(length, 'z');
    const QByteArray out = Wire::serverFrame(Wire::Opcode::Text, payload);
    QCOMPARE(out.first(header.size()), header);
    QCOMPARE(out.sliced(header.size()), payload);
}

void tst_WebSocketWire::closeCodes()
{
    QCOMPARE(Wire::closeFrame(CloseCode::Normal), QByteArray("\x88\x02\x03\xE8", 4));
    QCOMPARE(Wire::closeFrame(CloseCode::TooBig), QByteArray("\x88\x02\x03\xF1", 4));
    QCOMPARE(Wire::closeFrame(CloseCode::NoStatus), QByteArray("\x88\x00", 2));
    QVERIFY(Wire::isValidCloseCode(1000));
    QVERIFY(Wire::isValidCloseCode(1011));
    QVERIFY(Wire::isValidCloseCode(3000));
    QVERIFY(!Wire::isValidCloseCode(1005));
    QVERIFY(!Wire::isValidCloseCode(1006));
    QVERIFY(!Wire::isValidCloseCode(1015));
    QVERIFY(!Wire::isValidCloseCode(0));
}

void tst_WebSocketWire::acceptValue()
{
    // RFC 6455 §1.3's example.
    QCOMPARE(Handshake::acceptValue("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void tst_WebSocketWire::handshakeChecks_data()
{
    QTest::addColumn<QByteArray>("drop");    // header left out
    QTest::addColumn<QByteArray>("replace"); // "name=value" replacing a header
    QTest::addColumn<int>("status");         // 0: accepted
    const Http::HeaderList kVersion13{{"Sec-WebSocket-Version", "13"}};
    QTest::addColumn<Http::HeaderList>("headers");
    QTest::newRow("good") << QByteArray() << QByteArray() << 0 << Http::HeaderList();
    QTest::newRow("upgrade list") << QByteArray() << QByteArray("upgrade=foo, WebSocket") << 0
                                  << Http::HeaderList();
    QTest::newRow("connection list") << QByteArray() << QByteArray("connection=keep-alive, Upgrade") << 0
                                     << Http::HeaderList();
    QTest::newRow("version 8") << QByteArray() << QByteArray("sec-websocket-version=8") << 426 << kVersion13;
    QTest::newRow("no version") << QByteArray("sec-websocket-version") << QByteArray() << 426 << kVersion13;
    QTest::newRow("no key") << QByteArray("sec-websocket-key") << QByteArray() << 400 << Http::HeaderList();
    QTest::newRow("key of 15 bytes") << QByteArray() << QByteArray("sec-websocket-key=AAAAAAAAAAAAAAAAAAAA")
                                     << 400 << Http::HeaderList();
    QTest::newRow("key not base64") << QByteArray()
                                    << QByteArray("sec-websocket-key=!!!!!!!!!!!!!!!!!!!!!!==") << 400
                                    << Http::HeaderList();
    QTest::newRow("no upgrade") << QByteArray("upgrade") << QByteArray() << 400 << Http::HeaderList();
    QTest::newRow("no connection upgrade")
        << QByteArray() << QByteArray("connection=keep-alive") << 400 << Http::HeaderList();
    QTest::newRow("no host") << QByteArray("host") << QByteArray() << 400 << Http::HeaderList();
}

void tst_WebSocketWire::handshakeChecks()
{
    QFETCH(QByteArray, drop);
    QFETCH(QByteArray, replace);
    QFETCH(int, status);
    QFETCH(Http::HeaderList, headers);
    Http::Request head;
    head.method = "GET";
    head.target = head.path = "/xmpp-websocket";
    head.headers = {{"host", "localhost"},           {"upgrade", "websocket"},
                    {"connection", "Upgrade"},       {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
                    {"sec-websocket-version", "13"}, {"sec-websocket-protocol", "xmpp"}};
    const QByteArray replaceName = replace.left(replace.indexOf('='));
    for (qsizetype i = head.headers.size() - 1; i >= 0; --i) {
        if (head.headers[i].first == drop)
            head.headers.removeAt(i);
        else if (!replace.isEmpty() && head.headers[i].first == replaceName)
            head.headers[i].second = replace.sliced(replace.indexOf('=') + 1);
    }
    const std::optional<Handshake::Refusal> refusal = Handshake::check(head);
    QCOMPARE(refusal ? refusal->status : 0, status);
    if (refusal)
        QCOMPARE(refusal->headers, headers);
}

void tst_WebSocketWire::switchingProtocols()
{
    QCOMPARE(
        Handshake::switchingProtocols("dGhlIHNhbXBsZSBub25jZQ=="),
        QByteArray(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n"));
}

QTEST_GUILESS_MAIN(tst_WebSocketWire)
#include "tst_websocket_wire.moc"
