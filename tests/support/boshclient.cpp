// SPDX-License-Identifier: GPL-3.0-or-later
#include "boshclient.h"

#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

namespace {
QByteArray escape(const QString &value)
{
    return value.toHtmlEscaped().replace(QLatin1Char('\''), QLatin1String("&apos;")).toUtf8();
}
} // namespace

QByteArray saslPlain(const QString &user, const QString &password)
{
    const QByteArray plain = QByteArray(1, '\0') + user.toUtf8() + QByteArray(1, '\0') + password.toUtf8();
    return plain.toBase64();
}

BoshClient::BoshClient(const QUrl &url, QObject *parent) : QObject(parent), m_url(url)
{
    m_rid = QRandomGenerator::global()->bounded(1000000, 1000000000);
}

QNetworkReply *BoshClient::postRaw(const QByteArray &data)
{
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/xml; charset=utf-8"));
    request.setTransferTimeout(0);
    return m_nam.post(request, data);
}

QNetworkReply *BoshClient::send(QMap<QString, QString> attrs, const QByteArray &payload, qint64 rid)
{
    if (!attrs.contains(QStringLiteral("rid")))
        attrs.insert(QStringLiteral("rid"), QString::number(rid ? rid : takeRid()));
    if (!m_sid.isEmpty() && !attrs.contains(QStringLiteral("sid")))
        attrs.insert(QStringLiteral("sid"), m_sid);
    QByteArray xml = "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'";
    for (auto it = attrs.cbegin(); it != attrs.cend(); ++it) {
        if (it.value().isNull())
            continue;
        xml += ' ' + it.key().toUtf8() + "='" + escape(it.value()) + '\'';
    }
    xml += payload.isEmpty() ? QByteArray("/>") : QByteArray(">" + payload + "</body>");
    return postRaw(xml);
}

BoshClient::Response BoshClient::wait(QNetworkReply *reply, int timeoutMs)
{
    Response response;
    if (!reply->isFinished()) {
        QSignalSpy spy(reply, &QNetworkReply::finished);
        if (!spy.wait(timeoutMs)) {
            reply->abort();
            reply->deleteLater();
            return response;
        }
    }
    response.finished = true;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.raw = reply->readAll();
    reply->deleteLater();
    QDomDocument doc;
    if (!response.raw.isEmpty() && doc.setContent(response.raw, true)) {
        response.body = doc.documentElement();
        const QDomNamedNodeMap attributes = response.body.attributes();
        for (int i = 0; i < attributes.count(); ++i) {
            const QDomAttr a = attributes.item(i).toAttr();
            QString name = a.localName().isEmpty() ? a.name() : a.localName();
            if (a.namespaceURI() == QLatin1String("urn:xmpp:xbosh"))
                name = QStringLiteral("xmpp:") + name;
            response.attrs.insert(name, a.value());
        }
        for (QDomElement child = response.body.firstChildElement(); !child.isNull();
             child = child.nextSiblingElement())
            response.children << child;
    }
    return response;
}

BoshClient::Response BoshClient::request(QMap<QString, QString> attrs, const QByteArray &payload, qint64 rid,
                                         int timeoutMs)
{
    return wait(send(std::move(attrs), payload, rid), timeoutMs);
}

bool BoshClient::login(const QString &domain, const QString &user, const QString &password, QString *error,
                       const QString &resource, QMap<QString, QString> extra)
{
    auto failWith = [error](const QString &what, const Response &r) {
        if (error)
            *error = what + QStringLiteral(": HTTP %1 ").arg(r.status) + QString::fromUtf8(r.raw);
        return false;
    };
    QMap<QString, QString> attrs{{QStringLiteral("to"), domain},
                                 {QStringLiteral("wait"), QString::number(m_wait)},
                                 {QStringLiteral("hold"), QStringLiteral("1")},
                                 {QStringLiteral("ver"), QStringLiteral("1.6")},
                                 {QStringLiteral("xml:lang"), QStringLiteral("en")},
                                 {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}};
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        attrs.insert(it.key(), it.value());
    Response created = request(attrs);
    if (created.status != 200 || created.attr(QStringLiteral("sid")).isEmpty() || created.isTerminate())
        return failWith(QStringLiteral("session creation"), created);
    m_sid = created.attr(QStringLiteral("sid"));
    m_wait = created.attr(QStringLiteral("wait")).toInt();
    // XEP-0124 §7.1: at most `requests` requests open at once (absent: hold + 1, so 2 here).
    const QString requests = created.attr(QStringLiteral("requests"));
    m_requests = requests.isEmpty() ? 2 : qMax(1, requests.toInt());
    // Features may come in the creation response or a later one (XEP-0206 §3).
    Response features = created;
    while (features.children.isEmpty()) {
        features = request({});
        if (features.status != 200 || features.isTerminate())
            return failWith(QStringLiteral("features"), features);
    }
    Response auth = request({}, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
                                    saslPlain(user, password) + "</auth>");
    while (auth.status == 200 && auth.children.isEmpty() && !auth.isTerminate())
        auth = request({});
    if (auth.children.isEmpty() || auth.children.first().tagName() != QLatin1String("success"))
        return failWith(QStringLiteral("SASL"), auth);
    QMap<QString, QString> restart{{QStringLiteral("xmpp:restart"), QStringLiteral("true")},
                                   {QStringLiteral("to"), domain},
                                   {QStringLiteral("xml:lang"), QStringLiteral("en")}};
    for (auto it = m_restartExtra.cbegin(); it != m_restartExtra.cend(); ++it)
        restart.insert(it.key(), it.value());
    Response restarted = request(restart);
    while (restarted.status == 200 && restarted.children.isEmpty() && !restarted.isTerminate())
        restarted = request({});
    if (restarted.children.isEmpty() || restarted.children.first().localName() != QLatin1String("features"))
        return failWith(QStringLiteral("restart"), restarted);
    Response bound = request({}, "<iq xmlns='jabber:client' type='set' id='bind1'><bind "
                                 "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
                                     escape(resource) + "</resource></bind></iq>");
    while (bound.status == 200 && bound.children.isEmpty() && !bound.isTerminate())
        bound = request({});
    const QDomElement jid =
        bound.children.value(0).firstChildElement().firstChildElement(QStringLiteral("jid"));
    if (jid.isNull())
        return failWith(QStringLiteral("bind"), bound);
    m_jid = jid.text();
    return true;
}

void BoshClient::collect(const Response &response)
{
    for (const QDomElement &child : response.children) {
        m_documents << child.ownerDocument();
        m_received << child;
        Q_EMIT stanzaReceived(child);
    }
    if (response.isTerminate()) {
        m_polling = false;
        m_lastTerminate = response;
        Q_EMIT terminated();
    }
}

void BoshClient::startPolling()
{
    m_polling = true;
    poll();
}

void BoshClient::poll()
{
    // One poll at a time, beside stanza requests while the session's `requests` allow.
    if (!m_polling || m_pollOpen || m_open >= m_requests)
        return;
    m_pollOpen = true;
    sendOpen({});
}

void BoshClient::sendStanza(const QByteArray &xml)
{
    m_queued.append(xml);
    flush();
}

void BoshClient::flush()
{
    // Each stanza in a request of its own, never more than `requests` open (XEP-0124 §11): the rest
    // wait for an answer, as strophe.js's queue does.
    while (!m_queued.isEmpty() && m_open < m_requests)
        sendOpen(m_queued.takeFirst());
}

void BoshClient::sendOpen(const QByteArray &payload)
{
    ++m_open;
    QNetworkReply *reply = send({}, payload);
    connect(reply, &QNetworkReply::finished, this, [this, reply, isPoll = payload.isEmpty()] {
        --m_open;
        if (isPoll)
            m_pollOpen = false;
        collect(wait(reply, 0));
        flush();
        poll();
    });
}

BoshClient::Response BoshClient::terminate(const QByteArray &payload)
{
    m_polling = false;
    return request({{QStringLiteral("type"), QStringLiteral("terminate")}}, payload);
}

QDomElement BoshClient::waitForStanza(const std::function<bool(const QDomElement &)> &match, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype seen = 0;
    while (true) {
        for (; seen < m_received.size(); ++seen) {
            if (match(m_received.at(seen)))
                return m_received.at(seen);
        }
        if (deadline.hasExpired())
            return {};
        QSignalSpy spy(this, &BoshClient::stanzaReceived);
        spy.wait(int(std::max<qint64>(1, deadline.remainingTime())));
    }
}
