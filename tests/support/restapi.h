// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QString>
#include <QUrl>

namespace Switchboard::Test {

/// What one HTTP call to Switchboard answered (status 0: no answer in time).
struct RestAnswer
{
    int status = 0;
    QByteArray body;
    QJsonObject json; ///< the body, when it is a JSON object
    QList<QNetworkReply::RawHeaderPair> headers;
    /// The named header's value (case-insensitive name), empty when absent.
    QByteArray header(const QByteArray &name) const;
};

/// HTTP calls to Switchboard's REST API (and its other paths) for integration tests, through Qt's own
/// client. Paths are appended to the base URL's path. Synchronous-looking: finish() spins the event
/// loop until the answer or the deadline, which is fine in tests and only there.
class RestApi
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    explicit RestApi(QUrl base = {}) : m_base(std::move(base)) {}
    void setBase(QUrl base) { m_base = std::move(base); }
    const QUrl &base() const { return m_base; }

    /// Sends a call without waiting (a long poll, say); finish() waits for it.
    QNetworkReply *start(const QByteArray &method, const QString &path, const QByteArray &body = {},
                         const QByteArray &token = {}, const QByteArray &contentType = "application/json",
                         const Headers &headers = {});
    /// Waits up to `timeoutMs` for `reply` and reads it; the reply is deleted later.
    static RestAnswer finish(QNetworkReply *reply, int timeoutMs = 30000);
    RestAnswer call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                    const QByteArray &token = {}, const QByteArray &contentType = "application/json",
                    const Headers &headers = {});

private:
    QUrl m_base;
    QNetworkAccessManager m_nam;
};

/// Compact JSON of `object`, as a request body.
QByteArray toJson(const QJsonObject &object);

} // namespace Switchboard::Test
