// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/sessionsnapshot.h"

#include <QCryptographicHash>

namespace Switchboard::Rest {

QByteArray SessionSnapshot::tokenHashOf(QByteArrayView token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

} // namespace Switchboard::Rest
