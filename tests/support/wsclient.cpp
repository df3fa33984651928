// SPDX-License-Identifier: GPL-3.0-or-later
#include "wsclient.h"

#include "boshclient.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>

WsClient::WsClient(const QUrl &url, QObject *parent) : QObject(parent), m_url(url)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QByteArray raw = text.toUtf8();
        m_raw << raw;
        QDomDocument doc;
        if (doc.setContent(raw, true)) {
            m_documents << doc;
            m_elements << doc.documentElement();
        } else {
            m_elements << QDomElement();
        }
    });
}

bool WsClient::connectSocket(const QByteArray &origin, int timeoutMs)
{
    QNetworkRequest request(m_url);
    request.setRawHeader("Sec-WebSocket-Protocol", "xmpp");
    if (!origin.isEmpty())
        request.setRawHeader("Origin", origin);
    QSignalSpy connected(&m_socket, &QWebSocket::connected);
    QSignalSpy disconnected(&m_socket, &QWebSocket::disconnected);
    m_socket.open(request);
    // Either outcome ends the wait: a refused handshake disconnects.
    return QTest::qWaitFor([&] { return !connected.isEmpty() || !disconnected.isEmpty(); }, timeoutMs) &&
           !connected.isEmpty();
}

void WsClient::sendText(const QByteArray &xml)
{
    m_socket.sendTextMessage(QString::fromUtf8(xml));
}

QDomElement WsClient::waitFor(const std::function<bool(const QDomElement &)> &match, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (true) {
        while (m_consumed < m_elements.size()) {
            const QDomElement element = m_elements.at(m_consumed++);
            if (!element.isNull() && match(element))
                return element;
        }
        if (deadline.hasExpired())
            return {};
        QSignalSpy spy(&m_socket, &QWebSocket::textMessageReceived);
        spy.wait(int(std::max<qint64>(1, deadline.remainingTime())));
    }
}

QDomElement WsClient::waitForName(const QString &localName, int timeoutMs)
{
    return waitFor([&localName](const QDomElement &e) { return e.localName() == localName; }, timeoutMs);
}

bool WsClient::login(const QString &domain, const QString &user, const QString &password, QString *error,
                     const QString &resource)
{
    auto failWith = [this, error](const QString &step) {
        if (error)
            *error = step + QStringLiteral(": ") + QString::fromUtf8(m_raw.join('\n'));
        return false;
    };
    const QByteArray open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" + domain.toUtf8() +
                            "' version='1.0' xml:lang='en'/>";
    sendText(open);
    if (waitForName(QStringLiteral("open")).isNull() || waitForName(QStringLiteral("features")).isNull())
        return failWith(QStringLiteral("open"));
    sendText("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + saslPlain(user, password) +
             "</auth>");
    const QDomElement result = waitFor([](const QDomElement &e) {
        return e.localName() == QLatin1String("success") || e.localName() == QLatin1String("failure");
    });
    if (result.isNull() || result.localName() != QLatin1String("success"))
        return failWith(QStringLiteral("SASL"));
    sendText(open);
    if (waitForName(QStringLiteral("open")).isNull() || waitForName(QStringLiteral("features")).isNull())
        return failWith(QStringLiteral("restart"));
    sendText("<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
             "<resource>" +
             resource.toUtf8() + "</resource></bind></iq>");
    const QDomElement bound = waitFor([](const QDomElement &e) {
        return e.localName() == QLatin1String("iq") &&
               e.attribute(QStringLiteral("id")) == QLatin1String("bind1");
    });
    const QDomElement jid = bound.firstChildElement().firstChildElement(QStringLiteral("jid"));
    if (jid.isNull())
        return failWith(QStringLiteral("bind"));
    m_jid = jid.text();
    return true;
}

bool WsClient::waitForDisconnected(int timeoutMs)
{
    if (m_socket.state() == QAbstractSocket::UnconnectedState)
        return true;
    QSignalSpy spy(&m_socket, &QWebSocket::disconnected);
    return spy.wait(timeoutMs);
}
