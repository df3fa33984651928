// SPDX-License-Identifier: GPL-3.0-or-later
#include "backlogflood.h"

#include "wsclient.h"

#include <QSignalSpy>

namespace Switchboard::Test {

bool streamTerminatedWith(const QSignalSpy &terminated, QLatin1String condition)
{
    for (const QList<QVariant> &args : terminated) {
        if (args.at(2).toString() == condition)
            return true;
    }
    return false;
}

int floodInPingedBatches(WsClient &sender, const QString &recipient, const QByteArray &idPrefix,
                         const std::function<bool()> &stop)
{
    constexpr int kBatch = 16;
    constexpr int kBudget = 1024;
    const QByteArray body(16384, 'x');
    int sent = 0;
    while (sent < kBudget && !stop()) {
        for (int i = 0; i < kBatch; ++i, ++sent)
            sender.sendText("<message xmlns='jabber:client' type='chat' to='" + recipient.toUtf8() +
                            "' id='" + idPrefix + QByteArray::number(sent) + "'><body>" + body +
                            "</body></message>");
        const QByteArray pingId = idPrefix + "-ping" + QByteArray::number(sent);
        sender.sendText("<iq xmlns='jabber:client' type='get' to='localhost' id='" + pingId +
                        "'><ping xmlns='urn:xmpp:ping'/></iq>");
        const QDomElement answer = sender.waitFor(
            [&](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String(pingId); });
        if (answer.isNull())
            return -1;
    }
    return sent;
}

} // namespace Switchboard::Test
