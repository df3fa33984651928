// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the BOSH request body parser (XEP-0124: one httpbind <body/>, no DTD, no
// entities beyond the five, bounded depth), and the builder on what it accepted.
#include "bosh/boshbody.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    Switchboard::Bosh::Body body;
    QString error;
    if (!Switchboard::Bosh::parseBody(input, &body, &error, 16))
        return 0;
    // Every payload must stand alone and parse again inside a fresh <body/>.
    QList<QPair<QString, QString>> attributes;
    for (auto it = body.attributes.cbegin(); it != body.attributes.cend(); ++it) {
        if (!it.key().contains(QLatin1Char(':')))
            attributes.append({it.key(), it.value()});
    }
    const QByteArray rebuilt = Switchboard::Bosh::buildBody(attributes, body.payloads);
    Switchboard::Bosh::Body again;
    if (!Switchboard::Bosh::parseBody(rebuilt, &again, &error, 17) ||
        again.payloads.size() != body.payloads.size())
        __builtin_trap();
    return 0;
}
