// SPDX-License-Identifier: GPL-3.0-or-later
#include "testclient.h"

#include "prosodyfixture.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QTest>
#include <QXmlStreamReader>

namespace Switchboard::Test {

namespace {

QByteArray escaped(const QString &text)
{
    return text.toUtf8().replace('&', "&amp;").replace('<', "&lt;").replace('\'', "&apos;");
}

} // namespace

TestClient::TestClient(QObject *parent) : QObject(parent), m_socket(new QTcpSocket(this))
{
    connect(m_socket, &QIODevice::readyRead, this, [this] { onReadyRead(); });
}

TestClient::~TestClient() = default;

bool TestClient::connectAndOpen(quint16 port, const QString &domain, int timeoutMs)
{
    m_error.clear();
    m_socket->abort();
    m_reader.reset();
    m_received.clear();
    m_streamClosed = false;
    m_socket->connectToHost(QHostAddress::LocalHost, port);
    if (!m_socket->waitForConnected(timeoutMs)) { // test code: blocking is fine here
        m_error = u"connect: " + m_socket->errorString();
        return false;
    }
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    return openStream(domain, timeoutMs);
}

bool TestClient::openStream(const QString &domain, int timeoutMs)
{
    m_headerReceived = false;
    m_reader.reset();
    send("<?xml version='1.0'?><stream:stream to='" + escaped(domain) +
         "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
    const QByteArray features =
        waitForElement([](const QByteArray &x) { return x.startsWith("<stream:features"); }, timeoutMs);
    if (features.isEmpty()) {
        m_error = QStringLiteral("no stream features");
        return false;
    }
    m_received.prepend(features); // leave them for the caller to inspect
    return true;
}

bool TestClient::login(quint16 port, const QString &domain, const QString &user, const QString &password,
                       const QString &resource, bool presence, int timeoutMs)
{
    if (!connectAndOpen(port, domain, timeoutMs))
        return false;
    m_received.clear();
    // RFC 4616 PLAIN: authzid NUL authcid NUL password.
    const QByteArray plain = '\0' + user.toUtf8() + '\0' + password.toUtf8();
    send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain.toBase64() + "</auth>");
    const QByteArray outcome = waitForElement(
        [](const QByteArray &x) { return x.startsWith("<success") || x.startsWith("<failure"); }, timeoutMs);
    if (!outcome.startsWith("<success")) {
        m_error = u"SASL failed: " + QString::fromUtf8(outcome);
        return false;
    }
    // RFC 6120 §6.4.6: restart the stream after SASL success.
    if (!openStream(domain, timeoutMs))
        return false;
    m_received.clear();
    send("<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
         escaped(resource) + "</resource></bind></iq>");
    const QByteArray bound = waitForElement(
        [](const QByteArray &x) { return x.contains("id='bind1'") || x.contains("id=\"bind1\""); },
        timeoutMs);
    m_jid = text(bound, u"jid");
    if (attribute(bound, u"type") != u"result" || m_jid.isEmpty()) {
        m_error = u"bind failed: " + QString::fromUtf8(bound);
        return false;
    }
    if (presence) {
        send("<presence/>");
        // The server echoes our own presence back (RFC 6121 §4.2.2); wait for it so later waits start clean.
        const QString self = m_jid;
        waitForElement(
            [self](const QByteArray &x) {
                return x.startsWith("<presence") && attribute(x, u"from") == self;
            },
            timeoutMs);
    }
    return true;
}

bool TestClient::login(const ProsodyFixture &prosody, const QString &user, const QString &resource,
                       bool presence)
{
    return login(prosody.c2sPort(), prosody.domain(), user, prosody.password(user), resource, presence);
}

void TestClient::send(const QByteArray &xml)
{
    m_socket->write(xml);
    m_socket->flush();
}

QByteArray TestClient::waitForElement(const Predicate &predicate, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    qsizetype checked = 0;
    for (;;) {
        for (; checked < m_received.size(); ++checked) {
            if (predicate(m_received.at(checked)))
                return m_received.takeAt(checked);
        }
        if (deadline.hasExpired() || m_reader.hasFailed() ||
            (m_socket->state() != QAbstractSocket::ConnectedState && m_socket->bytesAvailable() == 0))
            return {};
        QTest::qWait(5); // test support only
    }
}

QByteArray TestClient::waitForElement(QByteArrayView needle, int timeoutMs)
{
    const QByteArray n = needle.toByteArray();
    return waitForElement([n](const QByteArray &x) { return x.contains(n); }, timeoutMs);
}

void TestClient::onReadyRead()
{
    QList<Xmpp::StanzaReader::Event> events;
    m_reader.feed(m_socket->readAll(), events);
    for (const auto &event : std::as_const(events)) {
        switch (event.type) {
        case Xmpp::StanzaReader::Event::StreamOpened:
            m_headerReceived = true;
            break;
        case Xmpp::StanzaReader::Event::Element:
            m_received.append(event.xml);
            Q_EMIT elementReceived(event.xml);
            break;
        case Xmpp::StanzaReader::Event::StreamClosed:
            m_streamClosed = true;
            break;
        case Xmpp::StanzaReader::Event::Error:
            m_error = u"stream: " + event.errorText;
            break;
        }
    }
}

void TestClient::disconnectFromServer()
{
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        send("</stream:stream>");
        m_socket->disconnectFromHost();
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            m_socket->waitForDisconnected(2000);
    }
}

bool TestClient::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

QString TestClient::attribute(const QByteArray &xml, QStringView name)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement)
            return reader.attributes().value(name.toString()).toString();
    }
    return {};
}

QString TestClient::text(const QByteArray &xml, QStringView name)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == name)
            return reader.readElementText(QXmlStreamReader::IncludeChildElements);
    }
    return {};
}

} // namespace Switchboard::Test
