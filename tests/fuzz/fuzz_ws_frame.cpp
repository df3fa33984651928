// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: RFC 7395 message parsing (one complete element per WebSocket text message).
#include "websocket/framing.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    Switchboard::WebSocket::Frame frame;
    QString error;
    (void)Switchboard::WebSocket::parseFrame(input, &frame, &error, 16);
    return 0;
}
