// SPDX-License-Identifier: GPL-3.0-or-later
#include "wsprobe.h"

#include "boshprobe.h"
#include "wait.h"

#include <QDeadlineTimer>
#include <QDomDocument>
#include <QNetworkRequest>
#include <QWebSocketHandshakeOptions>

namespace Switchboard::Check {

WsProbe::WsProbe(const Options &options, QObject *parent) : QObject(parent), m_options(options)
{
    m_socket.setMaxAllowedIncomingMessageSize(4 * 1024 * 1024);
    connect(&m_socket, &QWebSocket::connected, this, [this] { m_connected = true; });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] { m_disconnected = true; });
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this] { m_error = m_socket.errorString(); });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &message) {
        ++m_messageCount;
        QDomDocument document;
        // RFC 7395 §3.3.3: each message is one complete, parsable element; a message with two elements
        // (or a partial one) does not parse as a document.
        if (!document.setContent(message, true)) {
            if (m_badMessages.size() < 5)
                m_badMessages.append(message.left(200));
            return;
        }
        m_elements.append(document.documentElement());
    });
}

WsProbe::~WsProbe()
{
    m_socket.abort();
}

bool WsProbe::connectSocket(const QStringList &subprotocols, const QByteArray &origin)
{
    QNetworkRequest request(m_options.ws);
    if (!origin.isEmpty())
        request.setRawHeader("Origin", origin);
    QWebSocketHandshakeOptions handshake;
    handshake.setSubprotocols(subprotocols);
    m_socket.open(request, handshake);
    waitUntil([&] { return m_connected || m_disconnected; }, m_options.boundMs());
    return m_connected && !m_disconnected;
}

QString WsProbe::failure() const
{
    if (!m_connected && !m_disconnected)
        return u"no handshake in " + QString::number(m_options.timeoutS) + u" s";
    if (!m_connected)
        return u"handshake refused (" + (m_error.isEmpty() ? QStringLiteral("closed") : m_error) + u')';
    return u"closed (" + QString::number(int(m_socket.closeCode())) + u' ' + m_socket.closeReason() + u')';
}

void WsProbe::sendText(const QByteArray &xml)
{
    m_socket.sendTextMessage(QString::fromUtf8(xml));
}

QDomElement WsProbe::waitFor(const std::function<bool(const QDomElement &)> &match, int ms)
{
    QDomElement found;
    waitUntil(
        [&] {
            while (m_consumed < m_elements.size()) {
                const QDomElement element = m_elements.at(m_consumed++);
                if (match(element)) {
                    found = element;
                    return true;
                }
            }
            return m_disconnected;
        },
        ms);
    return found;
}

QDomElement WsProbe::waitForName(const QString &localName, int ms)
{
    return waitFor([&](const QDomElement &e) { return e.localName() == localName; }, ms);
}

bool WsProbe::waitForDisconnected(int ms)
{
    return waitUntil([&] { return m_disconnected; }, ms);
}

QByteArray WsProbe::openElement() const
{
    return "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'" + xmlAttribute("to", m_options.domain) +
           " version='1.0' xml:lang='en'/>";
}

bool WsProbe::open(QString &seen)
{
    sendText(openElement());
    m_lastOpen = waitFor([](const QDomElement &e) { return e.localName() == u"open"; }, m_options.boundMs());
    if (m_lastOpen.isNull()) {
        seen = u"no <open/> answer: " +
               (m_disconnected ? failure() : QStringLiteral("nothing within the bound"));
        return false;
    }
    m_lastFeatures =
        waitFor([](const QDomElement &e) { return e.localName() == u"features"; }, m_options.boundMs());
    if (m_lastFeatures.isNull()) {
        seen = QStringLiteral("no <stream:features/> after <open/>");
        return false;
    }
    return true;
}

bool WsProbe::authenticate(const QString &user, const QString &password, QString &seen)
{
    sendText("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + saslPlain(user, password) +
             "</auth>");
    const QDomElement outcome = waitFor(
        [](const QDomElement &e) { return e.localName() == u"success" || e.localName() == u"failure"; },
        m_options.boundMs());
    if (outcome.isNull()) {
        seen = QStringLiteral("no SASL outcome after <auth mechanism='PLAIN'/>");
        return false;
    }
    if (outcome.localName() != u"success") {
        seen = u"SASL PLAIN for " + localPart(user) + u": <failure><" +
               outcome.firstChildElement().localName() + u"/></failure>";
        return false;
    }
    return true;
}

bool WsProbe::restart(QString &seen)
{
    if (!open(seen))
        return false;
    if (m_lastFeatures.elementsByTagNameNS(kBindNs, QStringLiteral("bind")).isEmpty()) {
        seen = QStringLiteral("the features after the restart <open/> offer no <bind/>");
        return false;
    }
    return true;
}

bool WsProbe::bind(QString &seen)
{
    sendText("<iq type='set' id='bind1' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
             "<resource>check</resource></bind></iq>");
    const QDomElement result = waitFor(
        [](const QDomElement &e) {
            return e.localName() == u"iq" && e.attribute(QStringLiteral("id")) == u"bind1";
        },
        m_options.boundMs());
    m_jid = result.firstChildElement(QStringLiteral("bind")).firstChildElement(QStringLiteral("jid")).text();
    m_bindNamespace = result.namespaceURI();
    if (result.attribute(QStringLiteral("type")) != u"result" || m_jid.isEmpty()) {
        seen = result.isNull() ? QStringLiteral("no answer to the bind IQ")
                               : u"bind answered type='" + result.attribute(QStringLiteral("type")) + u'\'';
        return false;
    }
    return true;
}

bool WsProbe::login(const QString &user, const QString &password, QString &seen)
{
    if (!isConnected() && !connectSocket({QStringLiteral("xmpp")}, m_options.origin)) {
        seen = u"WebSocket: " + failure();
        return false;
    }
    return open(seen) && authenticate(user, password, seen) && restart(seen) && bind(seen);
}

void WsProbe::closeStream()
{
    if (isConnected()) {
        sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        waitForDisconnected(m_options.boundMs());
    }
    m_socket.abort();
}

} // namespace Switchboard::Check
