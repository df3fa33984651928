// SPDX-License-Identifier: GPL-3.0-or-later
#include "restapi.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>

namespace Switchboard::Test {

QByteArray RestAnswer::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QNetworkReply *RestApi::start(const QByteArray &method, const QString &path, const QByteArray &body,
                              const QByteArray &token, const QByteArray &contentType, const Headers &headers)
{
    QUrl url = m_base;
    const QString full = url.path() + path;
    const qsizetype q = full.indexOf(QLatin1Char('?'));
    url.setPath(q < 0 ? full : full.left(q));
    if (q >= 0)
        url.setQuery(full.mid(q + 1));
    QNetworkRequest request(url);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    return m_nam.sendCustomRequest(request, method, body);
}

RestAnswer RestApi::finish(QNetworkReply *reply, int timeoutMs)
{
    RestAnswer a;
    if (!reply->isFinished()) {
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!done.wait(timeoutMs)) {
            reply->deleteLater();
            return a;
        }
    }
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.body = reply->readAll();
    a.json = QJsonDocument::fromJson(a.body).object();
    a.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return a;
}

RestAnswer RestApi::call(const QByteArray &method, const QString &path, const QByteArray &body,
                         const QByteArray &token, const QByteArray &contentType, const Headers &headers)
{
    return finish(start(method, path, body, token, contentType, headers));
}

QByteArray toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace Switchboard::Test
