// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/nodeid.h"

#include <QRandomGenerator>

#include <algorithm>

namespace Switchboard::NodeId {

bool isValid(QStringView nodeId)
{
    if (nodeId.isEmpty() || nodeId.size() > kMaxLength)
        return false;
    return std::all_of(nodeId.cbegin(), nodeId.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
               u == u'_' || u == u'-';
    });
}

QString newSessionId(QStringView nodeId, QStringView kind)
{
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray random = QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex();
    QString id;
    id.reserve(nodeId.size() + 1 + kind.size() + random.size());
    if (!nodeId.isEmpty()) {
        id.append(nodeId);
        id.append(QLatin1Char('.'));
    }
    id.append(kind);
    id.append(QLatin1String(random));
    return id;
}

QStringView nodeOf(QStringView sessionId)
{
    const qsizetype dot = sessionId.indexOf(QLatin1Char('.'));
    if (dot <= 0)
        return {};
    const QStringView node = sessionId.first(dot);
    return isValid(node) ? node : QStringView();
}

} // namespace Switchboard::NodeId
