// SPDX-License-Identifier: GPL-3.0-or-later
// The last bytes of a fixture's log files, for a failing test to print.
#pragma once

#include <QFile>
#include <QString>
#include <QStringList>

namespace Switchboard::Test {

/// Each of `names` under `dir` that exists, headed by its name, cut to its last `maxBytes`.
inline QString logTails(const QString &dir, const QStringList &names, qsizetype maxBytes)
{
    QString text;
    for (const QString &name : names) {
        QFile file(dir + u'/' + name);
        if (file.open(QIODevice::ReadOnly))
            text += u"--- " + name + u" ---\n" + QString::fromUtf8(file.readAll().right(maxBytes)) + u'\n';
    }
    return text;
}

} // namespace Switchboard::Test
