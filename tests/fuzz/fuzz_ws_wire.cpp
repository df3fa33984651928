// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the ws:// wire (RFC 6455 frames from a client) as Switchboard reads it. The first
// byte picks a chunk size; the rest is fed to one decoder whole and to another in chunks of that size,
// which must see the same messages and the same close code. Text messages go on to the RFC 7395
// message parser, as on a real stream.
#include "websocket/framing.h"
#include "websocket/wsframes.h"

#include <QByteArrayList>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {
using namespace Switchboard::WebSocket;

struct Recorder final : Wire::Decoder::Sink
{
    QByteArrayList events;
    bool textMessage(QByteArrayView utf8) override
    {
        events << "t" + utf8.toByteArray();
        Frame frame;
        QString error;
        (void)parseFrame(utf8, &frame, &error, 16);
        return true;
    }
    bool binaryMessage() override
    {
        events << "b";
        return true;
    }
    bool ping(QByteArrayView payload) override
    {
        events << "p" + payload.toByteArray();
        return true;
    }
    bool pong() override
    {
        events << "o";
        return true;
    }
    bool closeReceived(quint16 code, QByteArrayView reason) override
    {
        events << "c" + QByteArray::number(code) + reason.toByteArray();
        return true;
    }
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype step = qsizetype(data[0] % 32) + 1;
    const QByteArrayView input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    constexpr qint64 kCap = 4096;

    Wire::Decoder whole(kCap, kCap);
    Recorder wholeEvents;
    const Wire::CloseCode wholeCode = whole.feed(input, wholeEvents);

    Wire::Decoder chunked(kCap, kCap);
    Recorder chunkedEvents;
    Wire::CloseCode chunkedCode = Wire::CloseCode::None;
    for (qsizetype at = 0; at < input.size() && chunkedCode == Wire::CloseCode::None; at += step)
        chunkedCode = chunked.feed(input.sliced(at, qMin(step, input.size() - at)), chunkedEvents);

    if (wholeCode != chunkedCode || wholeEvents.events != chunkedEvents.events)
        std::abort();
    if (whole.buffered() > kCap + 14 + 125)
        std::abort();
    return 0;
}
