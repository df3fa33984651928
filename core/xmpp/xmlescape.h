// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

namespace Switchboard::Xmpp {

/// Appends UTF-8 `value` with the five XML special characters escaped (&, <, >, ', "): safe in text
/// and in attribute values quoted either way.
void appendXmlEscaped(QByteArray &out, QByteArrayView value);
/// `value` as UTF-8, escaped the same way.
QByteArray xmlEscaped(QStringView value);

} // namespace Switchboard::Xmpp
